import { deviceSignals } from '#http/api/device-signals.js';
import { changeContextOf } from '#http/change-context.js';
import { serve } from '#http/http-handler.js';
import { forbidden } from '#core/errors.js';
import { hasRole } from '#core/caller.js';
import { ingestSignals } from '#services/proactive.js';

export const handler = serve(deviceSignals, {
  ingestSignals: async (request) => {
    if (!hasRole(request.caller, 'integration') && !hasRole(request.caller, 'admin'))
      throw forbidden('Device signals come from integrations (or an admin testing one).');
    const batch = 'signals' in request.body ? request.body.signals : [request.body];
    const at = 'signals' in request.body ? (i: number) => `body.signals.${i}` : () => 'body';
    const results = await ingestSignals(batch, { ...changeContextOf(request), channel: 'iot' }, at);
    return { status: 200, body: { results } };
  },
});
