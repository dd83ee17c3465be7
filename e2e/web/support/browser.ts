/**
 * Chromium for the browser suite: Debian's /usr/bin/chromium (no browser download exists on these machines) driven by
 * playwright-core, each run with a fresh profile so no cookie, cache or service worker carries over.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { BASE } from '../../support';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The portal's origin: the gateway itself (same origin as /api/v1). */
export const PORTAL_URL = (process.env.PORTAL_URL ?? BASE).replace(/\/+$/, '');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface RunningBrowser {
  /** A new isolated context (own cookies) with Chinese locale and Shanghai time, as the portal's users have. */
  newContext(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * launchPersistentContext is the only way to give Chromium a user-data-dir; that first context stays unused, and the
 * tests work in fresh contexts of the same browser.
 */
export async function launchChromium(): Promise<RunningBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'lsc-chromium-'));
  const persistent = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const browser = persistent.browser();
  if (!browser) throw new Error('Chromium started without a browser handle');
  return {
    newContext: (options) => browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 768 }, ...options }),
    async close() {
      await persistent.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Collects what would show up red in DevTools: console errors, uncaught exceptions, failed requests and CSP refusals.
 * `expected` lets a test allow a message it provokes on purpose (e.g. the 401 of a wrong password).
 */
export function watchProblems(page: Page): { problems: string[]; allow(pattern: RegExp): void } {
  const problems: string[] = [];
  const allowed: RegExp[] = [];
  const add = (text: string) => {
    if (!allowed.some((a) => a.test(text))) problems.push(text);
  };
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') add(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => add(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A navigation away aborts what was in flight; that is not a defect.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') add(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  return { problems, allow: (pattern) => void allowed.push(pattern) };
}
