/**
 * S3's "Object Created" event on EventBridge, as far as Caseway reads it: the
 * inbound-mail bucket announces each message SES stored there.
 */
import * as z from 'zod';

export const ObjectCreatedDetail = z.object({ bucket: z.object({ name: z.string().min(1) }), object: z.object({ key: z.string().min(1) }) });
