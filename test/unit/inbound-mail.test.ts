/** The S3 read of inbound mail: the request the adapter sends, intercepted at `client.send` (no AWS here). */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readRawMail } from '#adapters/inbound-mail.js';

describe('readRawMail', () => {
  it('gets the object SES stored, and returns its bytes unchanged', async () => {
    const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const sent: unknown[] = [];
    const bytes = Buffer.from('From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n', 'latin1');
    client.send = (async (command: unknown) => {
      sent.push(command);
      return { Body: { transformToByteArray: async () => new Uint8Array(bytes) } };
    }) as never;
    const raw = await readRawMail('mail-bucket', 'inbound/abc123', client);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(GetObjectCommand);
    expect((sent[0] as GetObjectCommand).input).toEqual({ Bucket: 'mail-bucket', Key: 'inbound/abc123' });
    expect(raw.equals(bytes)).toBe(true);
  });

  it('refuses an object without a body', async () => {
    const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    client.send = (async () => ({})) as never;
    await expect(readRawMail('b', 'inbound/x', client)).rejects.toThrow('has no body');
  });
});
