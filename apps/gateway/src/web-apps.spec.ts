import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLOSED_PORT_URL, startGateway, type RunningGateway } from './testing/gateway-harness';

const PORTAL_INDEX = '<!doctype html><html lang="zh-CN"><head><script type="module" src="/assets/index-3f9a1c.js"></script></head><body><div id="app">portal</div></body></html>';
const CONSOLE_INDEX = '<!doctype html><html lang="zh-CN"><head><script type="module" src="/console/assets/index-77aa01.js"></script></head><body>console</body></html>';
const PORTAL_JS = `console.log(${JSON.stringify('门户'.repeat(200))});`;

/** A Vite-shaped build: index.html, hashed files under assets/ (one with a .gz sibling), a favicon. */
function build(dir: string, index: string, asset: string, withGzip: boolean): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), index);
  writeFileSync(join(dir, 'assets', asset), PORTAL_JS);
  if (withGzip) writeFileSync(join(dir, 'assets', `${asset}.gz`), gzipSync(PORTAL_JS));
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const services = { IDENTITY_URL: CLOSED_PORT_URL, MEMBERSHIP_URL: CLOSED_PORT_URL, BILLING_URL: CLOSED_PORT_URL, NOTIFICATION_URL: CLOSED_PORT_URL };

describe('gateway serving the built front-ends', () => {
  let dir: string;
  let gw: RunningGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lsc-web-'));
    build(join(dir, 'portal'), PORTAL_INDEX, 'index-3f9a1c.js', true);
    build(join(dir, 'console'), CONSOLE_INDEX, 'index-77aa01.js', false);
    // A per-client limit of 2 a minute: the pages must not count against it.
    gw = await startGateway({ ...services, PORTAL_DIR: join(dir, 'portal'), CONSOLE_DIR: join(dir, 'console'), RATE_LIMIT_PER_MINUTE: '2' });
  });

  afterAll(async () => {
    await gw?.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the portal at / with index.html never cached and a CSP without inline scripts', async () => {
    const response = await fetch(`${gw.url}/`, { headers: html });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(await response.text()).toBe(PORTAL_INDEX);
  });

  it('serves hashed assets as immutable for a year, pre-compressed when the client accepts gzip', async () => {
    const plain = await fetch(`${gw.url}/assets/index-3f9a1c.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/javascript/);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await plain.text()).toBe(PORTAL_JS);

    // fetch decodes the body itself and hides the header, so the check goes through the raw node:http client.
    const { request } = await import('node:http');
    const raw = await new Promise<{ status?: number; encoding?: string; length: number }>((resolve, reject) => {
      request(`${gw.url}/assets/index-3f9a1c.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        let length = 0;
        res.on('data', (c: Buffer) => (length += c.length));
        res.on('end', () => resolve({ status: res.statusCode, encoding: res.headers['content-encoding'], length }));
      })
        .on('error', reject)
        .end();
    });
    expect(raw).toEqual({ status: 200, encoding: 'gzip', length: gzipSync(PORTAL_JS).length });
  });

  it('answers deep links of the portal with index.html (SPA fallback), uncached', async () => {
    for (const path of ['/login', '/applications/0b8a3c1e-5f0e-4c1a-9a55-7d6f1b2c3d4e/payment', '/orders?tab=invoices']) {
      const response = await fetch(`${gw.url}${path}`, { headers: html });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(PORTAL_INDEX);
    }
  });

  it('serves the console under /console/, with its own fallback and a redirect from /console', async () => {
    const index = await fetch(`${gw.url}/console/`, { headers: html });
    expect(await index.text()).toBe(CONSOLE_INDEX);
    const deep = await fetch(`${gw.url}/console/applications/42`, { headers: html });
    expect(await deep.text()).toBe(CONSOLE_INDEX);
    const asset = await fetch(`${gw.url}/console/assets/index-77aa01.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const bare = await fetch(`${gw.url}/console`, { headers: html, redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
  });

  it('keeps the JSON 404 for the API, operations paths, missing files and requests not asking for HTML', async () => {
    for (const [path, headers] of [
      ['/api/v1/nothing-here', html],
      ['/api/nope', html],
      ['/health/nope', html],
      ['/assets/index-000000.js', html],
      ['/login', { accept: 'application/json' }],
    ] as const) {
      const response = await fetch(`${gw.url}${path}`, { headers });
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { code: string; message: string };
      expect(body.code).toBe('NOT_FOUND');
      expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    const post = await fetch(`${gw.url}/login`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
  });

  it('never serves a file outside the build', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    for (const path of ['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await fetch(`${gw.url}${path}`, { headers: { accept: '*/*' } });
      expect(await response.text()).not.toBe('secret');
    }
  });

  it('does not count page loads against the per-client API limit', async () => {
    for (let i = 0; i < 6; i++) expect((await fetch(`${gw.url}/assets/index-3f9a1c.js`)).status).toBe(200);
  });
});

describe('gateway without a built front-end', () => {
  it('answers every page with the JSON 404 and still proxies the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lsc-web-empty-'));
    const gw = await startGateway({ ...services, PORTAL_DIR: join(dir, 'portal'), CONSOLE_DIR: join(dir, 'console') });
    try {
      const page = await fetch(`${gw.url}/login`, { headers: html });
      expect(page.status).toBe(404);
      expect(((await page.json()) as { code: string }).code).toBe('NOT_FOUND');
      expect((await fetch(`${gw.url}/api/v1/identity/captcha`)).status).toBe(502);
    } finally {
      await gw.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to the portal for /console/ pages while the console is not built', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lsc-web-portal-only-'));
    build(join(dir, 'portal'), PORTAL_INDEX, 'index-3f9a1c.js', false);
    const gw = await startGateway({ ...services, PORTAL_DIR: join(dir, 'portal'), CONSOLE_DIR: join(dir, 'console') });
    try {
      const page = await fetch(`${gw.url}/console/`, { headers: html });
      expect(await page.text()).toBe(PORTAL_INDEX);
    } finally {
      await gw.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
