/**
 * A monitored asset as plain data: who owns it (the requester its proactive cases
 * are for), the entitlement that covers it, the limits each metric must stay in,
 * and how readings are judged against the asset's own recent history.
 */
import type { Party } from '../case.js';
import type { Priority } from '../vocabulary.js';

export type Direction = 'above' | 'below';

export interface Threshold {
  readonly metric: string;
  /** `above`: a reading over `value` breaches; `below`: a reading under it. */
  readonly direction: Direction;
  readonly value: number;
  /**
   * How far back inside the limit a reading must come before it counts as recovered,
   * so a value hovering at the limit does not open and resolve a case on every reading.
   */
  readonly hysteresis: number;
}

export interface AnomalySettings {
  readonly enabled: boolean;
  /** How many recent normal readings per metric the baseline holds. */
  readonly window: number;
  /** No anomaly is judged until the baseline holds this many readings. */
  readonly minSamples: number;
  /** |z| at or over this opens an anomaly case. */
  readonly zOpen: number;
  /** |z| under this recovers it (below `zOpen`: the same hysteresis as thresholds have). */
  readonly zRecover: number;
}

export interface Asset {
  readonly assetId: string;
  readonly name: string;
  /** The requester of every case the asset opens. */
  readonly owner: Party;
  /** The entitlement (contract 6) covering this asset; the SLA task finds it through `fields.assetId`. */
  readonly entitlementId: string | null;
  readonly thresholds: readonly Threshold[];
  readonly anomaly: AnomalySettings;
  /** Resolve the case through the workflow when the asset recovers. */
  readonly autoResolve: boolean;
  readonly priority: Priority;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export const DEFAULT_ANOMALY: AnomalySettings = { enabled: false, window: 30, minSamples: 10, zOpen: 4, zRecover: 2 };

/** What a condition is: a limit crossed one way, an outlier against the baseline, or the device's own alarm. */
export type ConditionKind = Direction | 'anomaly' | 'alert';

export const conditionId = (metric: string, kind: ConditionKind): string => `${metric}#${kind}`;
