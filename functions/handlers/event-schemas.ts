import { notFound } from '#core/errors.js';
import { catalogEventTypes, catalogJsonSchema } from '#contracts/event-catalog.js';
import { eventSchemas } from '#http/api/event-schemas.js';
import { serve } from '#http/http-handler.js';

// Public, like the OpenAPI document: a partner reads them before it has credentials.
const CACHE = { 'cache-control': 'public, max-age=300' };

export const handler = serve(eventSchemas, {
  listEventSchemas: async () => ({
    status: 200,
    body: { items: catalogEventTypes().map((t) => ({ ...t, schema: catalogJsonSchema(t.type) })) },
    headers: CACHE,
  }),
  getEventSchema: async ({ params }) => {
    const schema = catalogJsonSchema(params.type);
    if (!schema) throw notFound(`No event type ${params.type}; GET /events/schemas lists them.`);
    return { status: 200, body: schema, headers: { ...CACHE, 'content-type': 'application/schema+json' } };
  },
});
