/**
 * What a device sends, wherever it arrives (the HTTP endpoint, the bus under
 * `source: caseway.devices`, the IoT rule): one signal, or `{ signals: [...] }`.
 * The schemas are the API's (`http/device-schemas.ts`); this picks the one a
 * message means, so its problems name the signal's own fields rather than "none of these".
 */
import type * as z from 'zod';
import { SignalBatch, SignalSchema } from '#http/device-schemas.js';

export type DeviceMessage = z.infer<typeof SignalBatch> | z.infer<typeof SignalSchema>;

const isBatch = (raw: unknown) => raw !== null && typeof raw === 'object' && 'signals' in raw;

export const DeviceMessageContract = (raw: unknown): z.ZodType<DeviceMessage> => (isBatch(raw) ? SignalBatch : SignalSchema);

export const signalsOf = (message: DeviceMessage) => ('signals' in message ? message.signals : [message]);

/** Where a signal's problems point: `detail.signals.2`, or `detail` for a single one. */
export const signalFieldOf = (message: DeviceMessage, where: string) => (index: number) =>
  'signals' in message ? `${where}.signals.${index}` : where;
