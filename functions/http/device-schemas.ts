/** Request and response schemas of assets and device signals; they validate and document (OpenAPI). */
import * as z from 'zod';
import { SIGNAL_KINDS } from '#core/devices/signal.js';
import { Cursor, Limit, Party, Priority } from './schemas.js';
import { SafeNumber, storableNumber } from '#core/input-limits.js';

/** Asset ids and metric names become parts of keys: no `#`, no whitespace. */
export const AssetId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'letters, digits and . _ : -, up to 100')
  .meta({ id: 'AssetId', example: 'pump-0042' });
export const Metric = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 'a letter, then letters, digits and . _ -, up to 64')
  .meta({ example: 'temperature' });
/** Readings and limits are stored and compared as sent: no number the table would refuse or round. */
const Finite = SafeNumber;

export const ThresholdSchema = z
  .object({
    metric: Metric,
    direction: z.enum(['above', 'below']).meta({ description: 'above: readings over `value` breach; below: readings under it.' }),
    value: Finite,
    hysteresis: Finite.min(0).default(0).meta({ description: 'How far back inside the limit a reading must come to count as recovered.' }),
  })
  .strict()
  .meta({ id: 'Threshold' });

const Thresholds = z
  .array(ThresholdSchema)
  .max(50)
  .refine((list) => new Set(list.map((t) => `${t.metric}#${t.direction}`)).size === list.length, {
    message: 'one threshold per metric and direction',
  });

const AnomalyObject = z
  .object({
    enabled: z.boolean(),
    window: z.number().int().min(5).max(100).meta({ description: 'Normal readings per metric the baseline keeps.' }),
    minSamples: z.number().int().min(2).max(100),
    zOpen: storableNumber(z.number().positive().max(100)),
    zRecover: Finite.min(0).max(100),
  })
  .strict();

const anomalyRules = <T extends { window?: number; minSamples?: number; zOpen?: number; zRecover?: number }>(a: T, ctx: z.RefinementCtx) => {
  if (a.minSamples !== undefined && a.window !== undefined && a.minSamples > a.window)
    ctx.addIssue({ code: 'custom', path: ['minSamples'], message: 'at most window' });
  if (a.zOpen !== undefined && a.zRecover !== undefined && a.zRecover >= a.zOpen)
    ctx.addIssue({ code: 'custom', path: ['zRecover'], message: 'must be below zOpen' });
};

export const AnomalySchema = AnomalyObject.partial()
  .superRefine(anomalyRules)
  .meta({ id: 'AnomalySettings', description: 'Rolling z-score detection; unset values take the defaults.' });

export const CreateAssetBody = z
  .object({
    assetId: AssetId,
    name: z.string().trim().min(1).max(200),
    owner: Party.meta({ description: 'The requester of the cases this asset opens.' }),
    entitlementId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^#\s]+$/)
      .nullable()
      .default(null),
    thresholds: Thresholds.default([]),
    anomaly: AnomalySchema.optional(),
    autoResolve: z.boolean().default(false).meta({ description: 'Resolve the case through the workflow when the asset recovers.' }),
    priority: Priority.default('high'),
  })
  .strict()
  .meta({ id: 'CreateAsset' });

export const PatchAssetBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    owner: Party.optional(),
    entitlementId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^#\s]+$/)
      .nullable()
      .optional(),
    thresholds: Thresholds.optional().meta({ description: 'Replaces the whole list.' }),
    anomaly: AnomalySchema.optional().meta({ description: 'Merged into the current settings.' }),
    autoResolve: z.boolean().optional(),
    priority: Priority.optional(),
  })
  .strict()
  .meta({ id: 'PatchAsset' });

export const AssetParams = z.object({ id: AssetId }).strict();
export const ListAssetsQuery = z
  .object({
    owner: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^#\s]+$/),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .strict();

export const SignalSchema = z
  .object({
    assetId: AssetId,
    deviceId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\x21-\x7e]+$/)
      .optional(),
    signalId: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .meta({ description: 'Delivery id: a signal sent twice counts once.' }),
    metric: Metric,
    value: Finite.optional().meta({ description: 'Required for telemetry.' }),
    at: z.iso.datetime({ offset: true }),
    kind: z.enum(SIGNAL_KINDS).default('telemetry'),
  })
  .strict()
  .refine((s) => s.kind !== 'telemetry' || s.value !== undefined, { path: ['value'], message: 'telemetry needs a value' })
  .meta({ id: 'DeviceSignal' });

export const SignalBatch = z
  .object({ signals: z.array(SignalSchema).min(1).max(100) })
  .strict()
  .refine((b) => new Set(b.signals.map((s) => `${s.assetId}#${s.signalId}`)).size === b.signals.length, {
    path: ['signals'],
    message: 'a signalId appears twice in the batch',
  });

export const SignalsBody = z
  .union([SignalBatch, SignalSchema])
  .meta({ id: 'DeviceSignals', description: 'One signal, or `{ signals: [...] }` (up to 100).' });

const Effect = z.object({ condition: z.string(), action: z.enum(['opened', 'appended', 'recovered', 'resolved', 'dropped']), caseId: z.string() });
export const SignalResultRecord = z
  .object({ signalId: z.string(), assetId: z.string(), effects: z.array(Effect), learned: z.boolean(), duplicate: z.boolean() })
  .meta({ id: 'SignalResult' });
export const SignalResults = z.object({ results: z.array(SignalResultRecord) }).meta({ id: 'SignalResults' });

export const AssetRecord = z
  .object({
    assetId: z.string(),
    name: z.string(),
    owner: Party,
    entitlementId: z.string().nullable(),
    thresholds: z.array(ThresholdSchema),
    anomaly: AnomalyObject,
    autoResolve: z.boolean(),
    priority: Priority,
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Asset' });

const OpenConditionRecord = z
  .object({
    metric: z.string(),
    kind: z.enum(['above', 'below', 'anomaly', 'alert']),
    caseId: z.string(),
    limit: z.number().nullable(),
    openedAt: z.string(),
    count: z.number().int(),
    lastValue: z.number().nullable(),
    lastAt: z.string(),
    peak: z.number().nullable(),
    recovered: z.boolean(),
  })
  .meta({ id: 'OpenCondition' });

export const AssetDetail = AssetRecord.extend({
  openConditions: z.array(OpenConditionRecord),
  cases: z.array(z.object({ caseId: z.string(), metric: z.string(), kind: z.string(), openedAt: z.string() })),
}).meta({ id: 'AssetDetail' });
export const AssetPage = z.object({ items: z.array(AssetRecord), nextCursor: z.string().optional() }).meta({ id: 'AssetPage' });
