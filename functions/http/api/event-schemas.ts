/** The JSON Schemas of the domain events on the bus, public for partners: what the event-schemas handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';

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
    summary: 'JSON Schemas of every domain event type on the bus (public)',
    query: z.object({}).strict(),
    responses: { 200: { description: 'One JSON Schema (draft 2020-12) per event type.', schema: EventSchemaList } },
    problems: [400],
  }),
  getEventSchema: operation({
    operationId: 'getEventSchema',
    method: 'GET',
    path: '/events/schemas/{type}',
    fn: 'event-schemas',
    auth: 'none',
    summary: "One event type's JSON Schema (public)",
    params: EventTypeParams,
    responses: {
      200: {
        description: 'The JSON Schema (draft 2020-12) of the whole EventBridge event.',
        content: { 'application/schema+json': z.record(z.string(), z.unknown()) },
      },
    },
    problems: [400, 404],
  }),
};
