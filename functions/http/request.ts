/**
 * What an HTTP operation's `handle` is given and what it answers: shared by the
 * declarations (operation.ts types each `handle` by them) and by the middy stack
 * that parses the request and sends the answer (http-handler.ts). Reads no configuration.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { Caller } from '#core/caller.js';
import type { Channel } from '#core/case.js';

export type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface HttpResult {
  readonly status: number;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is, with the content type its headers give (a CSV export, say). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

export interface ParsedRequest<P, Q, H, B> {
  readonly caller: Caller;
  readonly params: P;
  readonly query: Q;
  readonly headers: H;
  readonly body: B;
  readonly correlationId: string;
  /** The channel the caller acts through, recorded in the audit trail. */
  readonly channel: Channel;
  readonly now: string;
  readonly event: Event;
  /** Count something that happened (an EMF metric of this route's operation): a reopen, a resolution. */
  readonly count: (metric: string, value?: number) => void;
}

/** The request body as text, whatever API Gateway did to it on the way. */
export function bodyText(event: Event): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
