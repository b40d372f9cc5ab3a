import type { ChangeContext } from '#core/audit-event.js';
import type { ParsedRequest } from './request.js';

/** What the domain records about who changed something, when, how and under which request. */
export const changeContextOf = (request: ParsedRequest<unknown, unknown, unknown, unknown>): ChangeContext => ({
  caller: request.caller,
  now: request.now,
  channel: request.channel,
  correlationId: request.correlationId,
});
