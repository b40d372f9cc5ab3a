/**
 * A stand-in for S3's object API as far as the stored knowledge index uses it: GET with
 * If-None-Match (304) and PUT with If-Match / If-None-Match `*` (412), over real HTTP, so
 * the real @aws-sdk/client-s3 serializes the requests and parses the answers as it does
 * against S3. Every request is recorded with its headers.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly status: number;
}

export interface ConditionalS3 {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  readonly objects: Map<string, { body: Buffer; etag: string }>;
  /** An S3 client pointed at it; `userAgent` tells its requests apart. */
  client(userAgent?: string): S3Client;
  close(): Promise<void>;
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>test</RequestId></Error>`;

const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

export async function conditionalS3(): Promise<ConditionalS3> {
  const objects = new Map<string, { body: Buffer; etag: string }>();
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://s3').pathname);
      const answer = (status: number, headers: Record<string, string>, body: Buffer | string = '') => {
        requests.push({ method: request.method ?? '', path, headers: request.headers, status });
        response.writeHead(status, headers);
        response.end(body);
      };
      const fail = (status: number, code: string) => answer(status, { 'content-type': 'application/xml' }, errorXml(code, code));
      const current = objects.get(path);
      if (request.method === 'GET') {
        if (!current) return fail(404, 'NoSuchKey');
        if (request.headers['if-none-match'] === current.etag) return answer(304, { etag: current.etag });
        return answer(200, { etag: current.etag, 'content-type': 'application/gzip', 'content-length': String(current.body.length) }, current.body);
      }
      if (request.method === 'PUT') {
        const now = objects.get(path);
        const ifMatch = request.headers['if-match'];
        const ifNoneMatch = request.headers['if-none-match'];
        if (ifMatch !== undefined && ifMatch !== now?.etag) return fail(412, 'PreconditionFailed');
        if (ifNoneMatch === '*' && now) return fail(412, 'PreconditionFailed');
        const body = Buffer.concat(chunks);
        const etag = etagOf(body);
        objects.set(path, { body, etag });
        return answer(200, { etag });
      }
      return fail(405, 'MethodNotAllowed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    requests,
    objects,
    client: (userAgent) =>
      new S3Client({
        ...(userAgent ? { customUserAgent: userAgent } : {}),
        endpoint,
        forcePathStyle: true,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
        maxAttempts: 1,
      }),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
