/**
 * The browser tests' harness: the local platform (in memory, on a free port), the web console
 * built once per set of sources (lib/local/web-build.ts), Debian's Chromium driven by
 * playwright-core, sign-in as a demo user through the real authorize page, axe-core on what
 * is on screen, and screenshots into docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { AxeResults, NodeResult, Result } from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import { DEMO_USERS, type DemoUserKey } from '#lib/local/dev-issuer.js';
import { ensureWebBuilt } from '#lib/local/web-build.js';
import type { PlatformOptions } from '#lib/local/platform.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
export const PHONE = { width: 390, height: 844 } as const;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsoleHarness {
  readonly platform: TestPlatform;
  readonly browser: Browser;
  /** A fresh browser context (own storage, so own sign-in), at a desktop size unless told. */
  newContext(options?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
  /** Opens `path`, is sent to the dev sign-in, picks `user`, and is back on `path` signed in. */
  signIn(context: BrowserContext, user: DemoUserKey, path?: string): Promise<Page>;
  stop(): Promise<void>;
}

/** How long a page may take to show what a test waits for: Playwright's waits and expect.poll alike. */
export const WAIT_MS = 10_000;

export async function startConsole(options: PlatformOptions = {}): Promise<ConsoleHarness> {
  // expect.poll's own default (1 s) failed polls on a loaded machine that Playwright's waits (WAIT_MS) passed.
  vi.setConfig({ expect: { poll: { timeout: WAIT_MS, interval: 50 } } });
  await ensureWebBuilt();
  const platform = await startTestPlatform(options);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  } catch (error) {
    await platform.stop();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  return {
    platform,
    browser,
    async newContext({ viewport = { width: 1280, height: 800 } } = {}) {
      const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
      context.setDefaultTimeout(WAIT_MS);
      contexts.push(context);
      return context;
    },
    async signIn(context, user, path = '/') {
      const page = await context.newPage();
      await page.goto(`${platform.url}${path}`);
      await page.waitForURL(/\/_oidc\/authorize/);
      await page.getByRole('button', { name: new RegExp(DEMO_USERS[user].name) }).click();
      await page.getByTestId('signed-in-user').waitFor();
      expect(await page.getByTestId('signed-in-user').textContent()).toBe(DEMO_USERS[user].name);
      return page;
    },
    async stop() {
      await Promise.allSettled(contexts.map((context) => context.close()));
      await browser.close().catch(() => undefined);
      await platform.stop();
    },
  };
}

/** axe-core on the page as it is now: no serious or critical finding (the bar). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results: AxeResults = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((violation: Result) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(
    bad.map((v: Result) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n: NodeResult) => n.target.join(' ')).join('; ')}`),
    `axe findings on ${what}`,
  ).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: false });
}
