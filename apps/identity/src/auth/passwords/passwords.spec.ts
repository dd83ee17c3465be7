import { performance } from 'node:perf_hooks';
import { CredentialChecker } from './credential-checker';
import { MAX_PASSWORD_LENGTH, OWASP_ARGON2ID, PasswordHasher, PasswordTooLongError } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id m=19456 t=2 p=1 and a fresh salt each time', async () => {
    const a = await hasher.hash('图书馆Library#2025');
    const b = await hasher.hash('图书馆Library#2025');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(hasher.needsRehash(a)).toBe(false);
  });

  it('verifies the right password and refuses a wrong one or a malformed hash', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
  });

  it('treats full-width and half-width input as the same password', async () => {
    const stored = await hasher.hash('Abc123!');
    expect(await hasher.verify(stored, 'Ａｂｃ１２３！')).toBe(true);
  });

  it('asks for a rehash of weaker hashes and refuses parameters below the minimum', async () => {
    expect(hasher.needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA')).toBe(true);
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
    expect(() => new PasswordHasher({ ...OWASP_ARGON2ID, memoryCost: 4096 })).toThrow(/OWASP/);
  });

  it('refuses absurdly long passwords before hashing', async () => {
    await expect(hasher.hash('x'.repeat(MAX_PASSWORD_LENGTH + 1))).rejects.toBeInstanceOf(PasswordTooLongError);
  });
});

describe('CredentialChecker', () => {
  it('accepts the right password, refuses a wrong one, an unknown user and a too-long input', async () => {
    const hasher = new PasswordHasher();
    const checker = await CredentialChecker.create(hasher);
    const stored = await hasher.hash('s3cret-密码');
    expect(await checker.check(stored, 's3cret-密码')).toBe(true);
    expect(await checker.check(stored, 'wrong')).toBe(false);
    expect(await checker.check(undefined, 's3cret-密码')).toBe(false);
    expect(await checker.check(stored, 'y'.repeat(10_000))).toBe(false);
  });

  it('takes about as long for an unknown user as for a wrong password', async () => {
    const hasher = new PasswordHasher();
    const checker = await CredentialChecker.create(hasher);
    const stored = await hasher.hash('s3cret-密码');
    // Interleaved samples so that load from other processes on this 2-core machine hits both series alike.
    const wrongSamples: number[] = [];
    const unknownSamples: number[] = [];
    const time = async (fn: () => Promise<unknown>, into: number[]): Promise<void> => {
      const begin = performance.now();
      await fn();
      into.push(performance.now() - begin);
    };
    for (let i = 0; i < 21; i++) {
      await time(() => checker.check(stored, 'wrong-password'), wrongSamples);
      await time(() => checker.check(undefined, 'wrong-password'), unknownSamples);
    }
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[10]!;
    const wrong = median(wrongSamples);
    const unknown = median(unknownSamples);
    console.log(`argon2id verify median: wrong password ${wrong.toFixed(1)} ms, unknown user ${unknown.toFixed(1)} ms`);
    // Without the dummy hash an unknown user would answer in well under 1 ms.
    expect(unknown).toBeGreaterThan(wrong * 0.5);
    expect(unknown).toBeLessThan(wrong * 2);
    expect(wrong).toBeGreaterThan(3);
  });
});
