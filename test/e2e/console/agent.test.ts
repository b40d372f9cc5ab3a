/**
 * The agent's journey in a real browser against the local platform: the inbox views with SLA
 * badges, a case opened and worked by keyboard alone (next case, internal note, reply,
 * transition with its guard shown, the shortcuts dialog), an edit that meets someone else's
 * save from a second browser context and is merged, not overwritten; SLA events on the timeline
 * in words with deadlines in the viewer's time zone; SLA badges amber at
 * warn and red at breach by the clocks the API returns. axe on each page and dialog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, startConsole, type ConsoleHarness } from './support.js';

interface Clock {
  status: string;
  warnAt: string | null;
  dueAt: string | null;
}
let harness: ConsoleHarness;
const caseIds: string[] = [];

beforeAll(async () => {
  harness = await startConsole({ seedSla: true });
  for (const subject of ['Printer on floor 3 is offline', 'VPN drops every hour', 'New laptop for Jo']) {
    const created = await harness.platform.fetchAs('requester', '/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'support', subject, description: `${subject}: details`, fields: { product: 'web-app', category: 'problem' } }),
    });
    expect(created.status).toBe(201);
    caseIds.push(((await created.json()) as { caseId: string }).caseId);
  }
});
afterAll(async () => harness?.stop());

const readCase = async (id: string) =>
  (await (await harness.platform.fetchAs('agent', `/cases/${id}`)).json()) as {
    subject: string;
    status: string;
    version: number;
    owner: string | null;
    sla: { clocks: Record<string, Clock> } | null;
  };

describe('the agent workspace', () => {
  it('walks the main loop by keyboard: inbox, open, internal note, reply, transition, next case, shortcuts help', async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'agent', '/inbox');
    await page.getByText('Nothing here.').waitFor(); // my work: the agent owns nothing yet
    await expectAccessible(page, 'the inbox (empty view)');

    for (const view of ['Due soon', 'Waiting on customer']) {
      await page.getByRole('link', { name: view }).click();
      await page.locator('[data-testid="inbox-row"], .state-empty').first().waitFor();
      await expectAccessible(page, `the inbox: ${view}`);
    }
    await page.getByRole('link', { name: 'My queues' }).click();
    await expect.poll(() => page.getByTestId('inbox-row').count()).toBe(3);
    await expect.poll(() => page.getByTestId('sla-badge').count()).toBe(3);
    expect(await page.getByTestId('sla-badge').first().getAttribute('data-tone')).toBe('ok');
    await expectAccessible(page, 'the inbox');
    // Filters and sort live in the URL; a filter narrows the list, clearing it brings all back.
    await page.getByLabel('Filter by subject or case number').fill('vpn');
    await expect.poll(() => page.getByTestId('inbox-row').allTextContents()).toEqual([expect.stringContaining('VPN drops every hour')]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('vpn');
    await page.getByLabel('Filter by subject or case number').fill('');
    await page.getByLabel('Sort by').selectOption({ label: 'SLA due' });
    await expect.poll(() => page.getByTestId('inbox-row').count()).toBe(3);
    await page.locator('h1').click(); // out of the fields, so single keys are shortcuts again

    // Keyboard only from here on: j to the first case, Enter to open it.
    await page.keyboard.press('j');
    const firstId = (await page.locator('a[data-case-link]').first().getAttribute('href'))!.split('/').pop()!;
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/inbox/cases/${firstId}`);
    await page.getByTestId('case-status').waitFor();

    // The guard that blocks a step is shown with it.
    await page.getByTestId('blocked-by').first().waitFor();
    expect(await page.getByTestId('blocked-by').allTextContents()).toContain('Blocked: The case has no owner.');

    // SLA events read as words, the deadline in the viewer's locale and time zone (the harness's en-GB, Europe/Berlin).
    const dueAt = (await readCase(firstId)).sla!.clocks.firstResponse!.dueAt!;
    const berlin = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' });
    const started = page.getByTestId('sla-event').locator('[data-clock="firstResponse"][data-what="started"]');
    await started.waitFor();
    expect(await started.textContent()).toBe(`First response clock started, due ${berlin.format(new Date(dueAt))}`);
    expect(await started.locator('time').getAttribute('datetime')).toBe(dueAt);
    expect((await page.getByTestId('timeline-event').allTextContents()).filter((t) => t.includes('{'))).toEqual([]);

    // n: an internal note.
    await page.keyboard.press('n');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('composer-body');
    await page.keyboard.type('Checked the print server: queue stuck.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline-comment').filter({ hasText: 'queue stuck' }).filter({ hasText: 'Internal' }).waitFor();

    // r: a public reply.
    await page.keyboard.press('r');
    await page.keyboard.type('We are restarting the print server now.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline-comment').filter({ hasText: 'restarting the print server' }).filter({ hasText: 'Public' }).waitFor();
    // The first public reply meets the first-response clock: said so on the timeline.
    await page
      .getByTestId('sla-event')
      .locator('[data-clock="firstResponse"][data-what="met"]')
      .filter({ hasText: 'First response clock met' })
      .waitFor();

    // t: the next steps; Enter opens the first allowed one in a dialog; confirm with a reason.
    await page.keyboard.press('t');
    await expect.poll(() => page.evaluate('document.activeElement?.dataset.transition')).toBe('start_review');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'the transition dialog');
    await screenshot(page, 'agent-transition-dialog');
    await page.keyboard.type('Looking into the print server.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('In Review');
    expect((await readCase(firstId)).status).toBe('in_review');
    // The transition in words, by the states' labels, with the reason quoted.
    const moved = page.getByTestId('timeline-event').filter({ hasText: 'Moved from New to In Review' });
    await moved.waitFor();
    // Starting the review makes the agent the owner (by name, not id), and writes the handoff brief.
    expect(await moved.getByTestId('event-line').allTextContents()).toEqual([
      'Moved from New to In Review',
      'Owner set to Alex Agent',
      'Handoff brief written for the new owner or queue',
    ]);
    expect(await moved.textContent()).toContain('“Looking into the print server.”');
    await expectAccessible(page, 'the case view');

    // ?: the shortcuts, in a dialog.
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await expectAccessible(page, 'the shortcuts dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // j: the next case of the inbox list.
    await page.keyboard.press('j');
    await page.waitForURL((url) => !url.pathname.endsWith(firstId));
    expect(caseIds).toContain(page.url().split('/').pop());
    await context.close();
  }, 60_000); // a long journey: some thirty round trips and six axe runs

  it('never overwrites a change saved in between: shows both values and merges what the agent keeps', async () => {
    const id = caseIds[2]!;
    const mine = await harness.newContext();
    const theirs = await harness.newContext();
    const agentPage = await harness.signIn(mine, 'agent', `/inbox/cases/${id}`);
    const supervisorPage = await harness.signIn(theirs, 'supervisor', `/inbox/cases/${id}`);

    await agentPage.getByRole('button', { name: 'Edit fields' }).click();
    await agentPage.getByLabel('Subject').fill('New laptop for Jo (14-inch)');

    await supervisorPage.getByRole('button', { name: 'Edit fields' }).click();
    await supervisorPage.getByLabel('Subject').fill('New laptop for Jo, approved');
    await supervisorPage.getByRole('button', { name: 'Save changes' }).click();
    await supervisorPage.getByRole('button', { name: 'Edit fields' }).waitFor();
    const between = await readCase(id);
    expect(between.subject).toBe('New laptop for Jo, approved');

    await agentPage.getByRole('button', { name: 'Save changes' }).click();
    const conflict = agentPage.getByRole('alert').filter({ hasText: 'Someone changed this' });
    await conflict.waitFor();
    expect(await agentPage.getByTestId('conflict-mine').textContent()).toBe('New laptop for Jo (14-inch)');
    expect(await agentPage.getByTestId('conflict-theirs').textContent()).toBe('New laptop for Jo, approved');
    // Nothing of the agent's was written.
    expect((await readCase(id)).subject).toBe('New laptop for Jo, approved');
    await expectAccessible(agentPage, 'the edit conflict');
    await screenshot(agentPage, 'agent-conflict');

    await agentPage.getByRole('radio', { name: /New laptop for Jo \(14-inch\)/ }).check();
    await agentPage.getByRole('button', { name: 'Save my choices' }).click();
    await agentPage.getByRole('button', { name: 'Edit fields' }).waitFor();
    const after = await readCase(id);
    expect(after.subject).toBe('New laptop for Jo (14-inch)');
    expect(after.version).toBe(between.version + 1);
    await mine.close();
    await theirs.close();
  });

  it('turns SLA badges amber at the warning and red at the breach the API gave', async () => {
    const clocks = (await readCase(caseIds[1]!)).sla!.clocks;
    const running = Object.values(clocks).filter((c) => c.status === 'running' && c.dueAt && c.warnAt);
    const first = running.sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!))[0]!;
    for (const [time, tone] of [
      [Date.parse(first.warnAt!) + 60_000, 'warn'],
      [Date.parse(first.dueAt!) + 60_000, 'breach'],
    ] as const) {
      const context = await harness.newContext();
      // The browser's clock set where the API's clock says the warning and the breach fall.
      await context.clock.install({ time });
      const page = await harness.signIn(context, 'agent', `/inbox/cases/${caseIds[1]}`);
      const badge = page.getByTestId('sla-badge');
      await badge.waitFor();
      expect(await badge.getAttribute('data-tone')).toBe(tone);
      expect(await badge.getAttribute('class')).toContain(tone === 'warn' ? 'warn' : 'bad');
      await expectAccessible(page, `a case with the SLA at ${tone}`);
      await context.close();
    }
  });
});
