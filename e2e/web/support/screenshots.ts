import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from '../../support';
import { seriousA11yViolations } from './axe';

export const SCREENSHOT_DIR = join(REPO, 'docs', 'screenshots');
export const VIEWPORTS = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } } as const;

/**
 * Captures the page at desktop and phone width into docs/screenshots/<name>-desktop.png and -phone.png, runs axe-core
 * at each width, and returns the serious/critical violations found (empty when the page passes). Ends at desktop.
 */
export async function captureAtBothWidths(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const violations: string[] = [];
  for (const [width, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    // Let Element Plus re-lay out (menus collapse, tables scroll) before the picture.
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
    violations.push(...(await seriousA11yViolations(page, `${name} (${width})`)));
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  return violations;
}
