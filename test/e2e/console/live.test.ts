/**
 * Live updates in the console, with two browser contexts at once against one platform:
 * a comment written in one appears in the other's open case view, a requester's new case
 * in an agent's inbox, both without a reload; and the header's indicator shows the feed
 * dropping and coming back, with the event caused meanwhile replayed on the new socket.
 *
 * Two agents at once on routing: an offer to one, open in two of their browsers, is accepted
 * (or declined) in one and leaves the other; the other agent, watching the case, sees it go
 * from offered to assigned.
 *
 * Each page's live frames are recorded (Playwright sees the WebSocket), so a test shows
 * that what appeared came over the feed, not from a refetch of some other cause: the case
 * view does not poll, and the inbox polls once a minute at most.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { entriesAfter } from '#adapters/dynamodb/live-repository.js';
import { expectAccessible, startConsole, type ConsoleHarness } from './support.js';

interface Frame {
  readonly type: string;
  readonly event?: string;
  readonly caseId?: string;
  readonly detail?: { comment?: { id: string }; offer?: { agentId: string } };
  /** Which socket of the page carried it: 1 for the first, 2 after one reconnect... */
  readonly socket: number;
}

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsole();
});
afterAll(async () => harness?.stop());

async function openCase(subject: string): Promise<string> {
  const created = await harness.platform.fetchAs('requester', '/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'support', subject, description: `${subject}: details`, fields: { product: 'web-app', category: 'problem' } }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { caseId: string }).caseId;
}

/** Every frame the live socket(s) of the context's pages receive, from the first page on. */
function recordLive(context: BrowserContext): Frame[] {
  const frames: Frame[] = [];
  let sockets = 0;
  context.on('page', (page) =>
    page.on('websocket', (ws) => {
      if (!ws.url().endsWith('/live')) return;
      const socket = ++sockets;
      ws.on('framereceived', ({ payload }) => {
        try {
          frames.push({ ...(JSON.parse(String(payload)) as Omit<Frame, 'socket'>), socket });
        } catch {
          // not JSON: not the protocol's
        }
      });
    }),
  );
  return frames;
}

/** Counts full page loads from now on: "without reload" means this stays 0. */
function countLoads(page: Page): () => number {
  let loads = 0;
  page.on('load', () => loads++);
  return () => loads;
}

const liveState = (page: Page) => page.getByTestId('live-status').getAttribute('data-status');

describe('live updates in the console', () => {
  it('shows a comment written by another agent in the open case view, without a reload', async () => {
    const caseId = await openCase('Shared drive is read-only');
    const mine = await harness.newContext();
    const frames = recordLive(mine);
    const pageA = await harness.signIn(mine, 'agent', `/inbox/cases/${caseId}`);
    await pageA.getByTestId('case-status').waitFor();
    await expect.poll(() => liveState(pageA)).toBe('live');
    expect(await pageA.getByTestId('live-status').textContent()).toContain('Live');
    const loads = countLoads(pageA);

    const theirs = await harness.newContext();
    const pageB = await harness.signIn(theirs, 'supervisor', `/inbox/cases/${caseId}`);
    await pageB.getByLabel('Message').fill('Permissions reset on the share; try again please.');
    await pageB.getByRole('button', { name: 'Send' }).click();

    await pageA.getByTestId('timeline-comment').filter({ hasText: 'Permissions reset on the share' }).waitFor();
    expect(frames.some((f) => f.type === 'event' && f.event === 'CommentAdded' && f.caseId === caseId)).toBe(true);
    expect(loads()).toBe(0);
    await mine.close();
    await theirs.close();
  });

  it("puts a requester's new case into an agent's inbox, without a reload", async () => {
    const agentContext = await harness.newContext();
    const frames = recordLive(agentContext);
    const inbox = await harness.signIn(agentContext, 'agent', '/inbox?view=queues');
    await inbox.locator('[data-testid="inbox-row"], .state-empty').first().waitFor();
    await expect.poll(() => liveState(inbox)).toBe('live');
    const loads = countLoads(inbox);
    const subject = 'Calendar invites arrive twice';
    expect(await inbox.getByTestId('inbox-row').filter({ hasText: subject }).count()).toBe(0);

    const requesterContext = await harness.newContext();
    const portal = await harness.signIn(requesterContext, 'requester', '/my/new');
    await portal.getByLabel(/^Subject/).fill(subject);
    await portal.getByLabel(/^Describe it/).fill('Every invite from the shared calendar shows up two times.');
    await portal.getByLabel('Product').selectOption({ label: 'Web app' });
    await portal.getByLabel('What kind of request is it?').selectOption({ label: 'Something is not working' });
    await portal.getByRole('button', { name: 'Open the case' }).click();
    await portal.waitForURL(/\/my\/cases\/CASE-/);
    const caseId = portal.url().split('/').pop()!;

    await inbox.getByTestId('inbox-row').filter({ hasText: subject }).waitFor();
    expect(frames.some((f) => f.type === 'event' && f.event === 'CaseCreated' && f.caseId === caseId)).toBe(true);
    expect(loads()).toBe(0);
    await agentContext.close();
    await requesterContext.close();
  });

  it('shows reconnecting while the live server is down, and replays what happened meanwhile once back', async () => {
    const caseId = await openCase('Badge reader at the side door');
    const context = await harness.newContext();
    const frames = recordLive(context);
    const page = await harness.signIn(context, 'agent', `/inbox/cases/${caseId}`);
    await page.getByTestId('case-status').waitFor();
    await expect.poll(() => liveState(page)).toBe('live');
    await expectAccessible(page, 'the case view with the live indicator (live)');
    const loads = countLoads(page);
    const indicator = page.getByTestId('live-status');
    expect(await indicator.getAttribute('role')).toBe('status');
    expect(await indicator.getAttribute('aria-live')).toBe('polite');

    const outage = harness.platform.live.interrupt();
    let restored = false;
    try {
      await expect.poll(() => liveState(page)).toBe('reconnecting');
      expect(await indicator.textContent()).toContain('Reconnecting');
      await expectAccessible(page, 'the case view with the live indicator (reconnecting)');

      // An event while no socket is open: logged by the fan-out, pushed to nobody.
      const before = `${String(Date.now() - 1000).padStart(13, '0')}-00000000`;
      const posted = await harness.platform.fetchAs('supervisor', `/cases/${caseId}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'Door controller swapped while you were away.', visibility: 'internal' }),
      });
      expect(posted.status).toBe(201);
      await expect
        .poll(async () => (await entriesAfter(before, Date.now())).some((entry) => entry.event === 'CommentAdded' && entry.caseId === caseId), {
          timeout: 10_000,
        })
        .toBe(true);
      // The view has not heard of it (no socket, no polling of a case view).
      expect(await page.getByTestId('timeline-comment').filter({ hasText: 'Door controller swapped' }).count()).toBe(0);
      expect(await liveState(page)).toBe('reconnecting');

      outage.restore();
      restored = true;
      await expect.poll(() => liveState(page), { timeout: 20_000 }).toBe('live');
      await page.getByTestId('timeline-comment').filter({ hasText: 'Door controller swapped' }).waitFor();
      // It came over the new socket (the resume's replay), not only from the refresh a resume also does.
      const replayed = frames.filter((f) => f.type === 'event' && f.event === 'CommentAdded' && f.caseId === caseId);
      expect(replayed.length).toBe(1);
      expect(replayed[0]!.socket).toBeGreaterThan(1);
      expect(await indicator.textContent()).toContain('Live');
      expect(loads()).toBe(0);
    } finally {
      if (!restored) outage.restore();
      await context.close();
    }
  });

  it('takes an offer accepted or declined in one browser off the other, and shows the other agent the case assigned, without a reload', async () => {
    const admin = (path: string, body: unknown) =>
      harness.platform
        .fetchAs('admin', path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then((r) => expect(r.status).toBeLessThan(300));
    await admin('/routing/queues/support', { name: 'Support', offerTimeoutSeconds: 3600 });
    // Both eligible (no skills asked, no team rule on the type); Alex has more free capacity, so routing offers to Alex.
    await admin('/routing/agents/demo-agent', { name: 'Alex Agent', skills: { webapp: 5 }, capacity: { web: 10 } });
    await admin('/routing/agents/demo-fraud-agent', { name: 'Frida Fraud', skills: { webapp: 5 }, capacity: { web: 2 } });

    const presence = async (who: 'agent' | 'fraudAgent', id: string, to: string) => {
      const r = await harness.platform.fetchAs(who, `/routing/agents/${id}/presence`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ presence: to }),
      });
      expect(r.status).toBe(200);
    };

    // Alex in two browsers (say a laptop and a second screen), both on the inbox with its offers.
    const alexOne = await harness.newContext();
    const alexTwo = await harness.newContext();
    const framesOne = recordLive(alexOne);
    const framesTwo = recordLive(alexTwo);
    const one = await harness.signIn(alexOne, 'agent', '/inbox');
    const two = await harness.signIn(alexTwo, 'agent', '/inbox');
    for (const page of [one, two]) {
      await page.getByTestId('offers-panel').getByLabel('Presence').waitFor();
      await expect.poll(() => liveState(page)).toBe('live');
    }
    await two.getByTestId('offers-panel').getByLabel('Presence').selectOption('available');
    await expect
      .poll(async () => (await (await harness.platform.fetchAs('agent', '/routing/agents/demo-agent')).json()) as { presence: string })
      .toMatchObject({ presence: 'available' });
    await presence('fraudAgent', 'demo-fraud-agent', 'available');
    const loadsOne = countLoads(one);
    const loadsTwo = countLoads(two);

    const caseId = await openCase('VPN drops every ten minutes');
    const offerOn = (page: Page) => page.locator(`[data-testid="offer"][data-case="${caseId}"]`);
    // The offer reaches both of Alex's browsers over the feed.
    await offerOn(one).waitFor();
    await offerOn(two).waitFor();
    expect(
      framesTwo.some((f) => f.type === 'event' && f.event === 'CaseOffered' && f.caseId === caseId && f.detail?.offer?.agentId === 'demo-agent'),
    ).toBe(true);

    // Frida, the other eligible agent, has the case open: routing says whom it is offered to.
    const fridaContext = await harness.newContext();
    const fridaFrames = recordLive(fridaContext);
    const frida = await harness.signIn(fridaContext, 'fraudAgent', `/inbox/cases/${caseId}`);
    const routing = frida.getByTestId('case-routing');
    await expect.poll(() => routing.getByTestId('routing-state').textContent()).toBe('Offered');
    expect(await routing.textContent()).toContain('Agent: demo-agent');
    await expect.poll(() => liveState(frida)).toBe('live');
    const loadsFrida = countLoads(frida);
    await expectAccessible(two, 'the inbox with an offer open in two browsers');

    // Accepted in the first browser: gone from the second, assigned in Frida's view.
    await offerOn(one)
      .getByRole('button', { name: `Accept the offer of ${caseId}` })
      .click();
    await one.getByTestId('offers-panel').getByText(`${caseId} is yours.`).waitFor();
    await offerOn(two).waitFor({ state: 'detached' });
    await expect.poll(() => routing.getByTestId('routing-state').textContent()).toBe('Assigned');
    expect(framesTwo.some((f) => f.type === 'event' && f.event === 'Assigned' && f.caseId === caseId)).toBe(true);
    expect(fridaFrames.some((f) => f.type === 'event' && f.event === 'Assigned' && f.caseId === caseId)).toBe(true);
    // Frida was never offered it (an offer is pushed to its agent only).
    expect(fridaFrames.some((f) => f.event === 'CaseOffered' && f.caseId === caseId)).toBe(false);
    // The second browser shows the case in Alex's work, also without a reload.
    await two.getByTestId('inbox-row').filter({ hasText: 'VPN drops every ten minutes' }).waitFor();

    // Declined in the second browser: gone from the first too (the ended offer is pushed, not only a taken case).
    const declinedId = await openCase('Scanner emails arrive empty');
    const declinedOn = (page: Page) => page.locator(`[data-testid="offer"][data-case="${declinedId}"]`);
    await declinedOn(one).waitFor();
    await declinedOn(two).waitFor();
    await declinedOn(two)
      .getByRole('button', { name: `Decline the offer of ${declinedId}` })
      .click();
    await two.getByTestId('offers-panel').getByText(`Declined ${declinedId}.`).waitFor();
    await declinedOn(one).waitFor({ state: 'detached' });
    expect(framesOne.some((f) => f.type === 'event' && f.event === 'OfferClosed' && f.caseId === declinedId)).toBe(true);
    expect([loadsOne(), loadsTwo(), loadsFrida()]).toEqual([0, 0, 0]);
    await presence('agent', 'demo-agent', 'offline');
    await presence('fraudAgent', 'demo-fraud-agent', 'offline');
    await Promise.all([alexOne.close(), alexTwo.close(), fridaContext.close()]);
  }, 60_000); // three browsers, two offers through routing and the bus
});
