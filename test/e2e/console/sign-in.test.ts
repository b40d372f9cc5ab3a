/**
 * The console's foundation in a real browser against the local platform: `/` serves the
 * console, `/config.json` tells it where the API and sign-in are, the dev issuer's OIDC
 * authorize page signs a demo user in with code + PKCE, and the token endpoint refuses a
 * code without the right verifier, a replayed code and a foreign redirect URI.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleConfig } from '../../../lib/topology/console-config.js';
import { expectAccessible, screenshot, startConsole, type ConsoleHarness } from './support.js';

let harness: ConsoleHarness;
beforeAll(async () => {
  harness = await startConsole();
});
afterAll(async () => harness?.stop());

describe('the console on the local gateway', () => {
  it('answers / with the console, /config.json with a valid ConsoleConfig, and leaves API 404s alone', async () => {
    const { url } = harness.platform;
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect(await home.text()).toContain('<div id="root">');

    const config = ConsoleConfig.parse(await (await fetch(`${url}/config.json`)).json());
    expect(config).toEqual({ apiUrl: url, liveUrl: null, auth: { authority: `${url}/_oidc`, clientId: harness.platform.issuer.audience, scope: 'openid profile email' } });

    // A client route loads the console in a browser; the same unknown path asked for as data stays the API's 404 problem.
    const asPage = await fetch(`${url}/my/cases/CASE-2026-000001`, { headers: { accept: 'text/html' } });
    expect(asPage.status).toBe(200);
    const asData = await fetch(`${url}/tickets`);
    expect(asData.status).toBe(404);
    expect(asData.headers.get('content-type')).toContain('application/problem+json');
  });

  it('signs a requester in through the dev authorize page and shows them in the header', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto(`${harness.platform.url}/`);
    await page.waitForURL(/\/_oidc\/authorize/);
    await expectAccessible(page, 'the dev sign-in page');
    await screenshot(page, 'sign-in');
    await page.getByRole('button', { name: /Rita Requester/ }).click();
    await page.waitForURL(`${harness.platform.url}/my`);
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toBe('Rita Requester');
    // Role-appropriate navigation: a requester has no inbox.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['My cases', 'Open a case']);
    // The skip link is the first stop of the keyboard and lands on the main content.
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to main content');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/_oidc\/authorize/);
    await context.close();
  });

  it('gives staff the inbox in the navigation', async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'agent');
    await page.waitForURL(/\/inbox/);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Inbox']);
    await context.close();
  });
});

describe('the dev issuer token endpoint', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  async function codeFor(redirectUri: string): Promise<string> {
    const { url, issuer } = harness.platform;
    const form = new URLSearchParams({ client_id: issuer.audience, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's1', code_challenge: challenge, code_challenge_method: 'S256', user: 'agent' });
    const answer = await fetch(`${url}/_oidc/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    return location.searchParams.get('code')!;
  }

  const exchange = (code: string, redirectUri: string, codeVerifier: string) =>
    fetch(`${harness.platform.url}/_oidc/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: harness.platform.issuer.audience, code_verifier: codeVerifier }),
    });

  it('checks the PKCE S256 verifier, spends a code once, and the token it gives is accepted by the API', async () => {
    const redirectUri = `${harness.platform.url}/auth/callback`;
    const wrong = await exchange(await codeFor(redirectUri), redirectUri, randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');

    const code = await codeFor(redirectUri);
    const ok = await exchange(code, redirectUri, verifier);
    expect(ok.status).toBe(200);
    const { id_token: idToken } = (await ok.json()) as { id_token: string };
    const cases = await fetch(`${harness.platform.url}/cases`, { headers: { authorization: `Bearer ${idToken}` } });
    expect(cases.status).toBe(200);

    const replay = await exchange(code, redirectUri, verifier);
    expect(replay.status).toBe(400);
  });

  it('refuses a redirect URI that does not match the authorization request, or is not this console', async () => {
    const redirectUri = `${harness.platform.url}/auth/callback`;
    const mismatch = await exchange(await codeFor(redirectUri), `${harness.platform.url}/elsewhere`, verifier);
    expect(mismatch.status).toBe(400);

    const { url, issuer } = harness.platform;
    const foreign = await fetch(`${url}/_oidc/authorize?${new URLSearchParams({ client_id: issuer.audience, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`);
    expect(foreign.status).toBe(400);
    const noPkce = await fetch(`${url}/_oidc/authorize?${new URLSearchParams({ client_id: issuer.audience, redirect_uri: redirectUri, response_type: 'code', scope: 'openid' })}`);
    expect(noPkce.status).toBe(400);
  });
});
