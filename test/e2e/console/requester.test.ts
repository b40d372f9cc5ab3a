/**
 * The console's foundation and the requester's journey, on one platform (each browser test
 * file starts its own, which is most of its time).
 *
 * Foundation: `/` serves the console, `/config.json` tells it where the API and sign-in are,
 * the dev issuer's OIDC authorize page signs a demo user in with code + PKCE, the token
 * endpoint refuses a code without the right verifier, a replayed code and a foreign redirect
 * URI, and a server fault shows as the problem's title, detail and correlation id.
 *
 * The requester's journey in a real browser against the local platform: sign in, a knowledge
 * suggestion while typing and "this solved it", open a case through the type's intake form
 * (a conditional, conditionally required question; the API's validation message at the field),
 * only public replies, a reply, an upload with progress, dates in the viewer's time zone, and
 * the portal on a phone. axe on each page; screenshots for the README.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleConfig } from '#topology/console-config.js';
import { expectAccessible, PHONE, screenshot, startConsole, type ConsoleHarness } from './support.js';

let harness: ConsoleHarness;
let articleId: string;

beforeAll(async () => {
  harness = await startConsole();
  const { platform } = harness;
  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = await platform.fetchAs(
    'agent',
    '/knowledge/articles',
    json({
      title: 'Reset your password',
      body: 'Open Settings, then Security, then Reset password. A link arrives by email within a minute.',
      category: 'login',
      tags: ['password', 'sign-in'],
      visibility: 'public',
    }),
  );
  articleId = ((await created.json()) as { articleId: string }).articleId;
  expect((await platform.fetchAs('supervisor', `/knowledge/articles/${articleId}/status`, json({ to: 'published' }))).status).toBe(200);
  // The index follows the table's stream: wait until a requester's search finds the article.
  const found = async () =>
    ((await (await platform.fetchAs('requester', '/knowledge/deflect', json({ subject: 'reset password' }))).json()) as { items: unknown[] }).items
      .length;
  for (let waited = 0; (await found()) === 0; waited += 100) {
    if (waited > 15_000) throw new Error('the published article never reached the search index');
    await new Promise((done) => setTimeout(done, 100));
  }
});
afterAll(async () => harness?.stop());

describe('the requester portal', () => {
  it('walks the requester journey: suggestion, intake with a field error, public replies only, reply, upload with progress', async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'requester', '/my');
    await page.getByText('You have no cases yet.').waitFor();
    await expectAccessible(page, 'my cases (empty)');

    // A suggestion while typing, and "this solved it" reported to the API as a deflection.
    await page.getByRole('link', { name: 'Open a case' }).first().click();
    await page.getByLabel(/^Subject/).fill('I need to reset my password');
    await page.getByTestId('suggestion').filter({ hasText: 'Reset your password' }).waitFor();
    await expectAccessible(page, 'the intake form with suggestions');
    const feedback = page.waitForResponse(
      (response) => response.url().endsWith('/knowledge/feedback') && response.request().postDataJSON()?.event === 'deflected',
    );
    await page.getByRole('button', { name: /This solved it/ }).click();
    const answered = await feedback;
    expect(answered.status()).toBe(200);
    expect(await answered.json()).toEqual({ counted: true });
    await page.getByText('Glad that helped').waitFor();

    // The intake form: a question that appears only for billing, required for a billing problem; the API's message lands at it.
    await page.goto(`${harness.platform.url}/my/new`);
    await page.getByLabel(/^Subject/).fill('Invoice shows the wrong amount');
    await page.getByLabel(/^Describe it/).fill('The March invoice charges two seats; we have one.');
    expect(await page.getByLabel(/^Order or invoice number/).count()).toBe(0);
    await page.getByLabel('Product').selectOption({ label: 'Billing' });
    await page.getByLabel('What kind of request is it?').selectOption({ label: 'Something is not working' });
    const orderNumber = page.getByLabel(/^Order or invoice number/);
    await orderNumber.waitFor();
    expect(await page.locator('label[for="field-orderNumber"] .required-mark').count()).toBe(1);
    await orderNumber.fill('march invoice');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.locator('#field-orderNumber-error').waitFor();
    expect(await page.locator('#field-orderNumber-error').textContent()).toContain('Order or invoice number must look like INV-20391');
    expect(await orderNumber.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-orderNumber');
    await expectAccessible(page, 'the intake form with a field error');
    await screenshot(page, 'portal-intake-error');
    await orderNumber.fill('INV-20261');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/my\/cases\/CASE-/);
    const caseId = page.url().split('/').pop()!;
    await page.getByText('Your case is open').waitFor();

    // Staff answer: one internal note, one public reply. The requester sees the public one only.
    const post = (visibility: string, body: string) =>
      harness.platform.fetchAs('agent', `/cases/${caseId}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ body, visibility }),
      });
    expect((await post('internal', 'Internal: customer has two seats in the old plan')).status).toBe(201);
    expect((await post('public', 'Thanks, we are correcting the invoice.')).status).toBe(201);
    await page.reload();
    await page.getByText('Thanks, we are correcting the invoice.').waitFor();
    expect(await page.getByText('Internal: customer').count()).toBe(0);

    // The date is the viewer's: en-GB in Europe/Berlin, as the context was set up.
    const read = (await (await harness.platform.fetchAs('requester', `/cases/${caseId}`)).json()) as { createdAt: string };
    const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(
      new Date(read.createdAt),
    );
    expect(await page.locator(`time[datetime="${read.createdAt}"]`).first().textContent()).toBe(expected);

    // A reply.
    await page.getByLabel('Your reply').fill('One seat only, thank you.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByTestId('reply').filter({ hasText: 'One seat only, thank you.' }).waitFor();
    expect(await page.getByTestId('reply').filter({ hasText: 'One seat only' }).getByText('You', { exact: true }).count()).toBe(1);

    // An upload straight to the file store, with progress: the network slowed so the bar is seen moving.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const bytes = Buffer.alloc(384 * 1024, 'receipt line\n');
    // Every value the progress bar shows, as it shows it.
    await page.evaluate(`(() => {
      const seen = (window.progressSeen = []);
      new MutationObserver(() => {
        const bar = document.querySelector('progress');
        if (bar) seen.push([bar.value, bar.max]);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
    })()`);
    await page.getByLabel('Add a file').setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: bytes });
    await page.getByText('receipt.txt was uploaded.').waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const seen = (await page.evaluate('window.progressSeen')) as number[][];
    // Out of the full size, and at least one reading part-way: the bar moved with the bytes sent.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(([, max]) => max === bytes.length)).toBe(true);
    expect(seen.some(([value]) => value! > 0 && value! < bytes.length)).toBe(true);
    await page.locator('li', { hasText: 'receipt.txt' }).waitFor();
    const files = (await (await harness.platform.fetchAs('agent', `/cases/${caseId}/attachments`)).json()) as {
      items: { versions: { fileName: string; size: number }[] }[];
    };
    expect(files.items.map((a) => a.versions.at(-1))).toEqual([expect.objectContaining({ fileName: 'receipt.txt', size: bytes.length })]);
    await expectAccessible(page, 'the requester case view');
    await screenshot(page, 'portal-case');

    await page.getByRole('link', { name: 'Back to my cases' }).click();
    await page.getByTestId('status-words').first().waitFor();
    expect(await page.getByTestId('status-words').first().textContent()).toBe('We are working on it');
    await screenshot(page, 'portal-my-cases');
    await context.close();
  });

  it('works on a phone: no sideways scrolling, the same cases and states', async () => {
    const context = await harness.newContext({ viewport: PHONE });
    const page = await harness.signIn(context, 'requester', '/my');
    await page.getByTestId('status-words').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await expectAccessible(page, 'my cases on a phone');
    await screenshot(page, 'portal-phone');
    await page.getByRole('link', { name: 'Invoice shows the wrong amount' }).click();
    await page.getByText('Thanks, we are correcting the invoice.').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await context.close();
  });
});

describe('the console on the local gateway', () => {
  it('answers / with the console, /config.json with a valid ConsoleConfig, and leaves API 404s alone', async () => {
    const { url } = harness.platform;
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect(await home.text()).toContain('<div id="root">');

    const config = ConsoleConfig.parse(await (await fetch(`${url}/config.json`)).json());
    expect(config).toEqual({
      apiUrl: url,
      liveUrl: `${url.replace(/^http/, 'ws')}/live`,
      auth: { authority: `${url}/_oidc`, clientId: harness.platform.issuer.audience, scope: 'openid email profile' },
    });

    // A client route loads the console in a browser; the same unknown path asked for as data stays the API's 404 problem.
    const asPage = await fetch(`${url}/my/cases/CASE-2026-000001`, { headers: { accept: 'text/html' } });
    expect(asPage.status).toBe(200);
    // Only the console's own files: no way out of web/dist.
    for (const path of ['/%2e%2e/%2e%2e/package.json', '/static/..%2f..%2f..%2fpackage.json', '/..%5c..%5cpackage.json']) {
      const escape = await fetch(`${url}${path}`);
      expect(await escape.text(), path).not.toContain('"name": "caseway"');
    }
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

  it("signs out at the provider's logout endpoint when config.json names one (Cognito's /logout), ending its session, not only the tab's", async () => {
    const { url, issuer } = harness.platform;
    const context = await harness.newContext();
    // The config the AWS stack writes: Cognito's /logout on the sign-in domain (unreachable here, so answered in the browser).
    const cognitoLogout = 'https://caseway-demo.auth.eu-west-1.amazoncognito.com/logout';
    await context.route(`${url}/config.json`, async (route) => {
      const config = (await (await route.fetch()).json()) as ConsoleConfig;
      await route.fulfill({ json: { ...config, auth: { ...config.auth, logoutUrl: cognitoLogout } } });
    });
    const reached: URL[] = [];
    await context.route(
      (u) => u.href.startsWith(`${cognitoLogout}?`),
      async (route) => {
        reached.push(new URL(route.request().url()));
        await route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><title>Signed out</title><h1>Signed out</h1></html>' });
      },
    );
    const page = await harness.signIn(context, 'requester', '/my');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`^${cognitoLogout.replaceAll('.', '\\.')}\\?`));
    expect(reached.map((u) => Object.fromEntries(u.searchParams))).toEqual([{ client_id: issuer.audience, logout_uri: `${url}/` }]);
    // The tab kept no tokens: back at the console, it asks to sign in again.
    await page.goto(`${url}/my`);
    await page.waitForURL(/\/_oidc\/authorize/);
    await context.close();
  });

  it("shows a server fault as the problem's title and detail with its correlation id", async () => {
    const context = await harness.newContext();
    // A 5xx cannot be provoked from a healthy platform on purpose: the answer is replaced in the browser, in the
    // shape the API gives a dependency outage (problem+json with a correlationId), to see how the console shows it.
    await context.route(/\/cases\?/, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        headers: { 'retry-after': '1' },
        body: JSON.stringify({
          type: 'https://caseway.dev/problems/service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'The case store did not answer in time; retry.',
          correlationId: 'corr-5xx-42',
        }),
      }),
    );
    const page = await harness.signIn(context, 'requester', '/my');
    const alert = page.getByRole('alert');
    await alert.getByText('Service unavailable').waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('The case store did not answer in time; retry.');
    expect(await page.getByTestId('correlation-id').textContent()).toBe('corr-5xx-42');
    await expectAccessible(page, 'an error state');
    await screenshot(page, 'error-state');
    await context.close();
  });

  it('sends the user to sign in again when the API refuses their token', async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'requester', '/my');
    await page.getByTestId('status-words').first().waitFor();
    // A token whose signature no longer matches, as after a key rotation: the gateway's JWT check answers 401.
    await page.evaluate(`(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
      const user = JSON.parse(sessionStorage.getItem(key));
      const parts = user.id_token.split('.');
      parts[2] = parts[2].split('').reverse().join('');
      user.id_token = parts.join('.');
      sessionStorage.setItem(key, JSON.stringify(user));
    })()`);
    const refused = page.waitForResponse((response) => new URL(response.url()).pathname === '/cases' && response.status() === 401);
    await page.reload();
    await refused;
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
    const form = new URLSearchParams({
      client_id: issuer.audience,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      user: 'agent',
    });
    const answer = await fetch(`${url}/_oidc/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    return location.searchParams.get('code')!;
  }

  const exchange = (code: string, redirectUri: string, codeVerifier: string) =>
    fetch(`${harness.platform.url}/_oidc/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: harness.platform.issuer.audience,
        code_verifier: codeVerifier,
      }),
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
    const foreign = await fetch(
      `${url}/_oidc/authorize?${new URLSearchParams({ client_id: issuer.audience, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`,
    );
    expect(foreign.status).toBe(400);
    const noPkce = await fetch(
      `${url}/_oidc/authorize?${new URLSearchParams({ client_id: issuer.audience, redirect_uri: redirectUri, response_type: 'code', scope: 'openid' })}`,
    );
    expect(noPkce.status).toBe(400);
  });
});
