/** The answer of an audit-chain verification: a case's trail (GET /cases/{id}/history/verify) or an article's versions. */
import * as z from 'zod';

export const ChainReportRecord = z
  .object({
    trail: z.string(),
    valid: z.boolean(),
    events: z.number().int(),
    head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
    problems: z.array(
      z.object({ kind: z.enum(['altered', 'broken-link', 'missing', 'reordered', 'head-mismatch']), seq: z.number().int(), detail: z.string() }),
    ),
  })
  .meta({ id: 'ChainReport', description: "The result of recomputing every link of an audit chain: a case's trail, or an article's versions." });
