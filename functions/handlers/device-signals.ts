import { deviceSignals } from '#http/api/device-signals.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(deviceSignals);
