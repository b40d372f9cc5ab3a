/**
 * The API Gateway Management API pusher, against the real client: the HTTP request
 * it sends (method, path under the stage, body) is captured before it leaves, and
 * API Gateway's answers (200, 410 Gone, 500) are played back through the client's own
 * deserialisers. AWS itself is not reachable here; the request shapes are what matter.
 */
import { Readable } from 'node:stream';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { LocalPusher, ManagementApiPusher, deleteConnectionInput, postToConnectionInput, type LocalSocket } from '#adapters/live-push.js';

interface Sent {
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly body: string;
}

/** A real client whose requests are captured and answered with `status` (and API Gateway's error type) instead of going out. */
function clientAnswering(status: number, errorType?: string): { client: ApiGatewayManagementApiClient; sent: Sent[] } {
  const sent: Sent[] = [];
  // The client's own transport, replaced: everything before it (serialising, signing) and after it (deserialising, error types) is the SDK's.
  const requestHandler = {
    handle: async (request: { method: string; hostname: string; path: string; body?: Uint8Array | string }) => {
      sent.push({
        method: request.method,
        hostname: request.hostname,
        path: request.path,
        body: request.body === undefined ? '' : Buffer.from(request.body).toString('utf8'),
      });
      const body = errorType ? JSON.stringify({ message: errorType }) : '';
      return {
        response: {
          statusCode: status,
          headers: { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) },
          body: Readable.from([Buffer.from(body)]),
        },
      };
    },
  };
  const client = new ApiGatewayManagementApiClient({
    endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/live',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: requestHandler as never,
  });
  return { client, sent };
}

describe('Management API pusher', () => {
  it('posts the message as JSON to @connections/<id> under the stage', async () => {
    const { client, sent } = clientAnswering(200);
    const outcome = await new ManagementApiPusher(client).send('Abc123DEF45=', { type: 'event', id: '1764748800000-0a1b2c3d' });
    expect(outcome).toBe('sent');
    expect(sent).toEqual([
      {
        method: 'POST',
        hostname: 'abc123.execute-api.eu-west-1.amazonaws.com',
        path: '/live/@connections/Abc123DEF45%3D',
        body: '{"type":"event","id":"1764748800000-0a1b2c3d"}',
      },
    ]);
  });

  it("says 'gone' when API Gateway answers 410, and throws on other failures", async () => {
    expect(await new ManagementApiPusher(clientAnswering(410, 'GoneException').client).send('x=', { type: 'ready' })).toBe('gone');
    await expect(
      new ManagementApiPusher(clientAnswering(500, 'InternalServerErrorException').client).send('x=', { type: 'ready' }),
    ).rejects.toThrow();
  });

  it('disconnects with DELETE @connections/<id>, and a connection already gone is fine', async () => {
    const { client, sent } = clientAnswering(204);
    await new ManagementApiPusher(client).disconnect('Abc123DEF45=');
    expect(sent.map((s) => [s.method, s.path])).toEqual([['DELETE', '/live/@connections/Abc123DEF45%3D']]);
    await expect(new ManagementApiPusher(clientAnswering(410, 'GoneException').client).disconnect('x=')).resolves.toBeUndefined();
  });

  it('builds the command inputs the client is given', () => {
    expect(postToConnectionInput('c=', { type: 'pong' })).toEqual({ ConnectionId: 'c=', Data: new TextEncoder().encode('{"type":"pong"}') });
    expect(deleteConnectionInput('c=')).toEqual({ ConnectionId: 'c=' });
  });
});

describe('local pusher', () => {
  it("writes to the socket of the connection, closes with the protocol's code, and says 'gone' for an unknown one", async () => {
    const log: string[] = [];
    const socket: LocalSocket = { send: (text) => log.push(`send ${text}`), close: (code, reason) => log.push(`close ${code} ${reason}`) };
    const pusher = new LocalPusher(new Map([['a=', socket]]));
    expect(await pusher.send('a=', { type: 'ready' })).toBe('sent');
    expect(await pusher.send('b=', { type: 'ready' })).toBe('gone');
    await pusher.disconnect('a=', { code: 4401, reason: 'the token has expired' });
    expect(log).toEqual(['send {"type":"ready"}', 'close 4401 the token has expired']);
  });
});
