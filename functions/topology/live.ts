/**
 * The live WebSocket, declared once: the CDK `LiveUpdates` construct routes
 * `$connect`, `$disconnect` and `$default` of its WebSocket API to this handler,
 * and the local platform serves the same handler at `path` on the gateway's port.
 * The fan-out is a rule on the bus (`event-rules.ts`, `live-updates`). Pure data.
 * The function itself is declared in `functions.ts`.
 */
import { entryOf, functionRegistry } from './functions.js';

export const liveSocket = {
  /** Handler file, relative to the repository root; exports `handler`. */
  entry: entryOf('live-connect'),
  description: functionRegistry['live-connect'].description,
  routes: ['$connect', '$disconnect', '$default'],
  /** Local only: the WebSocket path on the gateway's port (in AWS the API has its own host; the stage is the path). */
  localPath: '/live',
  /**
   * API Gateway's frame limit is 32 KB (a message up to 128 KB); the client sends
   * only small messages, so anything bigger is refused the same way in both modes.
   */
  maxClientMessageBytes: 32 * 1024,
} as const;
