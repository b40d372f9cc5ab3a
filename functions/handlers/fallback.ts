/**
 * API Gateway's `$default` route (and the local gateway's miss): a path no route
 * serves is 404, a known path with the wrong method is 405 with `Allow`.
 */
import { matchRoute } from '#topology/routes.js';
import { DomainError } from '#core/errors.js';
import { httpHandler } from '#http/http-handler.js';

export const handler = httpHandler(
  {
    operation: 'Fallback',
    handle: async ({ event }) => {
      const { methodsForPath } = matchRoute(event.requestContext.http.method, event.rawPath);
      if (methodsForPath.length > 0) {
        throw new DomainError('MethodNotAllowed', `${event.requestContext.http.method} is not supported on ${event.rawPath}.`, [], {
          allow: methodsForPath,
        });
      }
      throw new DomainError('NotFound', `There is no resource at ${event.rawPath}.`);
    },
  },
  { auth: false },
);
