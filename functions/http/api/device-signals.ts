/** POST /devices/signals: the declaration the device-signals handler serves. */
import { SignalResults, SignalsBody } from '../device-schemas.js';
import { operation } from '../operation.js';

export const deviceSignals = {
  ingestSignals: operation({
    operationId: 'ingestSignals',
    method: 'POST',
    path: '/devices/signals',
    fn: 'device-signals',
    auth: 'jwt',
    summary: 'Device telemetry, alerts and recoveries (integration): open, append to or resolve proactive cases; idempotent on signalId',
    body: SignalsBody,
    responses: { 200: { description: 'What each signal did, in the order sent.', schema: SignalResults } },
    problems: [400, 401, 403, 409, 413, 415],
  }),
};
