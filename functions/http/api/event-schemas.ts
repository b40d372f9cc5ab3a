/** The JSON Schemas of the events on the bus (those Caseway publishes and those it takes), public for partners: what the event-schemas handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
import { notFound } from '#core/errors.js';
import { catalogEventTypes, catalogJsonSchema } from '#contracts/event-catalog.js';

// Public, like the OpenAPI document: a partner reads them before it has credentials.
const CACHE = { 'cache-control': 'public, max-age=300' };

export const EventTypeParams = z.object({ type: z.string().regex(/^[A-Z][A-Za-z0-9]{2,63}$/, 'a PascalCase event type, e.g. CaseCreated') }).strict();

const EventSchemaList = z
  .object({
    items: z.array(z.object({ type: z.string(), source: z.string(), description: z.string(), schema: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'EventSchemaList' });

export const eventSchemas = {
  listEventSchemas: operation({
    operationId: 'listEventSchemas',
    method: 'GET',
    path: '/events/schemas',
    fn: 'event-schemas',
    auth: 'none',
    summary:
      'JSON Schemas of every event type on the bus: the domain events Caseway publishes, and the channel messages and device signals it takes (public)',
    description:
      'Who: anyone. A JSON Schema (draft 2020-12) per event type on the bus: the domain events Caseway publishes, and the channel messages and device signals it takes.',
    query: z.object({}).strict(),
    responses: { 200: { description: 'One JSON Schema (draft 2020-12) per event type.', schema: EventSchemaList } },
    problems: [400],
    handle: async () => ({
      status: 200,
      body: { items: catalogEventTypes().map((t) => ({ ...t, schema: catalogJsonSchema(t.type) })) },
      headers: CACHE,
    }),
  }),
  getEventSchema: operation({
    operationId: 'getEventSchema',
    method: 'GET',
    path: '/events/schemas/{type}',
    fn: 'event-schemas',
    auth: 'none',
    summary: "One event type's JSON Schema (public)",
    description: 'Who: anyone. One schema (`application/schema+json`); 404 for an unknown type.',
    params: EventTypeParams,
    responses: {
      200: {
        description: 'The JSON Schema (draft 2020-12) of the whole EventBridge event.',
        content: { 'application/schema+json': z.record(z.string(), z.unknown()) },
      },
    },
    problems: [400, 404],
    handle: async ({ params }) => {
      const schema = catalogJsonSchema(params.type);
      if (!schema) throw notFound(`No event type ${params.type}; GET /events/schemas lists them.`);
      return { status: 200, body: schema, headers: { ...CACHE, 'content-type': 'application/schema+json' } };
    },
  }),
};
