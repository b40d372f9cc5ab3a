/**
 * Deciding what a signal means for its asset: which conditions it opens, which
 * open ones it adds to, which it recovers, and whether the reading may join the
 * baseline. Plain data in, a decision out; the proactive-case service loads the
 * asset, its baseline and its open conditions, and commits what this decides.
 */
import type { NewCase } from '../case-lifecycle.js';
import { conditionId, type Asset, type ConditionKind, type Threshold } from './asset.js';
import { statsOf, zScore, type RollingWindow } from './rolling-window.js';
import type { Signal } from './signal.js';

/** One condition of an asset that has a case open for it (the item that makes a storm open one case). */
export interface OpenCondition {
  readonly assetId: string;
  readonly metric: string;
  readonly kind: ConditionKind;
  readonly caseId: string;
  /** The limit that was crossed, for thresholds. */
  readonly limit: number | null;
  readonly openedAt: string;
  readonly openedBy: string;
  /** Signals aggregated into the case, the opening one included. */
  readonly count: number;
  readonly lastValue: number | null;
  readonly lastAt: string;
  /** The worst severity seen: the reading for thresholds and alerts, |z| for anomalies. */
  readonly peak: number | null;
  /** The peak the case was last told about in a comment. */
  readonly reportedPeak: number | null;
  /** Recovered while its case stayed open (auto-resolve off): the next breach says so. */
  readonly recovered: boolean;
}

/** An open condition as read, with whether its case still takes work (a person may have resolved it meanwhile). */
export interface ConditionState {
  readonly condition: OpenCondition;
  readonly caseOpen: boolean;
}

export type Action =
  | {
      readonly type: 'open';
      readonly kind: ConditionKind;
      readonly limit: number | null;
      readonly severity: number | null;
      readonly replaces?: OpenCondition;
    }
  | {
      readonly type: 'append';
      readonly condition: OpenCondition;
      readonly severity: number | null;
      readonly newPeak: boolean;
      readonly comment: string | null;
    }
  | { readonly type: 'recover'; readonly condition: OpenCondition; readonly comment: string }
  /** The condition's case was resolved by a person: forget the condition, the case is theirs. */
  | { readonly type: 'drop'; readonly condition: OpenCondition };

export interface Decision {
  readonly actions: readonly Action[];
  /** Add the reading to the baseline: only normal readings teach it what normal is. */
  readonly learn: boolean;
  /** The reading's z-score against the baseline, when the baseline is ready. */
  readonly z: number | null;
}

const crossed = (t: Threshold, v: number) => (t.direction === 'above' ? v > t.value : v < t.value);
const backInside = (t: Threshold, v: number) => (t.direction === 'above' ? v <= t.value - t.hysteresis : v >= t.value + t.hysteresis);

/** Higher is worse, except for a lower limit. */
export const isWorse = (kind: ConditionKind, candidate: number, than: number | null): boolean =>
  than === null || (kind === 'below' ? candidate < than : candidate > than);

/**
 * How much worse a peak must get before the case hears about it: a tenth of the
 * limit (at least the hysteresis) for thresholds, one standard deviation for anomalies.
 * Smaller moves only update the aggregate, so a storm does not bury the case in comments.
 */
function significantStep(kind: ConditionKind, limit: number | null, asset: Asset, metric: string): number {
  if (kind === 'anomaly') return 1;
  const hysteresis = asset.thresholds.find((t) => t.metric === metric && t.direction === kind)?.hysteresis ?? 0;
  return Math.max(Math.abs(limit ?? 0) * 0.1, hysteresis, Number.EPSILON);
}

/** |z| against a baseline with no spread is infinite; stored severities stay finite numbers. */
export const MAX_SEVERITY = 1e9;

const fmt = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 1000) / 1000) : n > 0 ? '∞' : '-∞');

function append(asset: Asset, state: ConditionState, severity: number | null, reading: string): Action {
  const { condition } = state;
  const newPeak = severity !== null && isWorse(condition.kind, severity, condition.peak);
  let comment: string | null = null;
  if (condition.recovered) {
    comment = `${condition.metric} is ${describe(condition.kind, condition.limit)} again: ${reading}.`;
  } else if (
    newPeak &&
    condition.kind !== 'alert' &&
    (condition.reportedPeak === null ||
      Math.abs(severity - condition.reportedPeak) >= significantStep(condition.kind, condition.limit, asset, condition.metric))
  ) {
    comment = `${condition.metric} got worse: ${reading} (${condition.count + 1} signals so far).`;
  }
  return { type: 'append', condition, severity, newPeak, comment };
}

export function describe(kind: ConditionKind, limit: number | null): string {
  if (kind === 'above' || kind === 'below') return `${kind} ${fmt(limit ?? 0)}`;
  return kind === 'anomaly' ? 'anomalous' : 'in alarm';
}

