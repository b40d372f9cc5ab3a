/**
 * The local stand-in for the WebSocket API behind the console's live feed: on the
 * gateway's port at `/live`, each connection gets an API Gateway-style connection id
 * and the deployed handler module (`functions/topology/live.ts`) is invoked with the same
 * `$connect` / `$default` / `$disconnect` events API Gateway would send. What the
 * handlers push reaches the sockets through the local pusher
 * (`functions/adapters/live-push.ts`), which reads the socket map this registers.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { WebSocketServer, type WebSocket } from 'ws';
import { localSockets } from '#adapters/live-push.js';
import { liveSocket } from '#topology/live.js';
import { LOCAL_ACCOUNT_ID } from './http-api-event.js';
import { createLambdaContext } from './lambda-context.js';
import { loadFunction } from './function-loader.js';
import type { GatewayLog } from './gateway.js';

type LiveHandler = (event: APIGatewayProxyWebsocketEventV2, context: Context) => Promise<unknown>;

export interface LiveServer {
  /** For the gateway's HTTP server: `server.on('upgrade', live.onUpgrade)`. */
  onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every connection (each with its `$disconnect`). */
  close(): Promise<void>;
  /**
   * An outage, for tests of reconnect and resume: drops every connection as a network
   * fault would (no close frame) and refuses new ones (503) until `restore()`.
   */
  interrupt(): { restore(): void };
}

/** The console's `liveUrl` for a local gateway at `gatewayUrl` (http://127.0.0.1:3000 -> ws://127.0.0.1:3000/live). */
export const localLiveUrl = (gatewayUrl: string): string => `${gatewayUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}${liveSocket.localPath}`;

const HANDLER_TIMEOUT_MS = 30_000;

/** API Gateway's connection ids are 12 base64 characters ending in `=`. */
const connectionIdOf = (): string => `${randomBytes(9).toString('base64').slice(0, 11).replace(/[+/]/g, 'A')}=`;

export function createLiveServer(options: { rootDir: string; log: GatewayLog; port: () => number }): LiveServer {
  const sockets = localSockets();
  const server = new WebSocketServer({ noServer: true, maxPayload: liveSocket.maxClientMessageBytes });
  let loaded: Promise<LiveHandler> | undefined;
  // Set on close: the platform is going down, so no $disconnect runs against a table that is stopping
  // (a connection item left behind is dropped by the fan-out as 'gone', or expires).
  let closing = false;
  let interrupted = false;
  const handler = () => {
    loaded ??= loadFunction<{ handler: LiveHandler }>(options.rootDir, 'live-connect').then((module) => module.handler);
    loaded.catch(() => (loaded = undefined));
    return loaded;
  };

  function event(
    connectionId: string,
    connectedAt: number,
    routeKey: string,
    body?: string,
    isBase64Encoded = false,
  ): APIGatewayProxyWebsocketEventV2 {
    const eventType = routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE';
    const now = Date.now();
    return {
      requestContext: {
        routeKey,
        messageId: randomUUID(),
        eventType,
        extendedRequestId: randomUUID(),
        requestTime: new Date(now).toUTCString(),
        messageDirection: 'IN',
        stage: 'local',
        connectedAt,
        requestTimeEpoch: now,
        requestId: randomUUID(),
        domainName: `127.0.0.1:${options.port()}`,
        connectionId,
        apiId: `local-${LOCAL_ACCOUNT_ID}`,
      },
      isBase64Encoded,
      ...(body === undefined ? {} : { body }),
    };
  }

  async function invoke(connectionId: string, connectedAt: number, routeKey: string, body?: string, isBase64Encoded = false): Promise<number> {
    try {
      const result = (await (
        await handler()
      )(
        event(connectionId, connectedAt, routeKey, body, isBase64Encoded),
        createLambdaContext({ fn: 'live-connect', timeoutMs: HANDLER_TIMEOUT_MS }),
      )) as { statusCode?: number } | undefined;
      return result?.statusCode ?? 200;
    } catch (error) {
      options.log.error(`caseway-live-connect failed on ${routeKey} of ${connectionId}`, error);
      return 500;
    }
  }

  function serve(ws: WebSocket): void {
    const connectionId = connectionIdOf();
    const connectedAt = Date.now();
    // Messages are handled one after another, so a client's auth is done before its next message.
    let queue: Promise<unknown> = Promise.resolve();
    let open = false;
    ws.on('message', (data, isBinary) => {
      // As API Gateway hands them over: text as is, binary frames base64-encoded.
      const body = Buffer.from(data as Buffer).toString(isBinary ? 'base64' : 'utf8');
      queue = queue.then(() => (open ? invoke(connectionId, connectedAt, '$default', body, isBinary) : undefined));
    });
    ws.on('close', () => {
      sockets.delete(connectionId);
      if (!closing) queue = queue.then(() => invoke(connectionId, connectedAt, '$disconnect'));
      options.log.info(`WS ${liveSocket.localPath} ${connectionId} closed`);
    });
    ws.on('error', (error) => options.log.error(`live socket ${connectionId} failed`, error));
    queue = queue.then(async () => {
      const status = await invoke(connectionId, connectedAt, '$connect');
      if (status !== 200) return ws.close(1011, 'connect refused');
      open = true;
      sockets.set(connectionId, { send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) });
      options.log.info(`WS ${liveSocket.localPath} ${connectionId} connected`);
    });
  }

  server.on('connection', serve);

  return {
    onUpgrade(request, socket, head) {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== liveSocket.localPath) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (interrupted) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request));
    },
    interrupt() {
      interrupted = true;
      for (const client of server.clients) client.terminate();
      return { restore: () => void (interrupted = false) };
    },
    close: () =>
      new Promise<void>((done) => {
        closing = true;
        for (const client of server.clients) client.terminate();
        server.close(() => done());
      }),
  };
}
