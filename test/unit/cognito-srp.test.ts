/**
 * Cognito SRP sign-in (lib/smoke/cognito-srp.ts), which the pipeline's smoke step uses. Cognito itself
 * is out of reach here, so a real HTTP server plays its part: it keeps only the password verifier
 * v = g^x, answers InitiateAuth with B = kv + g^b, and checks the client's proof with the server's
 * side of SRP, S = (A v^u)^b, a different formula from the client's S = (B - k g^x)^(a + ux). The two
 * agree only when the client's maths (padding, hashes, HKDF, signature layout) is Cognito's.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoSrpSignIn, cognitoTimestamp, padHex, SRP_N } from '#lib/smoke/cognito-srp.js';

const POOL = 'eu-west-1_AbCdEf123';
const CLIENT = 'smokeclient1234567890';
const USER_ID = '4f1c2d3e-0000-4000-8000-00000000abcd';
const PASSWORD = 'correct horse battery staple!1A';

// The server's side, written out on its own.
const big = (hex: string) => BigInt(`0x${hex}`);
const H = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const pow = (b: bigint, e: bigint, m: bigint): bigint => {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
};
const g = 2n;
const k = big(H(padHex(SRP_N) + padHex(g)));

interface Seen {
  target: string;
  contentType: string;
  body: Record<string, unknown>;
}
const seen: Seen[] = [];
let session: { A: bigint; B: bigint; b: bigint; v: bigint; salt: string; secretBlock: string } | undefined;
let server: Server;
let endpoint: string;

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text) as Record<string, unknown>;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const target = String(req.headers['x-amz-target']);
      seen.push({ target, contentType: String(req.headers['content-type']), body });
      const send = (status: number, answer: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
      if (target === 'AWSCognitoIdentityProviderService.InitiateAuth') {
        const A = big((body.AuthParameters as Record<string, string>).SRP_A!);
        const salt = randomBytes(16).toString('hex');
        const x = big(
          H(
            padHex(big(salt)) +
              createHash('sha256')
                .update(`${POOL.split('_')[1]}${USER_ID}:${PASSWORD}`)
                .digest('hex'),
          ),
        );
        const v = pow(g, x, SRP_N);
        const b = big(randomBytes(64).toString('hex'));
        const B = (k * v + pow(g, b, SRP_N)) % SRP_N;
        session = { A, B, b, v, salt, secretBlock: randomBytes(48).toString('base64') };
        return send(200, {
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: { SALT: salt, SRP_B: B.toString(16), SECRET_BLOCK: session.secretBlock, USER_ID_FOR_SRP: USER_ID, USERNAME: USER_ID },
        });
      }
      const responses = body.ChallengeResponses as Record<string, string>;
      const { A, B, b, v, secretBlock } = session!;
      const u = big(H(padHex(A) + padHex(B)));
      const S = pow(A * pow(v, u, SRP_N), b, SRP_N);
      const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
        .update(Buffer.from(padHex(S), 'hex'))
        .digest();
      const key = createHmac('sha256', prk).update('Caldera Derived Key\u0001').digest().subarray(0, 16);
      const expected = createHmac('sha256', key)
        .update(
          Buffer.concat([
            Buffer.from(POOL.split('_')[1]!),
            Buffer.from(USER_ID),
            Buffer.from(secretBlock, 'base64'),
            Buffer.from(responses.TIMESTAMP!),
          ]),
        )
        .digest('base64');
      if (responses.PASSWORD_CLAIM_SIGNATURE !== expected)
        return send(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      return send(200, { AuthenticationResult: { IdToken: 'the-id-token', AccessToken: 'a', RefreshToken: 'r', ExpiresIn: 3600 } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('Cognito SRP sign-in', () => {
  it("proves the password with Cognito's maths and returns the ID token, in Cognito's request shapes", async () => {
    seen.length = 0;
    const now = () => new Date('2026-12-03T09:05:07Z');
    const token = await cognitoSrpSignIn({ userPoolId: POOL, clientId: CLIENT, username: 'smoke@example.com', password: PASSWORD, endpoint, now });
    expect(token).toBe('the-id-token');
    expect(seen.map((s) => [s.target, s.contentType])).toEqual([
      ['AWSCognitoIdentityProviderService.InitiateAuth', 'application/x-amz-json-1.1'],
      ['AWSCognitoIdentityProviderService.RespondToAuthChallenge', 'application/x-amz-json-1.1'],
    ]);
    expect(seen[0]!.body).toEqual({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: CLIENT,
      AuthParameters: { USERNAME: 'smoke@example.com', SRP_A: expect.stringMatching(/^[0-9a-f]+$/) },
    });
    expect(seen[1]!.body).toEqual({
      ChallengeName: 'PASSWORD_VERIFIER',
      ClientId: CLIENT,
      ChallengeResponses: {
        USERNAME: USER_ID,
        PASSWORD_CLAIM_SECRET_BLOCK: session!.secretBlock,
        TIMESTAMP: 'Thu Dec 3 09:05:07 UTC 2026',
        PASSWORD_CLAIM_SIGNATURE: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      },
    });
  });

  it('signs in every time, whatever the random numbers (padding of values with the top bit set included)', async () => {
    // Each run draws a, b and the salt afresh: about half of them start with a hex digit >= 8 and need the 00 pad.
    for (let i = 0; i < 12; i++)
      expect(await cognitoSrpSignIn({ userPoolId: POOL, clientId: CLIENT, username: 'u', password: PASSWORD, endpoint })).toBe('the-id-token');
  });

  it("fails with Cognito's error for a wrong password", async () => {
    await expect(cognitoSrpSignIn({ userPoolId: POOL, clientId: CLIENT, username: 'u', password: `${PASSWORD}x`, endpoint })).rejects.toThrow(
      'Cognito RespondToAuthChallenge: NotAuthorizedException: Incorrect username or password.',
    );
  });

  it('refuses a user pool id without its region', async () => {
    await expect(cognitoSrpSignIn({ userPoolId: 'AbCdEf123', clientId: CLIENT, username: 'u', password: 'p', endpoint })).rejects.toThrow(
      /not a user pool id/,
    );
  });

  it("uses RFC 5054's 3072-bit group and pads as Cognito does", () => {
    expect(SRP_N.toString(16)).toMatch(/^ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd1.*ffffffffffffffff$/);
    expect(SRP_N.toString(2)).toHaveLength(3072);
    expect([padHex(0x7fn), padHex(0x80n), padHex(0xabcn), padHex(0x1234n)]).toEqual(['7f', '0080', '0abc', '1234']);
    expect(cognitoTimestamp(new Date('2026-01-05T23:59:09Z'))).toBe('Mon Jan 5 23:59:09 UTC 2026');
  });
});
