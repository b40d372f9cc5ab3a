/**
 * Sending to live connections. In AWS through the WebSocket API's connection
 * management endpoint (PostToConnection / DeleteConnection); locally to the sockets
 * the local platform holds open in this process (`lib/local/live-server.ts`
 * registers them here). The handlers see only `LivePusher`; which one is chosen at
 * cold start from configuration (`LIVE_PUSH`).
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
  type DeleteConnectionCommandInput,
  type PostToConnectionCommandInput,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { liveConfig } from '../config.js';

/** Close codes of the live protocol (4000-4999 are the application's). API Gateway cannot send them: its clients read the `error` message before the close. */
export const CLOSE_CODES = { unauthorized: 4401, forbidden: 4403, badRequest: 4400 } as const;

export interface CloseReason {
  readonly code: number;
  readonly reason: string;
}

export interface LivePusher {
  /** 'gone' when the connection no longer exists: forget it. */
  send(connectionId: string, message: object): Promise<'sent' | 'gone'>;
  disconnect(connectionId: string, close: CloseReason): Promise<void>;
}

export const postToConnectionInput = (connectionId: string, message: object): PostToConnectionCommandInput => ({
  ConnectionId: connectionId,
  Data: new TextEncoder().encode(JSON.stringify(message)),
});

export const deleteConnectionInput = (connectionId: string): DeleteConnectionCommandInput => ({ ConnectionId: connectionId });

export class ManagementApiPusher implements LivePusher {
  constructor(private readonly client: Pick<ApiGatewayManagementApiClient, 'send'>) {}

  async send(connectionId: string, message: object): Promise<'sent' | 'gone'> {
    try {
      await this.client.send(new PostToConnectionCommand(postToConnectionInput(connectionId, message)));
      return 'sent';
    } catch (error) {
      if (error instanceof GoneException || (error as { name?: string }).name === 'GoneException') return 'gone';
      throw error;
    }
  }

  async disconnect(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand(deleteConnectionInput(connectionId)));
    } catch (error) {
      if (!(error instanceof GoneException || (error as { name?: string }).name === 'GoneException')) throw error;
    }
  }
}

/** A socket the local platform holds: what the local pusher needs of it. */
export interface LocalSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/**
 * The local platform's open sockets, by connection id. On `globalThis` under a
 * registered symbol, so the server module and the handler modules (imported like
 * cold starts) share one map however they were loaded.
 */
export function localSockets(): Map<string, LocalSocket> {
  const key = Symbol.for('caseway.live.sockets');
  const holder = globalThis as unknown as Record<symbol, Map<string, LocalSocket> | undefined>;
  return (holder[key] ??= new Map());
}

export class LocalPusher implements LivePusher {
  constructor(private readonly sockets: Map<string, LocalSocket> = localSockets()) {}

  send(connectionId: string, message: object): Promise<'sent' | 'gone'> {
    const socket = this.sockets.get(connectionId);
    if (!socket) return Promise.resolve('gone');
    socket.send(JSON.stringify(message));
    return Promise.resolve('sent');
  }

  disconnect(connectionId: string, close: CloseReason): Promise<void> {
    this.sockets.get(connectionId)?.close(close.code, close.reason);
    return Promise.resolve();
  }
}

let pusher: LivePusher | undefined;

export function livePusher(): LivePusher {
  if (pusher) return pusher;
  const { LIVE_PUSH, LIVE_CONNECTIONS_ENDPOINT } = liveConfig();
  pusher =
    LIVE_PUSH === 'managementApi'
      ? new ManagementApiPusher(new ApiGatewayManagementApiClient({ endpoint: LIVE_CONNECTIONS_ENDPOINT! }))
      : new LocalPusher();
  return pusher;
}
