/**
 * The portal's index page in a real Chromium, served by the gateway: it renders (the app mounts and shows Chinese
 * text), no console error, no failed request, no Content-Security-Policy refusal, no serious or critical axe-core
 * violation; index.html is uncached while its hashed assets are immutable.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { solveCaptcha, STAFF } from '../support';
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

  it('keeps the session across a new tab with the refresh token only in the HttpOnly cookie, never in storage', async () => {
    const staff = STAFF[0]!;
    const call = (page: Page, method: string, path: string, body?: object) =>
      page.evaluate(
        async ({ method, path, body }) => {
          const r = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-session-transport': 'cookie' }, body: body ? JSON.stringify(body) : '{}' });
          return { status: r.status, body: r.status === 204 ? null : ((await r.json()) as Record<string, unknown>) };
        },
        { method, path, body },
      );
    const first = await context.newPage();
    await first.goto(`${PORTAL_URL}/`, { waitUntil: 'networkidle' });
    const login = await call(first, 'POST', '/api/v1/identity/sessions', { login: staff.username, password: staff.password, ...(await solveCaptcha('login')) });
    expect(login.status).toBe(200);
    expect(login.body).toHaveProperty('accessToken');
    expect(login.body).not.toHaveProperty('refreshToken');
    // Script on the page can see no refresh token anywhere.
    const visible = await first.evaluate(() => ({ cookie: document.cookie, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) }));
    expect(visible.cookie).not.toContain('lsc_refresh');
    expect(visible.local + visible.session).not.toMatch(/refresh|eyJ/);
    const cookies = await context.cookies(`${PORTAL_URL}/api/v1/identity/sessions/refresh`);
    expect(cookies.find((c) => c.name === 'lsc_refresh')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/identity/sessions' });

    // A new tab (same browser profile) resumes the login from the cookie.
    const second = await context.newPage();
    await second.goto(`${PORTAL_URL}/`, { waitUntil: 'networkidle' });
    const resumed = await call(second, 'POST', '/api/v1/identity/sessions/refresh');
    expect(resumed.status).toBe(200);
    expect(resumed.body).toHaveProperty('accessToken');

    expect((await call(second, 'DELETE', '/api/v1/identity/sessions')).status).toBe(204);
    expect((await context.cookies(`${PORTAL_URL}/api/v1/identity/sessions/refresh`)).find((c) => c.name === 'lsc_refresh')).toBeUndefined();
    expect((await call(first, 'POST', '/api/v1/identity/sessions/refresh')).status).toBe(204);
  });
});
