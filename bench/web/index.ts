/**
 * npm run bench -- web: Lighthouse 12 (the npm package, on Debian's Chromium) on the portal's 登录 and 注册 pages and on
 * 支付信息, against the gateway of the running stack (BENCH_URL, default http://127.0.0.1:3000; brought up the way the
 * e2e suites do when nothing answers there).
 *
 * - ours: Largest Contentful Paint of the portal's login page (ms, Lighthouse's default simulated mobile throttling).
 * - baseline: LCP of a plain static HTML page with the portal's font stack and a heading and paragraph of Chinese text,
 *   no script, served by the same gateway in the same run (written next to the portal's build for the run, removed
 *   after). ratio = baseline / ours: 1 means the portal paints as fast as a static page.
 * - per page: LCP, performance and accessibility scores; first_page_js_gzip_kb: every script the login page loads,
 *   fetched again and gzipped here (level 9), summed.
 * Targets (issue #22): ratio ≥ 0.5, performance ≥ 90, accessibility ≥ 95, first-page JS ≤ 250 KB gzip.
 * Lighthouse's simulated throttling scales the main-thread work it observed, so a busy machine (load average well
 * above the core count) inflates the portal's LCP and TBT while the script-free baseline barely moves: compare runs
 * made on a quiet machine; load_average_1m is printed with the result.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { round } from '../common';

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..', '..');
const BASE = (process.env.BENCH_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const PORTAL_DIST = join(REPO, 'dist', 'apps', 'portal');
const BASELINE_FILE = 'bench-baseline.html';

interface PageResult {
  page: string;
  url: string;
  lcp_ms: number;
  performance: number;
  accessibility: number;
}

interface Lhr {
  finalDisplayedUrl: string;
  categories: { performance: { score: number | null }; accessibility: { score: number | null } };
  audits: Record<string, { numericValue?: number; details?: { items?: Array<{ url: string; resourceType?: string }> } }>;
}

/** The portal's own font stack, read from its stylesheet so the baseline keeps the same fonts. */
function portalFontFamily(): string {
  const css = readFileSync(join(REPO, 'apps', 'portal', 'src', 'styles.css'), 'utf8');
  return /font-family:\s*([^;]+);/.exec(css)?.[1]?.trim() ?? 'sans-serif';
}

function baselinePage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>中国图书馆学会 单位会员 — 基准页</title>
<style>body{margin:0;font-family:${portalFontFamily()};color:#222;background:#f5f6f8}main{max-width:420px;margin:48px auto;padding:32px;background:#fff;border-radius:8px}h1{font-size:22px;color:#8b2500}p{line-height:1.8}</style>
</head><body><main><h1>中国图书馆学会 单位会员登录</h1>
<p>使用注册时的用户名、手机号或电子邮箱登录，办理单位会员入会申请、缴纳会费、下载电子发票与会员证书。</p></main></body></html>`;
}

async function lighthouse(url: string, outDir: string, name: string): Promise<Lhr> {
  const out = join(outDir, `${name}.json`);
  const bin = join(REPO, 'node_modules', 'lighthouse', 'cli', 'index.js');
  await run(process.execPath, [bin, url, '--quiet', '--output=json', `--output-path=${out}`, '--only-categories=performance,accessibility', '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync'], {
    env: { ...process.env, CHROME_PATH },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as Lhr;
}

const summary = (page: string, url: string, lhr: Lhr): PageResult => ({
  page,
  url: lhr.finalDisplayedUrl ?? url,
  lcp_ms: round(lhr.audits['largest-contentful-paint']?.numericValue ?? NaN, 0),
  performance: Math.round((lhr.categories.performance.score ?? 0) * 100),
  accessibility: Math.round((lhr.categories.accessibility.score ?? 0) * 100),
});

/** Every script the page loaded, fetched again and gzipped: the size a browser downloads over gzip. */
async function scriptsGzipBytes(lhr: Lhr): Promise<number> {
  const scripts = (lhr.audits['network-requests']?.details?.items ?? []).filter((i) => i.resourceType === 'Script' && i.url.startsWith(BASE));
  let total = 0;
  for (const s of scripts) {
    const response = await fetch(s.url, { headers: { 'accept-encoding': 'identity' } });
    // A hashed name that vanished means the portal was rebuilt during the run: the figures would mix two builds.
    if (!response.ok) throw new Error(`${s.url} answered ${response.status} after Lighthouse loaded it: was the portal rebuilt during the bench?`);
    total += gzipSync(Buffer.from(await response.arrayBuffer()), { level: 9 }).length;
  }
  return total;
}

async function stackAnswers(): Promise<boolean> {
  return fetch(`${BASE}/health/ready`, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false);
}

async function main(): Promise<void> {
  if (!existsSync(CHROME_PATH)) throw new Error(`${CHROME_PATH} missing: node scripts/web/system-packages.mjs installs chromium`);
  let teardown: (() => Promise<void>) | undefined;
  if (!(await stackAnswers())) {
    console.log(`[web] no stack at ${BASE}: starting it as the e2e suites do`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await (require(join(REPO, 'e2e', 'global-setup.js')) as () => Promise<void>)();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    teardown = require(join(REPO, 'e2e', 'global-teardown.js')) as () => Promise<void>;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'lsc-bench-web-'));
  writeFileSync(join(PORTAL_DIST, BASELINE_FILE), baselinePage());
  try {
    const pages: PageResult[] = [];
    const baseline = summary('baseline', `${BASE}/${BASELINE_FILE}`, await lighthouse(`${BASE}/${BASELINE_FILE}`, outDir, 'baseline'));
    console.log(`[web] baseline: ${JSON.stringify(baseline)}`);
    const loginLhr = await lighthouse(`${BASE}/login`, outDir, 'login');
    pages.push(summary('登录', `${BASE}/login`, loginLhr));
    console.log(`[web] 登录: ${JSON.stringify(pages.at(-1))}`);
    pages.push(summary('注册', `${BASE}/register`, await lighthouse(`${BASE}/register`, outDir, 'register')));
    console.log(`[web] 注册: ${JSON.stringify(pages.at(-1))}`);
    // Without a session the portal answers 支付信息 with its login redirect; measured as a visitor from a mail link sees it.
    const paymentUrl = `${BASE}/applications/00000000-0000-4000-8000-000000000000/payment`;
    pages.push(summary('支付信息', paymentUrl, await lighthouse(paymentUrl, outDir, 'payment')));
    console.log(`[web] 支付信息: ${JSON.stringify(pages.at(-1))}`);
    const firstPageJs = await scriptsGzipBytes(loginLhr);
    const ours = pages[0]!.lcp_ms;
    console.log(
      JSON.stringify({
        bench: 'web',
        ours,
        baseline: baseline.lcp_ms,
        unit: 'ms LCP (Lighthouse, simulated mobile)',
        ratio: round(baseline.lcp_ms / ours, 3),
        performance: Math.min(...pages.map((p) => p.performance)),
        accessibility: Math.min(...pages.map((p) => p.accessibility)),
        first_page_js_gzip_kb: round(firstPageJs / 1024, 1),
        pages,
        baseline_page: baseline,
        load_average_1m: round(loadavg()[0]!, 1),
        targets: { ratio: 0.5, performance: 90, accessibility: 95, first_page_js_gzip_kb: 250 },
      }),
    );
  } finally {
    rmSync(join(PORTAL_DIST, BASELINE_FILE), { force: true });
    rmSync(outDir, { recursive: true, force: true });
    await teardown?.();
  }
}

main().catch((err: unknown) => {
  console.error(`[web] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
