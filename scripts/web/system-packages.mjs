#!/usr/bin/env node
// The test suites need four things from the operating system: kcat (the broker test's independent Kafka client),
// Chromium (no browser download exists on these machines, so Debian's package), CJK fonts (or every Chinese character renders as a box in the screenshots) and
// poppler-utils (pdftoppm, to look at downloaded PDFs). Installs whatever is missing with apt-get; says clearly what
// to do when that is impossible (not root, no apt-get, no network).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const has = (command, args = ['--version']) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const cjkFonts = () => (spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).stdout ?? '').trim().length > 0;

const missing = [];
if (!existsSync(CHROMIUM)) missing.push('chromium');
if (!cjkFonts()) missing.push('fonts-noto-cjk');
if (!has('pdftoppm', ['-v'])) missing.push('poppler-utils');
if (!has('kcat', ['-V'])) missing.push('kcat');

if (missing.length === 0) process.exit(0);

const asRoot = process.getuid?.() === 0;
const sudo = !asRoot && has('sudo', ['-n', 'true']) ? ['sudo', '-n'] : [];
if (!has('apt-get', ['--version']) || (!asRoot && sudo.length === 0)) {
  console.error(`[web] missing system packages: ${missing.join(' ')}; they cannot be installed here (needs apt-get as root).`);
  console.error(`[web] install them once with: sudo apt-get install -y ${missing.join(' ')}   (or set CHROMIUM_PATH to an installed Chromium)`);
  process.exit(1);
}
console.log(`[web] installing system packages: ${missing.join(' ')}`);
const run = (args) => spawnSync(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
if (!run(['apt-get', 'update', '-qq']) || !run(['apt-get', 'install', '-y', '-qq', ...missing])) {
  console.error(`[web] apt-get could not install ${missing.join(' ')} (no network or no package source?). Install them by hand and run again.`);
  process.exit(1);
}
