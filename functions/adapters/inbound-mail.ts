/**
 * Where SES puts inbound mail in AWS: one object per message in the inbound-mail
 * bucket (the receipt rule's S3 action). Reading it back is all intake needs.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

let shared: S3Client | undefined;

export async function readRawMail(bucket: string, key: string, client: S3Client = (shared ??= new S3Client({}))): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return Buffer.from(await out.Body.transformToByteArray());
}
