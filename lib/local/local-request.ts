/** What the gateway hands a `/_local/*` route, and what the route answers (the clock, the bus, dead letters). */
import type { IncomingMessage } from 'node:http';

export interface LocalRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export interface LocalResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}
