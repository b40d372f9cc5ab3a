/** What every operations module uses to describe its routes for the OpenAPI document. */
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type * as z from 'zod';

export type Operation = Omit<RouteConfig, 'method' | 'path' | 'responses'> & {
  readonly ok: {
    status: number;
    description: string;
    schema?: z.ZodType;
    /** For answers that are not JSON: the schema per media type. */
    content?: Record<string, z.ZodType>;
    headers?: Record<string, string>;
  };
  readonly problems: readonly number[];
};

export const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
export const CaseHeaders = { ETag: 'Version of the case, for If-Match.' };
