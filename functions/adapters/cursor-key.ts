/**
 * The key that seals listing cursors. Configuration names where it is: the value
 * itself (CURSOR_KEY, the local platform's key file) or a Secrets Manager secret
 * (CURSOR_KEY_SECRET_ARN, the stack's generated secret), fetched once per cold
 * start and kept. Either way it becomes the same 256-bit AES key, so the code that
 * seals cursors cannot tell the modes apart.
 */
import { hkdfSync } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '../config.js';

/** Different purposes must never share a key: the label binds this one to cursors of this format. */
const KEY_LABEL = 'caseway listing cursor key v1';

/** A 256-bit AES key from the configured secret text (random hex locally, a generated password in AWS). */
export const cursorKeyFrom = (secret: string): Buffer => Buffer.from(hkdfSync('sha256', secret, '', KEY_LABEL, 32));

/** The secret's text, as Secrets Manager holds it. */
export async function fetchSecretText(secretId: string, client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({})): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (typeof out.SecretString !== 'string' || out.SecretString.length < 32) {
    throw new Error(`The cursor key secret ${secretId} holds no text of at least 32 characters.`);
  }
  return out.SecretString;
}

let loaded: Promise<Buffer> | undefined;

/** The cursor key; a failed fetch is forgotten, so the next request tries again instead of the instance staying broken. */
export function cursorKey(): Promise<Buffer> {
  loaded ??= load().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

async function load(): Promise<Buffer> {
  const { CURSOR_KEY, CURSOR_KEY_SECRET_ARN } = config();
  if (CURSOR_KEY !== undefined) return cursorKeyFrom(CURSOR_KEY);
  if (CURSOR_KEY_SECRET_ARN !== undefined) return cursorKeyFrom(await fetchSecretText(CURSOR_KEY_SECRET_ARN));
  throw new Error('Caseway configuration is invalid: this function pages listings but has neither CURSOR_KEY nor CURSOR_KEY_SECRET_ARN.');
}

/** Test seam: seal with a key from this secret text (undefined: back to configuration). */
export function useCursorSecret(secret: string | undefined): void {
  loaded = secret === undefined ? undefined : Promise.resolve(cursorKeyFrom(secret));
}
