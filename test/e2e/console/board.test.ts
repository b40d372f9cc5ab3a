/**
 * The supervisor's board in a real browser against the local platform: queue figures (backlog,
 * breached after the demo clock passes the SLA deadlines), an agent's presence and load as routing
 * holds them, and a case reassigned and one re-prioritised through the dialog, checked through the
 * API afterwards. axe on the page and the dialog; the screenshot for the README.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, startConsole, type ConsoleHarness } from './support.js';

let harness: ConsoleHarness;
const caseIds: string[] = [];

interface ApiCase {
  caseId: string;
  queue: string;
  owner: string | null;
  priority: string;
  version: number;
}
interface ApiAgent {
  agentId: string;
  load: Record<string, number>;
  capacity: Record<string, number>;
  presence: string;
}

async function api<T>(who: Parameters<ConsoleHarness['platform']['fetchAs']>[0], path: string, init: RequestInit = {}): Promise<T> {
  const response = await harness.platform.fetchAs(who, path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  harness = await startConsole({ seedSla: true });
  const put = (path: string, body: unknown) => api('admin', path, { method: 'PUT', body: JSON.stringify(body) });
  await put('/routing/queues/support', { name: 'Support', offerTimeoutSeconds: 3600 });
  await put('/routing/queues/escalations', { name: 'Escalations', offerTimeoutSeconds: 3600 });
  await put('/routing/agents/demo-agent', { name: 'Alex Agent', skills: { webapp: 5 }, capacity: { web: 2, email: 2 } });
  for (const subject of ['VPN drops every hour', 'Invoice shows the wrong VAT', 'Cannot reset my password']) {
    const created = await api<ApiCase>('requester', '/cases', {
      method: 'POST',
      body: JSON.stringify({
        subject,
        description: 'Since Monday',
        fields: { product: 'web-app', category: 'problem', impact: 'single-user', urgency: 'low' },
      }),
    });
    caseIds.push(created.caseId);
  }
  // The agent comes online: routing offers them work, which is load on their web capacity.
  await api('agent', '/routing/agents/demo-agent/presence', { method: 'PUT', body: JSON.stringify({ presence: 'available' }) });
  // A week later by the demo clock every first-response clock has breached.
  await fetch(`${harness.platform.url}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceMinutes: 7 * 24 * 60 }),
  });
}, 120_000);
afterAll(async () => harness?.stop());

const cell = (page: Page, row: string, figure: string) => page.locator(`${row} [data-figure="${figure}"]`);

describe('the supervisor board', () => {
  it('shows queue figures and agent load, and reassigns and re-prioritises cases', async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'supervisor', '/board');
    const pageErrors: string[] = [];
    page.on('console', (m) => (m.type() === 'error' && !m.text().startsWith('Failed to load resource') ? pageErrors.push(m.text()) : undefined));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Inbox', 'Board']);

    // Queue figures: the three cases wait in the support type's queue, every one breached.
    const support = '[data-testid="queue-figures"] tr[data-queue="support"]';
    await expect.poll(() => cell(page, support, 'backlog').textContent()).toBe('3');
    expect(await cell(page, support, 'breached').textContent()).toBe('3');
    expect(await cell(page, support, 'oldest').textContent()).not.toBe('—');
    expect(await cell(page, '[data-testid="queue-figures"] tr[data-queue="escalations"]', 'backlog').textContent()).toBe('0');

    // The agent's load is what routing holds for them.
    const agent = await api<ApiAgent>('supervisor', '/routing/agents/demo-agent');
    const used = Object.values(agent.load).reduce((a, b) => a + b, 0);
    expect(used).toBeGreaterThan(0);
    const agentRow = '[data-testid="agent-load"] tr[data-agent="demo-agent"]';
    expect(await cell(page, agentRow, 'load').textContent()).toContain(`${used} of 4`);
    expect(await cell(page, agentRow, 'free').textContent()).toBe(String(4 - used));
    expect(await page.getByLabel('Presence of Alex Agent').inputValue()).toBe('available');

    // Escalations to act on: the breached cases.
    expect(await page.getByTestId('escalations').locator('li').count()).toBe(3);
    await expectAccessible(page, 'the supervisor board');
    await screenshot(page, 'board');

    // Reassign the first case to the escalations queue, with the supervisor's reason.
    const [first, second] = caseIds as [string, string];
    await page
      .getByRole('button', { name: `Reassign or re-prioritise ${first}` })
      .first()
      .click();
    const dialog = page.getByRole('dialog', { name: `Reassign or re-prioritise ${first}` });
    await dialog.waitFor();
    await expectAccessible(page, 'the reassign dialog');
    await dialog.getByLabel('Queue').selectOption('escalations');
    await dialog.getByLabel('Owner').selectOption('demo-agent');
    await dialog.getByLabel('Reason').fill('Breached: taking it over');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'updated' }).textContent()).toBe(`${first} updated.`);
    const moved = await api<ApiCase>('supervisor', `/cases/${first}`);
    expect({ queue: moved.queue, owner: moved.owner }).toEqual({ queue: 'escalations', owner: 'demo-agent' });
    await expect.poll(() => cell(page, '[data-testid="queue-figures"] tr[data-queue="escalations"]', 'backlog').textContent()).toBe('1');

    // Re-prioritise the second, by keyboard: open with Enter, choose, submit.
    await page
      .getByRole('button', { name: `Reassign or re-prioritise ${second}` })
      .first()
      .focus();
    await page.keyboard.press('Enter');
    const dialog2 = page.getByRole('dialog', { name: `Reassign or re-prioritise ${second}` });
    await dialog2.waitFor();
    await dialog2.getByLabel('Priority').selectOption('urgent');
    await dialog2.getByLabel('Reason').fill('Customer is blocked');
    await dialog2.getByLabel('Reason').press('Enter');
    await dialog2.waitFor({ state: 'detached' });
    await expect.poll(async () => (await api<ApiCase>('supervisor', `/cases/${second}`)).priority).toBe('urgent');
    // Most urgent first: the re-prioritised case now heads the open cases.
    await expect.poll(() => page.getByTestId('open-cases').locator('tbody tr').first().getAttribute('data-case')).toBe(second);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the problem when a case changed meanwhile, and changes nothing', async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'supervisor', '/board');
    const third = caseIds[2]!;
    await page
      .getByRole('button', { name: `Reassign or re-prioritise ${third}` })
      .first()
      .click();
    const dialog = page.getByRole('dialog', { name: `Reassign or re-prioritise ${third}` });
    await dialog.waitFor();
    // Someone else changes the case after the board read it.
    const before = await api<ApiCase>('supervisor', `/cases/${third}`);
    await api('admin', `/cases/${third}`, {
      method: 'PATCH',
      headers: { 'if-match': `"${before.version}"` },
      body: JSON.stringify({ priority: 'high', reason: 'meanwhile' }),
    });
    await dialog.getByLabel('Priority').selectOption('low');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/changed|version|precondition/i);
    expect((await api<ApiCase>('supervisor', `/cases/${third}`)).priority).toBe('high');
    await context.close();
  });

  it("shows the API's problem, not a broken page, to someone routing does not answer", async () => {
    const context = await harness.newContext();
    const page = await harness.signIn(context, 'requester', '/board');
    // The requester has no board in their navigation; typed in, each section shows the API's 403 as its error state.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['My cases', 'Open a case']);
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('heading', { name: 'Agents' }).locator('..').getByRole('alert').textContent()).toMatch(
      /forbidden|may not|not allowed|staff/i,
    );
    await expectAccessible(page, "the board's error states");
    await context.close();
  });
});