/** Decide what one signal does, given the asset, the metric's baseline and the metric's open conditions. */
export function decide(asset: Asset, signal: Signal, window: RollingWindow, conditions: readonly ConditionState[]): Decision {
  const find = (kind: ConditionKind) => conditions.find((c) => c.condition.kind === kind);
  const actions: Action[] = [];
  const settle = (state: ConditionState, comment: string) => {
    if (!state.caseOpen) actions.push({ type: 'drop', condition: state.condition });
    else if (!state.condition.recovered) actions.push({ type: 'recover', condition: state.condition, comment });
  };
  const openOrAppend = (kind: ConditionKind, limit: number | null, severity: number | null, reading: string) => {
    const state = find(kind);
    if (state?.caseOpen) actions.push(append(asset, state, severity, reading));
    else actions.push({ type: 'open', kind, limit, severity, ...(state ? { replaces: state.condition } : {}) });
  };

  if (signal.kind === 'recovery') {
    for (const state of conditions)
      settle(state, `The device reported that ${signal.metric} recovered${signal.value === undefined ? '' : ` (reading ${fmt(signal.value)})`}.`);
    return { actions, learn: false, z: null };
  }
  if (signal.kind === 'alert') {
    openOrAppend(
      'alert',
      null,
      signal.value ?? null,
      signal.value === undefined ? 'the device raised an alert' : `alert with reading ${fmt(signal.value)}`,
    );
    return { actions, learn: false, z: null };
  }

  const v = signal.value!;
  const stats = statsOf(window);
  const z = asset.anomaly.enabled && stats.count >= asset.anomaly.minSamples ? zScore(stats, v) : null;
  let breached = false;
  for (const t of asset.thresholds.filter((th) => th.metric === signal.metric)) {
    const state = find(t.direction);
    if (crossed(t, v)) {
      breached = true;
      openOrAppend(t.direction, t.value, v, `reading ${fmt(v)} against a limit of ${fmt(t.value)}`);
    } else if (state && backInside(t, v)) {
      settle(state, `${signal.metric} is back within its limit: reading ${fmt(v)} (limit ${fmt(t.value)}, hysteresis ${fmt(t.hysteresis)}).`);
    }
  }

  const anomalous = z !== null && Math.abs(z) >= asset.anomaly.zOpen;
  const anomaly = find('anomaly');
  if (anomalous && (anomaly?.caseOpen || !breached)) {
    // A breached limit already has a case: the same reading does not open a second one as an anomaly.
    const thresholdCaseOpen = conditions.some(
      (c) => c.caseOpen && !c.condition.recovered && (c.condition.kind === 'above' || c.condition.kind === 'below'),
    );
    if (anomaly?.caseOpen || !thresholdCaseOpen)
      openOrAppend(
        'anomaly',
        null,
        Math.min(Math.abs(z), MAX_SEVERITY),
        `reading ${fmt(v)} is ${fmt(z)}σ from the mean of the last ${stats.count} readings (${fmt(stats.mean)})`,
      );
  } else if (anomaly && z !== null && Math.abs(z) < asset.anomaly.zRecover) {
    settle(anomaly, `${signal.metric} is back to normal: reading ${fmt(v)} is ${fmt(z)}σ from the mean of the last ${stats.count} readings.`);
  }

  const settled = new Set(actions.filter((a) => a.type === 'recover' || a.type === 'drop').map((a) => a.condition.kind));
  const stillOpen = conditions.some((c) => c.caseOpen && !c.condition.recovered && !settled.has(c.condition.kind));
  return { actions, learn: !breached && !anomalous && !stillOpen, z };
}

/** The case a condition opens: for the asset's owner, linked to the asset by `fields.assetId`. */
export function caseForCondition(asset: Asset, signal: Signal, kind: ConditionKind, limit: number | null, z: number | null): NewCase {
  const reading = signal.value === undefined ? '' : ` (reading ${fmt(signal.value)}${kind === 'anomaly' && z !== null ? `, ${fmt(z)}σ` : ''})`;
  return {
    type: 'device-alert',
    subject: `${asset.name}: ${signal.metric} ${describe(kind, limit)}${reading}`.slice(0, 200),
    description:
      `Opened by Caseway from a signal of asset ${asset.assetId}${signal.deviceId ? ` (device ${signal.deviceId})` : ''} at ${signal.at}. ` +
      `Further signals for this condition are counted on the case instead of opening new ones.`,
    priority: asset.priority,
    channel: 'iot',
    requester: asset.owner,
    fields: { assetId: asset.assetId, metric: signal.metric, condition: kind, ...(signal.value === undefined ? {} : { lastValue: signal.value }) },
  };
}

export { conditionId };
