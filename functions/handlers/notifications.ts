import { notifications } from '#http/api/notifications.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(notifications);
