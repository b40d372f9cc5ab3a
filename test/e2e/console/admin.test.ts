/**
 * The admin studio in a real browser against the local platform: a case type's workflow drawn by
 * Mermaid (an SVG naming every state), a draft edited with its diagram following live and
 * published as the next version; a routing ruleset published and the tester showing which rule
 * fires and why; a queue and an agent edited. Every change is checked through the API afterwards.
 * axe on each page and dialog; screenshots for the README.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, startConsole, type ConsoleHarness } from './support.js';

let harness: ConsoleHarness;
let page: Page;
/** What React and the page reported as errors (a duplicate key, an uncaught exception): none is expected. */
const pageErrors: string[] = [];

async function api<T>(path: string, init: RequestInit = {}, who: 'admin' | 'requester' = 'admin'): Promise<T> {
  const response = await harness.platform.fetchAs(who, path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  harness = await startConsole({ seedSla: true });
  await api('/routing/queues/general', { method: 'PUT', body: JSON.stringify({ name: 'General', offerTimeoutSeconds: 60 }) });
  await api('/routing/agents/demo-agent', {
    method: 'PUT',
    body: JSON.stringify({ name: 'Alex Agent', skills: { webapp: 5 }, capacity: { web: 2 } }),
  });
  // One case on version 1 of the support type, so the versions table has a count to show.
  await api(
    '/cases',
    {
      method: 'POST',
      body: JSON.stringify({
        subject: 'Printer offline',
        description: 'Since today',
        fields: { product: 'web-app', category: 'problem', impact: 'single-user', urgency: 'low' },
      }),
    },
    'requester',
  );
  const context = await harness.newContext();
  page = await harness.signIn(context, 'admin', '/admin');
  // "Failed to load resource" is the browser noting an API answer such as the 404 of "no rules published yet", which the page shows.
  page.on('console', (m) => (m.type() === 'error' && !m.text().startsWith('Failed to load resource') ? pageErrors.push(m.text()) : undefined));
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);
afterAll(async () => harness?.stop());

const diagramText = (where: Page | ReturnType<Page['locator']>) => where.locator('[data-testid="workflow-diagram"] svg').first().textContent();

describe('the admin studio', () => {
  it('opens a case type with its workflow drawn, and publishes a draft as the next version', async () => {
    await page.waitForURL(/\/admin\/case-types$/);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Inbox', 'Board', 'Admin']);
    await page.getByRole('link', { name: 'Customer support' }).waitFor();
    await expectAccessible(page, 'the case types list');
    await page.getByRole('link', { name: 'Customer support' }).click();
    await page.waitForURL(/\/admin\/case-types\/support$/);

    // The workflow as an SVG that names each state of the API's transit map.
    const workflow = await api<{ states: { label: string }[] }>('/case-types/support/workflow');
    const diagram = page.locator('[data-testid="workflow-diagram"] svg').first();
    await diagram.waitFor();
    expect(await diagram.getAttribute('role')).toBe('img');
    const drawn = (await diagramText(page)) ?? '';
    for (const state of workflow.states) expect(drawn).toContain(state.label);
    expect(await page.locator('[data-testid="type-versions"] tr[data-version="1"] [data-figure="cases"]').textContent()).toBe('1');
    // Dates in the viewer's locale and time zone (the browser context is en-GB in Europe/Berlin).
    const v1 = (await api<{ items: { version: number; publishedAt: string }[] }>('/case-types/support/versions')).items[0]!;
    const inBerlin = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(
      new Date(v1.publishedAt),
    );
    expect(await page.locator('[data-testid="type-versions"] tr[data-version="1"] time').textContent()).toBe(inBerlin);
    await expectAccessible(page, 'a case type');
    await screenshot(page, 'admin-case-type');

    // Rename a state in the draft: the draft's diagram follows before anything is published.
    const editor = page.getByLabel('Next version (JSON)');
    const draft = JSON.parse(await editor.inputValue()) as { workflow: { states: { id: string; label: string }[] } };
    // A label carrying markup is drawn as text: Mermaid's strict security level lets no element or handler through.
    const blocked = draft.workflow.states.find((s) => s.id === 'blocked')!;
    blocked.label = '<img src=x onerror="window.pwned=1">Blocked<script>window.pwned=2</script>';
    await editor.fill(JSON.stringify(draft, null, 2));
    const draftHost = page.locator('[data-testid="workflow-diagram"]').nth(1);
    await expect.poll(() => draftHost.locator('svg').textContent()).toContain('Blocked');
    expect(await draftHost.locator('img, script, [onerror]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    draft.workflow.states.find((s) => s.id === 'blocked')!.label = 'Blocked by a third party';
    await editor.fill(JSON.stringify(draft, null, 2));
    const draftDiagram = page.locator('[data-testid="workflow-diagram"]').nth(1);
    await expect.poll(() => draftDiagram.locator('svg').textContent()).toContain('Blocked by a third party');

    await page.getByRole('button', { name: 'Publish as the next version' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'published' }).textContent()).toBe('Version 2 published.');
    const published = await api<{ version: number; workflow: { states: { id: string; label: string }[] } }>('/case-types/support');
    expect(published.version).toBe(2);
    expect(published.workflow.states.find((s) => s.id === 'blocked')?.label).toBe('Blocked by a third party');
    // The page now shows version 2 and its diagram; the existing case still runs version 1.
    await expect.poll(() => diagramText(page)).toContain('Blocked by a third party');
    await expect.poll(() => page.locator('[data-testid="type-versions"] tr[data-version="2"] [data-figure="cases"]').textContent()).toBe('0');
    expect(await page.locator('[data-testid="type-versions"] tr[data-version="1"] [data-figure="cases"]').textContent()).toBe('1');
  });

  it('publishes a routing ruleset and its tester shows which rule fires and why', async () => {
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Routing rules' }).click();
    await page.getByText('No routing rules are published').waitFor();
    const ruleset = {
      defaultQueue: 'general',
      rules: [
        {
          id: 'vip-first',
          description: 'VIPs jump the line',
          when: { all: [{ fact: 'vip', operator: 'equal', value: true }] },
          then: { queue: 'vip-desk', priority: 'high' },
        },
        {
          id: 'email-support',
          when: {
            all: [
              { fact: 'type', operator: 'equal', value: 'support' },
              { fact: 'channel', operator: 'equal', value: 'email' },
            ],
          },
          then: { queue: 'general', skills: [{ skill: 'webapp', level: 3 }] },
        },
      ],
    };
    // A rule testing a fact routing does not have: the API's problem names the field and rule, and nothing is published.
    const broken = { rules: [{ id: 'bad', when: { all: [{ fact: 'mood', operator: 'equal', value: 'angry' }] }, then: { queue: 'general' } }] };
    await page.getByLabel('Next ruleset (JSON)').fill(JSON.stringify(broken));
    await page.getByRole('button', { name: 'Publish the ruleset' }).click();
    const problem = page.getByRole('alert').filter({ hasText: 'rules.0.when' });
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/fact/);
    expect((await harness.platform.fetchAs('admin', '/routing/rules')).status).toBe(404);

    await page.getByLabel('Next ruleset (JSON)').fill(JSON.stringify(ruleset, null, 2));
    await page.getByRole('button', { name: 'Publish the ruleset' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'published' }).textContent()).toBe('Ruleset version 1 published.');
    const inForce = await api<{ version: number; rules: { id: string }[] }>('/routing/rules');
    expect({ version: inForce.version, rules: inForce.rules.map((r) => r.id) }).toEqual({ version: 1, rules: ['vip-first', 'email-support'] });
    await page.getByTestId('routing-rules').waitFor();

    // A VIP email: the first rule fires (and stops), with the condition that held and the value seen.
    await page.getByLabel('Channel').selectOption('email');
    await page.getByLabel('VIP').check();
    await page.getByRole('button', { name: 'Test the rules' }).click();
    await expect.poll(() => page.getByTestId('fired-rule').textContent()).toBe('Rule vip-first fires');
    expect(await page.getByTestId('why').textContent()).toBe('vip equal true (the case has true)');
    expect(await page.getByTestId('tester-result').textContent()).toContain('queue vip-desk, priority high');
    await expectAccessible(page, 'the routing rules and tester');
    await page.getByTestId('tester-result').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-routing');

    // Not a VIP: the chain reaches the second rule.
    await page.getByLabel('VIP').uncheck();
    await page.getByRole('button', { name: 'Test the rules' }).click();
    await expect.poll(() => page.getByTestId('fired-rule').textContent()).toBe('Rule email-support fires');
    expect(await page.getByTestId('why').locator('li').allTextContents()).toEqual([
      'type equal support (the case has support)',
      'channel equal email (the case has email)',
    ]);

    // A real case routed under the ruleset: its facts load into the tester, beside the decision the API recorded.
    const routed = await api<{ caseId: string }>(
      '/cases',
      {
        method: 'POST',
        body: JSON.stringify({
          subject: 'Mail bounces',
          description: 'Every time',
          fields: { product: 'web-app', category: 'problem', impact: 'single-user', urgency: 'low' },
        }),
      },
      'requester',
    );
    await expect
      .poll(
        async () => (await api<{ items: { routing?: unknown }[] }>(`/cases/${routed.caseId}/history`)).items.some((e) => e.routing !== undefined),
        { timeout: 15_000 },
      )
      .toBe(true);
    await page.getByLabel('Load the facts of a case').fill(routed.caseId);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await page.getByText('Routing decisions the API recorded for this case').waitFor();
    expect(await page.getByLabel('Channel').inputValue()).toBe('web');
    await page.getByRole('button', { name: 'Test the rules' }).click();
    await expect
      .poll(() => page.getByTestId('fired-rule').textContent())
      .toBe('No rule fires: the case goes to the default queue (or stays where it is).');
    await expectAccessible(page, 'the tester with a loaded case');
  });

  it('edits a queue and an agent through their dialogs', async () => {
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('button', { name: 'Edit queue general' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit queue general' });
    await dialog.waitFor();
    await expectAccessible(page, 'the queue dialog');
    await dialog.getByLabel('Offer timeout (seconds)').fill('120');
    await dialog.getByLabel('Overflow to queue').fill('vip-desk');
    await dialog.getByLabel('Overflow after (seconds)').fill('900');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-testid="queues"] tr[data-queue="general"] [data-figure="timeout"]').textContent()).toBe('120');
    const queue = (
      await api<{ items: { queueId: string; offerTimeoutSeconds: number; overflow?: unknown; version: number }[] }>('/routing/queues')
    ).items.find((q) => q.queueId === 'general');
    expect(queue).toMatchObject({ offerTimeoutSeconds: 120, overflow: { queue: 'vip-desk', afterSeconds: 900 }, version: 2 });
    await expectAccessible(page, 'the queues page');
    await screenshot(page, 'admin-queues');

    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Agents and skills' }).click();
    await page.getByRole('button', { name: 'Edit agent Alex Agent' }).click();
    const agentDialog = page.getByRole('dialog', { name: 'Edit agent Alex Agent' });
    await agentDialog.getByLabel('Skills').fill('webapp = 5\nnot a skill');
    await agentDialog.getByRole('button', { name: 'Save' }).click();
    await agentDialog.getByText('“not a skill” is not name = number.').waitFor();
    await agentDialog.getByLabel('Skills').fill('webapp = 5\nbilling = 7');
    await agentDialog.getByRole('button', { name: 'Save' }).click();
    await agentDialog.waitFor({ state: 'detached' });
    const agent = await api<{ skills: Record<string, number> }>('/routing/agents/demo-agent');
    expect(agent.skills).toEqual({ webapp: 5, billing: 7 });
    await expect
      .poll(() => page.locator('[data-testid="agents"] tr[data-agent="demo-agent"] [data-figure="skills"]').textContent())
      .toBe('webapp 5, billing 7');
  });

  it("shows SLA policies, calendars and the deadlines the API set, and publishes a policy's next version", async () => {
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'SLA' }).click();
    await page.getByTestId('sla-policies').waitFor();
    const policies = (await api<{ items: { name: string }[] }>('/sla/policies')).items;
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) expect(await page.getByTestId('sla-policies').textContent()).toContain(policy.name);
    await page.getByTestId('sla-calendars').waitFor();
    await page.getByRole('columnheader', { name: 'Due' }).first().waitFor();
    await expectAccessible(page, 'the SLA page');
    await screenshot(page, 'admin-sla');

    // Publish the next version of a policy: warn at 80 % instead.
    const first = (await api<{ items: { policyId: string; name: string; version: number }[] }>('/sla/policies')).items[0]!;
    await page.getByRole('button', { name: `Edit ${first.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Publish the next version of ${first.name}` });
    await dialog.waitFor();
    await expectAccessible(page, 'the SLA policy dialog');
    const editor = dialog.getByLabel(`Version ${first.version + 1} (JSON)`);
    await editor.fill(JSON.stringify({ ...(JSON.parse(await editor.inputValue()) as object), warningPercent: 80 }, null, 2));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'published' }).textContent())
      .toBe(`${first.name}: version ${first.version + 1} published.`);
    expect(await api<{ version: number; warningPercent: number }>(`/sla/policies/${first.policyId}`)).toMatchObject({
      version: first.version + 1,
      warningPercent: 80,
    });
    // Nothing of the routing page was left behind on this one (two siblings once shared a key, and React kept stale DOM).
    expect(await page.getByLabel('Next ruleset (JSON)').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("previews where a policy's deadlines fall: a Friday-evening start lands on Monday, shown in the viewer's time zone, with the calendar's reasons", async () => {
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'SLA' }).click();
    const form = page.getByTestId('sla-preview');
    await form.waitFor();
    await form.getByLabel('Policy').selectOption({ label: 'Support: Basic' });
    await form.getByLabel('Calendar').selectOption({ label: 'London office hours' });
    // The browser is in Europe/Berlin: 19:00 there on Friday 27 November is 18:00 in London, after hours.
    await form.getByLabel('Case opened at (your time)').fill('2026-11-27T19:00');
    await form.getByRole('button', { name: 'Preview the deadlines' }).click();
    const result = page.getByTestId('sla-preview-result');
    await result.waitFor();

    const expected = await api<{ clocks: Record<string, { warnAt: string; dueAt: string }> }>('/sla/preview', {
      method: 'POST',
      body: JSON.stringify({ policyId: 'support-basic', calendarId: 'london-office', start: '2026-11-27T18:00:00Z' }),
    });
    expect(expected.clocks.firstResponse!.dueAt.slice(0, 10)).toBe('2026-11-30'); // Monday
    const inBerlin = (iso: string) =>
      new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(new Date(iso));
    for (const [clock, { warnAt, dueAt }] of Object.entries(expected.clocks)) {
      const row = result.locator(`tr[data-clock="${clock}"]`);
      expect(await row.locator('[data-figure="due"] time').getAttribute('datetime')).toBe(dueAt);
      expect(await row.locator('[data-figure="due"]').textContent()).toBe(inBerlin(dueAt));
      expect(await row.locator('[data-figure="warn"]').textContent()).toBe(inBerlin(warnAt));
    }
    expect(await result.locator('tr[data-clock="firstResponse"] [data-figure="due"]').textContent()).toBe('30 Nov 2026, 18:00');
    // The reasons, day by day: the weekend has no working hours, Monday gives its eight.
    await result.getByText(/Why: the calendar day by day/).click();
    expect(await result.locator('li[data-date="2026-11-28"]').textContent()).toContain('not a working day');
    expect(await result.locator('li[data-date="2026-11-30"]').textContent()).toContain('480 business min counted');
    await expectAccessible(page, 'the SLA deadline preview');
    await screenshot(page, 'admin-sla-preview');

    // A bad start is the API's problem, shown at the form: nothing is guessed in the browser.
    await form.getByLabel('Case opened at (your time)').fill('');
    await form.getByRole('button', { name: 'Preview the deadlines' }).click();
    await page.getByRole('alert').filter({ hasText: 'body.start' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
