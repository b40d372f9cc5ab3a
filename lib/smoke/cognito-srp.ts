/**
 * Sign in to a Cognito user pool as its public app client does (USER_SRP_AUTH), over Cognito's JSON
 * API: a public client needs no AWS credentials, and the password never leaves this process, only a
 * proof of it. The smoke test signs in this way with a test user the organisation keeps in Secrets Manager.
 *
 * The maths is Cognito's SRP-6a (3072-bit group of RFC 5054, SHA-256, its HKDF with "Caldera Derived
 * Key"), as in amazon-cognito-identity-js's AuthenticationHelper.
 */
import { createHash, createHmac, getDiffieHellman, randomBytes } from 'node:crypto';

/** RFC 5054's 3072-bit group, which Cognito uses: Node has it as RFC 3526's MODP group 15. */
export const SRP_N = BigInt(`0x${getDiffieHellman('modp15').getPrime('hex')}`);
export const SRP_G = 2n;

/** A number as Cognito hashes it: even-length hex, with a 00 in front when the top bit is set. */
export function padHex(value: bigint): string {
  const hex = value.toString(16);
  if (hex.length % 2 === 1) return `0${hex}`;
  return '89abcdef'.includes(hex[0]!) ? `00${hex}` : hex;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const hexHash = (hex: string) => sha256(Buffer.from(hex, 'hex')).toString('hex');
const toBig = (hex: string) => BigInt(`0x${hex}`);

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** k = H(N | g). */
export const SRP_K = toBig(hexHash(padHex(SRP_N) + padHex(SRP_G)));

/** The HKDF step Cognito derives the 16-byte key with. */
export function derivedKey(premasterSecret: bigint, scrambler: bigint): Buffer {
  const prk = createHmac('sha256', Buffer.from(padHex(scrambler), 'hex'))
    .update(Buffer.from(padHex(premasterSecret), 'hex'))
    .digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

/** `Thu Dec 3 19:27:00 UTC 2026`: the TIMESTAMP Cognito expects (day not padded). */
export function cognitoTimestamp(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

export interface SrpSignInOptions {
  readonly userPoolId: string;
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  /** @default https://cognito-idp.<the pool's region>.amazonaws.com/ */
  readonly endpoint?: string;
  readonly now?: () => Date;
}

/** Signs in and returns the user's ID token (what the API's JWT authorizer accepts). */
export async function cognitoSrpSignIn(options: SrpSignInOptions): Promise<string> {
  const [region, poolName] = options.userPoolId.split('_');
  if (!region || !poolName) throw new Error(`'${options.userPoolId}' is not a user pool id (<region>_<id>)`);
  const endpoint = options.endpoint ?? `https://cognito-idp.${region}.amazonaws.com/`;
  const call = async (operation: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`Cognito ${operation}: ${String(answer.__type ?? response.status)}: ${String(answer.message ?? '')}`);
    return answer;
  };

  let a = 0n;
  let A = 0n;
  while (A === 0n) {
    a = toBig(randomBytes(128).toString('hex')) % SRP_N;
    A = modPow(SRP_G, a, SRP_N);
  }
  const started = await call('InitiateAuth', {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: options.clientId,
    AuthParameters: { USERNAME: options.username, SRP_A: A.toString(16) },
  });
  if (started.ChallengeName !== 'PASSWORD_VERIFIER') throw new Error(`Cognito asked for ${String(started.ChallengeName)}, not a password proof`);
  const challenge = started.ChallengeParameters as Record<string, string>;
  const B = toBig(challenge.SRP_B!);
  if (B % SRP_N === 0n) throw new Error('Cognito sent an invalid SRP_B');
  const u = toBig(hexHash(padHex(A) + padHex(B)));
  if (u === 0n) throw new Error('SRP scrambler is zero');
  const userId = challenge.USER_ID_FOR_SRP!;
  const x = toBig(hexHash(padHex(toBig(challenge.SALT!)) + sha256(`${poolName}${userId}:${options.password}`).toString('hex')));
  const S = modPow(B - SRP_K * modPow(SRP_G, x, SRP_N), a + u * x, SRP_N);
  const timestamp = cognitoTimestamp((options.now ?? (() => new Date()))());
  const signature = createHmac('sha256', derivedKey(S, u))
    .update(
      Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(userId, 'utf8'),
        Buffer.from(challenge.SECRET_BLOCK!, 'base64'),
        Buffer.from(timestamp, 'utf8'),
      ]),
    )
    .digest('base64');
  const answered = await call('RespondToAuthChallenge', {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: options.clientId,
    ChallengeResponses: {
      USERNAME: userId,
      PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK,
      TIMESTAMP: timestamp,
      PASSWORD_CLAIM_SIGNATURE: signature,
    },
  });
  const idToken = (answered.AuthenticationResult as { IdToken?: string } | undefined)?.IdToken;
  if (!idToken)
    throw new Error(
      `Cognito asked for ${String(answered.ChallengeName ?? 'nothing')} after the password: the smoke user needs a permanent password and no MFA`,
    );
  return idToken;
}
