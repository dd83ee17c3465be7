/**
 * The portal's index page in a real Chromium, served by the gateway: it renders (the app mounts and shows Chinese
 * text), no console error, no failed request, no Content-Security-Policy refusal, no serious or critical axe-core
 * violation; index.html is uncached while its hashed assets are immutable.
 */
import type { BrowserContext } from 'playwright-core';
import { launchChromium, PORTAL_URL, seriousA11yViolations, watchProblems, type RunningBrowser } from './support';

describe('portal smoke (Chromium)', () => {
  let chromium: RunningBrowser;
  let context: BrowserContext;

  beforeAll(async () => {
    chromium = await launchChromium();
    context = await chromium.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await chromium?.close();
  });

  it('renders the index page without console errors and passes axe-core', async () => {
    const page = await context.newPage();
    const watch = watchProblems(page);
    const assets: Array<{ url: string; cacheControl?: string }> = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/assets/')) assets.push({ url: r.url(), cacheControl: r.headers()['cache-control'] });
    });
    const response = await page.goto(`${PORTAL_URL}/`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cache-control']).toBe('no-cache');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    // The app mounted: the root has rendered content with Chinese text, not just the empty mount point.
    const text = await page.locator('#app').innerText();
    expect(text).toMatch(/[\u4e00-\u9fff]{2,}/);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect([a.url, a.cacheControl]).toEqual([a.url, 'public, max-age=31536000, immutable']);
    expect(watch.problems).toEqual([]);
    expect(await seriousA11yViolations(page, 'portal /')).toEqual([]);
  });

  it('answers a deep link and a reload with the app (SPA fallback), not a 404', async () => {
    const page = await context.newPage();
    const watch = watchProblems(page);
    const response = await page.goto(`${PORTAL_URL}/login`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('#app').innerText()).toMatch(/[\u4e00-\u9fff]{2,}/);
    expect(watch.problems).toEqual([]);
  });
});
