/** What a device sends, as the domain sees it once validated. */
export const SIGNAL_KINDS = ['telemetry', 'alert', 'recovery'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export interface Signal {
  readonly assetId: string;
  readonly deviceId?: string;
  /** The delivery id: a signal delivered twice (IoT and EventBridge are at least once) counts once. */
  readonly signalId: string;
  readonly metric: string;
  /** Required for telemetry; an alert or a recovery may carry the reading that caused it. */
  readonly value?: number;
  readonly at: string;
  readonly kind: SignalKind;
}
