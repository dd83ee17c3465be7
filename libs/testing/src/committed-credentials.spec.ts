import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { passwordProblems, passwordStrength } from '@lsc/validation';
import { testPassword } from './index';

const REPO = join(__dirname, '..', '..', '..');

/**
 * Issue #25 item 11: no working credential is committed. The suites that create accounts on a stack (e2e, web,
 * console, chaos, bench) and the deploy manifests are searched for a password written out that the platform would
 * accept; the accounts they create get passwords made up at test time (testPassword, e2e/support/staff-accounts.js).
 */
describe('committed credentials', () => {
  const files = execFileSync('git', ['ls-files', '-z', 'e2e', 'bench', 'deploy', 'scripts', 'tools', 'libs/testing/src'], { cwd: REPO, encoding: 'utf8' })
    .split('\0')
    .filter((f) => /\.(ts|js|mjs|json|ya?ml)$/.test(f) && !f.includes('/crd-schemas/') && !f.endsWith('.spec.ts.snap'));

  it('no suite or manifest spells out an acceptable password', () => {
    const PASSWORD_LITERAL = /["']?password["']?\s*[:=]\s*["'`]([^"'`$\s]{6,64})["'`]/gi;
    const found = files.flatMap((file) =>
      [...readFileSync(join(REPO, file), 'utf8').matchAll(PASSWORD_LITERAL)]
        .map((m) => m[1]!)
        .filter((value) => passwordProblems(value).length === 0)
        .map((value) => `${file}: ${value}`),
    );
    expect(files.length).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });

  it('no manifest carries a Secret with its values', () => {
    const withValues = files.filter((f) => /\.ya?ml$/.test(f) && /^kind:\s*Secret\s*$/m.test(readFileSync(join(REPO, f), 'utf8')) && /^\s*(stringData|data):/m.test(readFileSync(join(REPO, f), 'utf8')));
    expect(withValues).toEqual([]);
  });

  it('testPassword is new each time and passes the password rules, rated 强', () => {
    const made = Array.from({ length: 50 }, testPassword);
    expect(new Set(made).size).toBe(50);
    for (const p of made) expect([p, passwordProblems(p), passwordStrength(p)]).toEqual([p, [], 'strong']);
  });
});
