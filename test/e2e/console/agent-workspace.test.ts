/**
 * The agent workspace beyond the main loop, in a real browser against the local platform:
 * presence and offers in the inbox (accept by key, decline by button, the accepted case in
 * "My work"); a case's handoff brief, tasks, file upload, related cases, knowledge linked as
 * resolving, an internal note with an @mention picked from the agents; and a case with 500
 * timeline entries whose timeline keeps only a window of rows in the DOM while scrolling
 * reaches its end. axe on every new panel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, screenshot, startConsole, type ConsoleHarness } from './support.js';

let harness: ConsoleHarness;
let articleId: string;
let relatedId: string;
let longId: string;
let acceptedId: string;
/** Comments on the long case beyond its own creation and placement events. */
const LONG_COMMENTS = 500;
/** The long case's comments are written while the first tests run (one case's writes are serial, so this takes a while). */
let seeding: Promise<void>;

async function api<T>(who: Parameters<ConsoleHarness['platform']['fetchAs']>[0], path: string, init: RequestInit = {}): Promise<T> {
  const response = await harness.platform.fetchAs(who, path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

const newCase = (subject: string) =>
  api<{ caseId: string }>('requester', '/cases', {
    method: 'POST',
    body: JSON.stringify({
      subject,
      description: `${subject}: since Monday`,
      fields: { product: 'web-app', category: 'problem', impact: 'single-user', urgency: 'low' },
    }),
  }).then((c) => c.caseId);

/** Waits for a condition in a hook (expect.poll is for tests only), looking every 100 ms. */
async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  for (let waited = 0; !(await check()); waited += 100) {
    if (waited > ms) throw new Error(`${what}: not after ${ms} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * A case routing should leave alone: a supervisor places it with themselves, once routing has
 * decided on it. Placing it sooner raced routing's consumer: an owner set first leaves routing no
 * decision to record (one timeline entry fewer), and a decision landing between the read and the
 * write failed the write's If-Match.
 */
async function placedCase(subject: string): Promise<string> {
  const id = await newCase(subject);
  await until(async () => (await harness.platform.fetchAs('supervisor', `/routing/cases/${id}`)).status === 200, `routing's decision on ${id}`);
  const current = await api<{ version: number }>('supervisor', `/cases/${id}`);
  await api('supervisor', `/cases/${id}`, {
    method: 'PATCH',
    headers: { 'if-match': `"${current.version}"` },
    body: JSON.stringify({ owner: 'demo-supervisor' }),
  });
  return id;
}

/** A comment, retried should the case's chain be busy with a concurrent one (409) or the gateway shed load (429). */
async function comment(id: string, body: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const response = await harness.platform.fetchAs('agent', `/cases/${id}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body, visibility: 'internal' }),
    });
    if (response.ok) return;
    if ((response.status !== 409 && response.status !== 429) || attempt > 50)
      throw new Error(`comment ${body}: ${response.status} ${await response.text()}`);
    await new Promise((done) => setTimeout(done, 5 + Math.random() * 20));
  }
}

beforeAll(async () => {
  harness = await startConsole();
  const put = (path: string, body: unknown) => api('admin', path, { method: 'PUT', body: JSON.stringify(body) });
  await put('/routing/queues/support', { name: 'Support', offerTimeoutSeconds: 3600 });
  await put('/routing/agents/demo-agent', { name: 'Alex Agent', skills: { webapp: 5 }, capacity: { web: 3 } });
  // A ruleset, so routing's decisions (and their why) are on each case's timeline.
  await api('admin', '/routing/rules', {
    method: 'POST',
    body: JSON.stringify({
      defaultQueue: 'support',
      rules: [
        {
          id: 'support-web',
          when: { all: [{ fact: 'type', operator: 'equal', value: 'support' }] },
          then: { queue: 'support', skills: [{ skill: 'webapp', level: 3 }] },
        },
      ],
    }),
  });

  const created = await api<{ articleId: string }>('agent', '/knowledge/articles', {
    method: 'POST',
    body: JSON.stringify({
      title: 'Reset your password',
      body: 'Open Settings, then Security, then Reset password. A link arrives by email within a minute.',
      category: 'login',
      tags: ['password', 'sign-in'],
      visibility: 'public',
    }),
  });
  articleId = created.articleId;
  await api('supervisor', `/knowledge/articles/${articleId}/status`, { method: 'POST', body: JSON.stringify({ to: 'published' }) });

  relatedId = await placedCase('Password reset mail never arrives for the whole team');
  longId = await placedCase('A case with a long history');
  // 500 and more timeline entries, one after another (writers at once only contend for the case's chain).
  const bodies = Array.from({ length: LONG_COMMENTS }, (_, i) => `Entry ${String(i + 1).padStart(3, '0')}`);
  seeding = (async () => {
    for (const body of bodies) await comment(longId, body);
  })();
  seeding.catch(() => undefined); // awaited (and reported) by the test that needs it

  // The published article reaches the search index through the table's stream.
  const found = async () =>
    (await api<{ items: unknown[] }>('requester', '/knowledge/deflect', { method: 'POST', body: JSON.stringify({ subject: 'reset password' }) }))
      .items.length > 0;
  await until(found, 'the published article in the search index');
}, 120_000);
afterAll(async () => harness?.stop());

const offer = (page: Page, caseId: string) => page.locator(`[data-testid="offer"][data-case="${caseId}"]`);

describe('the agent workspace', () => {
  it('sets presence, accepts an offer by key into My work, and declines another', async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'agent', '/inbox');
    const panel = page.getByTestId('offers-panel');
    const presence = panel.getByLabel('Presence');
    await expect.poll(() => presence.inputValue()).toBe('offline');
    await panel.getByText('No offers right now.').waitFor();
    expect(await panel.getByTestId('agent-capacity').textContent()).toContain('web: 0 of 3');
    await expectAccessible(page, 'the inbox with presence and offers (none)');

    await presence.selectOption('available');
    await expect.poll(async () => (await api<{ presence: string }>('supervisor', '/routing/agents/demo-agent')).presence).toBe('available');

    // A requester opens a case: routing offers it to the available agent, and the offer reaches the panel.
    acceptedId = await newCase('Cannot reset my password');
    await offer(page, acceptedId).waitFor();
    await expectAccessible(page, 'the inbox with an open offer');
    // a: accept the oldest offer, by keyboard.
    await page.locator('h1').click();
    await page.keyboard.press('a');
    await offer(page, acceptedId).waitFor({ state: 'detached' });
    await panel.getByText(`${acceptedId} is yours.`).waitFor();
    expect((await api<{ owner: string }>('agent', `/cases/${acceptedId}`)).owner).toBe('demo-agent');
    // My work (the view open) lists it.
    await page.getByTestId('inbox-row').filter({ hasText: 'Cannot reset my password' }).waitFor();
    await expect.poll(() => panel.getByTestId('agent-capacity').textContent()).toContain('web: 1 of 3');

    // Another case, declined: it goes back to its queue with the agent among those who declined.
    const declinedId = await newCase('Printer shows a paper jam that is not there');
    await offer(page, declinedId).waitFor();
    await offer(page, declinedId)
      .getByRole('button', { name: `Decline the offer of ${declinedId}` })
      .click();
    await offer(page, declinedId).waitFor({ state: 'detached' });
    await panel.getByText(`Declined ${declinedId}.`).waitFor();
    expect((await api<{ declinedBy: string[]; state: string }>('supervisor', `/routing/cases/${declinedId}`)).declinedBy).toContain('demo-agent');
    expect(await page.getByTestId('inbox-row').allTextContents()).not.toContainEqual(expect.stringContaining('Printer shows a paper jam'));

    // The help dialog lists the new key.
    await page.locator('h1').click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Accept the oldest offer');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await expectAccessible(page, 'the inbox after accepting and declining');
    await screenshot(page, 'agent-inbox');
    await context.close();
  }, 60_000); // routing round trips through the bus, and five axe runs

  it('works a case: handoff brief, tasks, a file, related cases, knowledge linked as resolving, an @mention', async () => {
    expect(acceptedId).toBeDefined();
    await api('agent', `/cases/${acceptedId}/links`, {
      method: 'POST',
      body: JSON.stringify({ targetId: relatedId, kind: 'related', reason: 'Same mail problem' }),
    });
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'agent', `/inbox/cases/${acceptedId}`);
    await page.getByTestId('case-status').waitFor();

    // No brief yet: routing gave an unowned case to its first owner.
    await page.getByTestId('handoff').getByText('No handoff brief yet', { exact: false }).waitFor();

    // Related cases, each a link into the workspace.
    const related = page.getByTestId('related').getByRole('link', { name: relatedId });
    await related.waitFor();
    expect(await related.getAttribute('href')).toBe(`/inbox/cases/${relatedId}`);

    // Tasks: add one, complete it.
    const tasks = page.getByTestId('tasks');
    await tasks.getByText('No tasks yet.').waitFor();
    await tasks.getByLabel('New task').fill('Check the mail relay logs');
    await tasks.getByRole('button', { name: 'Add task' }).click();
    const task = tasks.getByTestId('task').filter({ hasText: 'Check the mail relay logs' });
    await task.waitFor();
    expect(await task.getAttribute('data-status')).toBe('open');
    await task.getByRole('button', { name: 'Complete “Check the mail relay logs”' }).click();
    await expect.poll(() => task.getAttribute('data-status')).toBe('done');
    expect((await api<{ items: { title: string; status: string }[] }>('agent', `/cases/${acceptedId}/tasks`)).items).toEqual([
      expect.objectContaining({ title: 'Check the mail relay logs', status: 'done' }),
    ]);

    // A file, through the portal's direct upload with progress.
    await page
      .getByLabel('Add a file')
      .setInputFiles({ name: 'relay.log', mimeType: 'text/plain', buffer: Buffer.from('450 4.7.1 try again later\n'.repeat(200)) });
    await page.getByText('relay.log was uploaded.').waitFor();
    await page.getByTestId('attachment').filter({ hasText: 'relay.log' }).getByRole('button', { name: 'Download relay.log' }).waitFor();

    // Knowledge: the suggestion for the case, linked as the article that resolved it.
    const knowledge = page.getByTestId('knowledge');
    await knowledge.getByText('No article linked as resolving yet.').waitFor();
    await knowledge.getByRole('button', { name: 'Link as resolving (Reset your password)' }).click();
    await knowledge.getByTestId('linked-article').filter({ hasText: 'Reset your password' }).waitFor();
    expect((await api<{ items: { articleId: string; suggestionId: string | null }[] }>('agent', `/cases/${acceptedId}/articles`)).items).toEqual([
      expect.objectContaining({ articleId, suggestionId: expect.stringMatching(/^SG-/) }),
    ]);
    await knowledge.getByText('Linked as resolving').waitFor();

    // n: an internal note; "@" and letters offer the agents; picking one writes the handle the API reads.
    await page.locator('h1').click();
    await page.keyboard.press('n');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('composer-body');
    await page.keyboard.type('Relay logs look fine, @ale');
    const pick = page.getByTestId('mention-suggestions').getByRole('button', { name: 'Mention Alex Agent (@demo-agent)' });
    await pick.waitFor();
    await expectAccessible(page, 'the composer offering mentions');
    await pick.click();
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('composer-body');
    await page.keyboard.type('can you check the DNS?');
    expect(await page.getByLabel('Message').inputValue()).toBe('Relay logs look fine, @demo-agent can you check the DNS?');
    await page.getByRole('button', { name: 'Send' }).click();
    const note = page.getByTestId('timeline-comment').filter({ hasText: 'check the DNS' });
    await note.waitFor();
    expect(await note.getByTestId('mentions').textContent()).toBe('Mentions: @demo-agent');
    const comments = (await api<{ items: { body: string; mentions: string[]; visibility: string }[] }>('agent', `/cases/${acceptedId}/comments`))
      .items;
    expect(comments.find((c) => c.body.includes('DNS'))).toMatchObject({ mentions: ['demo-agent'], visibility: 'internal' });

    // The timeline shows routing's decision with its why.
    const events = page.getByTestId('timeline-event');
    await events.filter({ hasText: 'Routing placed the case' }).first().getByText('Why').waitFor();

    // Every other event in words: the owner by name, the link with the other case as a link, the task by title, the file with its size.
    await events.filter({ hasText: 'Owner set to Alex Agent' }).first().waitFor();
    const linked = events.filter({ hasText: 'Linked as related to' });
    await linked.waitFor();
    expect(await linked.getByTestId('event-line').allTextContents()).toEqual([`Linked as related to ${relatedId}`]);
    expect(await linked.getByRole('link', { name: relatedId }).getAttribute('href')).toBe(`/inbox/cases/${relatedId}`);
    expect(await linked.textContent()).toContain('“Same mail problem”');
    await events.filter({ hasText: 'Added the task “Check the mail relay logs”' }).waitFor();
    await events.filter({ hasText: 'Completed the task “Check the mail relay logs”' }).waitFor();
    const timelineTexts = new Set(await page.getByTestId('timeline-event').allTextContents());
    await page.getByTestId('timeline-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    const attached = events.filter({ hasText: 'Attached relay.log' });
    await attached.waitFor();
    expect(await attached.getByTestId('event-line').allTextContents()).toEqual([
      expect.stringMatching(/^Attached relay\.log \(5\.1\s?kB\), visible to the requester$/),
    ]);
    await events.filter({ hasText: 'Linked the article “Reset your password” as resolving' }).waitFor();
    for (const entry of await page.getByTestId('timeline-event').allTextContents()) timelineTexts.add(entry);
    // No entry looks like JSON (the raw audit values the timeline used to print).
    expect([...timelineTexts].filter((entry) => /[{}"]/.test(entry))).toEqual([]);
    expect(timelineTexts.size).toBeGreaterThanOrEqual(7);
    // A case no SLA policy covers says so.
    expect(await page.getByTestId('case-sla').textContent()).toBe('No SLA clocks');
    await page.getByTestId('timeline-scroll').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByTestId('case-routing').getByTestId('routing-state').waitFor();
    expect(await page.getByTestId('routing-state').textContent()).toBe('Assigned');

    await expectAccessible(page, 'the case view with tasks, files, related cases, handoff, knowledge and routing');
    // Tall enough to show the side panels beside the timeline.
    await page.setViewportSize({ width: 1280, height: 1600 });
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'agent-case');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The related case, handed from the supervisor to the agent: its handoff brief, and the link back.
    const related0 = await api<{ version: number }>('supervisor', `/cases/${relatedId}`);
    await api('supervisor', `/cases/${relatedId}`, {
      method: 'PATCH',
      headers: { 'if-match': `"${related0.version}"` },
      body: JSON.stringify({ owner: 'demo-agent' }),
    });
    await related.click();
    await page.waitForURL(`**/inbox/cases/${relatedId}`);
    const handoff = page.getByTestId('handoff');
    await handoff.getByText('From').waitFor();
    expect(await handoff.textContent()).toContain('support, demo-supervisor');
    expect(await handoff.textContent()).toContain('support, demo-agent');
    // The related panel reads the links after the case: wait for it rather than count what has rendered so far.
    const back = page.getByTestId('related').getByRole('link', { name: acceptedId });
    await back.waitFor();
    expect(await back.count()).toBe(1);
    await expectAccessible(page, 'a case with its handoff brief');
    await context.close();
  }, 60_000); // some forty round trips and five axe runs while the long case's 500 comments are written beside it

  describe('with a long case', () => {
    // The 500 comments are written beside the first tests; waiting for the rest is the hook's time, not the test's.
    beforeAll(() => seeding, 180_000);

    it('opens a case with 500+ timeline entries holding only a window of rows; scrolling reads every page, the newest is a click away', async () => {
      // Every entry the API has for the case (its comments, its opening, routing's decision, the placement), page by page.
      let total = 0;
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await api<{ items: unknown[]; nextCursor?: string }>(
          'agent',
          `/cases/${longId}/history?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        total += page.items.length;
        cursor = page.nextCursor;
      }
      expect(total).toBe(LONG_COMMENTS + 3);
      const context = await harness.newContext();
      const page = await harness.signIn(context, 'agent', `/inbox/cases/${longId}`);
      const scroller = page.getByTestId('timeline-scroll');
      await scroller.waitFor();
      const rows = page.locator('[data-testid="timeline-scroll"] li');
      // The oldest entry first, and only a window of rows drawn.
      expect(await rows.first().textContent()).toContain('Opened the case');
      await page.getByTestId('timeline-comment').filter({ hasText: 'Entry 001' }).waitFor();
      expect(await rows.count()).toBeLessThan(40);
      await expectAccessible(page, 'a case with a long timeline');

      // Scroll towards the end, page after page, until every page of the history is read.
      const newest = page.getByTestId('timeline-comment').filter({ hasText: `Entry ${LONG_COMMENTS}` });
      let most = 0;
      // Each look scrolls to the end; what it saw is in the failure message should it never get there.
      await expect
        .poll(
          async () => {
            await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
            most = Math.max(most, await rows.count());
            return { count: await page.getByTestId('timeline-count').textContent(), last: (await rows.last().textContent())?.slice(-60) };
          },
          { timeout: 60_000, interval: 100 },
        )
        .toEqual(expect.objectContaining({ count: `${total} entries.` }));
      // The newest entry in view (scrolling gets there; the button does in one step).
      await page.getByRole('button', { name: 'Jump to the newest entry' }).click();
      await expect
        .poll(async () => ({ newest: await newest.count(), last: (await rows.allTextContents()).slice(-3).map((t) => t.slice(-40)) }), {
          timeout: 15_000,
        })
        .toEqual(expect.objectContaining({ newest: 1 }));
      most = Math.max(most, await rows.count());
      expect(most).toBeLessThan(40);
      // The oldest entry is gone from the DOM (virtualised), and back when scrolled to.
      expect(await page.getByText('Entry 001').count()).toBe(0);
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.getByTestId('timeline-comment').filter({ hasText: 'Entry 001' }).waitFor();
      await context.close();
    }, 90_000);
  });
});
