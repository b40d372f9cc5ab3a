/** POST /devices/signals: the declaration the device-signals handler serves. */
import { SignalResults, SignalsBody } from '../device-schemas.js';
import { operation } from '../operation.js';
import { changeContextOf } from '../change-context.js';
import { forbidden } from '#core/errors.js';
import { hasRole } from '#core/caller.js';
import { ingestSignals } from '#services/proactive.js';

export const deviceSignals = {
  ingestSignals: operation({
    operationId: 'ingestSignals',
    method: 'POST',
    path: '/devices/signals',
    fn: 'device-signals',
    auth: 'jwt',
    summary: 'Device telemetry, alerts and recoveries (integration): open, append to or resolve proactive cases; idempotent on signalId',
    description:
      'Who: integration, admin. One signal or `{signals:[...]}` (up to 100): `assetId`, `signalId`, `metric`, `value`, `at`, `kind` telemetry/alert/recovery; each answers its effects (opened, appended, recovered, resolved, dropped) and `duplicate`; one invalid signal refuses the whole request.',
    body: SignalsBody,
    responses: { 200: { description: 'What each signal did, in the order sent.', schema: SignalResults } },
    problems: [400, 401, 403, 409, 413, 415],
    handle: async (request) => {
      if (!hasRole(request.caller, 'integration') && !hasRole(request.caller, 'admin'))
        throw forbidden('Device signals come from integrations (or an admin testing one).');
      const batch = 'signals' in request.body ? request.body.signals : [request.body];
      const at = 'signals' in request.body ? (i: number) => `body.signals.${i}` : () => 'body';
      const results = await ingestSignals(batch, { ...changeContextOf(request), channel: 'iot' }, at);
      return { status: 200, body: { results } };
    },
  }),
};
