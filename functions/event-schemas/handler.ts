import * as z from 'zod';
import { notFound } from '../core/errors.js';
import { eventJsonSchema, eventTypes } from '../contracts/domain-events.js';
import { httpHandler, httpRoutes } from '../http/http-handler.js';
import { EventTypeParams } from '../http/operations/events.js';

// Public, like the OpenAPI document: a partner reads them before it has credentials.
const CACHE = { 'cache-control': 'public, max-age=300' };

export const handler = httpRoutes({
  'GET /events/schemas': httpHandler(
    {
      operation: 'ListEventSchemas',
      query: z.object({}).strict(),
      handle: async () => ({ status: 200, body: { items: eventTypes().map((t) => ({ ...t, schema: eventJsonSchema(t.type) })) }, headers: CACHE }),
    },
    { auth: false },
  ),
  'GET /events/schemas/{type}': httpHandler(
    {
      operation: 'GetEventSchema',
      params: EventTypeParams,
      handle: async ({ params }) => {
        const schema = eventJsonSchema(params.type);
        if (!schema) throw notFound(`No event type ${params.type}; GET /events/schemas lists them.`);
        return { status: 200, body: schema, headers: { ...CACHE, 'content-type': 'application/schema+json' } };
      },
    },
    { auth: false },
  ),
});
