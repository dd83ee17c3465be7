import { base32Decode, base32Encode, hotp, matchingStep, otpauthUri, totp, TOTP_STEP_SECONDS } from './totp';

describe('TOTP (RFC 6238) and HOTP (RFC 4226)', () => {
  const ascii = (s: string) => Buffer.from(s, 'ascii');

  it('matches the HOTP test values of RFC 4226 appendix D', () => {
    const secret = ascii('12345678901234567890');
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(secret, counter))).toEqual(expected);
  });

  it('matches the TOTP test vectors of RFC 6238 appendix B (8 digits, SHA-1, SHA-256, SHA-512)', () => {
    const seeds = { sha1: ascii('12345678901234567890'), sha256: ascii('12345678901234567890123456789012'), sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234') };
    const vectors: Array<[number, string, string, string]> = [
      [59, '94287082', '46119246', '90693936'],
      [1111111109, '07081804', '68084774', '25091201'],
      [1111111111, '14050471', '67062674', '99943326'],
      [1234567890, '89005924', '91819424', '93441116'],
      [2000000000, '69279037', '90698825', '38618901'],
      [20000000000, '65353130', '77737706', '47863826'],
    ];
    for (const [seconds, sha1, sha256, sha512] of vectors) {
      expect([totp(seeds.sha1, seconds * 1000, 8, 'sha1'), totp(seeds.sha256, seconds * 1000, 8, 'sha256'), totp(seeds.sha512, seconds * 1000, 8, 'sha512')]).toEqual([sha1, sha256, sha512]);
    }
  });

  it('base32 round-trips (RFC 4648 test vectors) and ignores spaces and case', () => {
    expect(base32Encode(ascii('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(ascii('fooba'))).toBe('MZXW6YTB');
    expect(base32Decode('mzxw 6ytb oi').toString('ascii')).toBe('foobar');
    expect(base32Encode(ascii('12345678901234567890'))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(() => base32Decode('not base32!')).toThrow();
  });

  it('accepts the code of the current step and of one step either side, and says which step matched', () => {
    const secret = ascii('12345678901234567890');
    const now = 1_765_000_000_000;
    const step = Math.floor(now / 1000 / TOTP_STEP_SECONDS);
    expect(matchingStep(secret, totp(secret, now), now)).toBe(step);
    expect(matchingStep(secret, totp(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(secret, totp(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(secret, totp(secret, now - 90_000), now)).toBeUndefined();
    expect(matchingStep(secret, '12345', now)).toBeUndefined();
  });

  it('builds the otpauth:// URI authenticator apps read', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'caiwu_wang')).toBe(
      'otpauth://totp/%E4%B8%AD%E5%9B%BD%E5%9B%BE%E4%B9%A6%E9%A6%86%E5%AD%A6%E4%BC%9A:caiwu_wang?secret=JBSWY3DPEHPK3PXP&issuer=%E4%B8%AD%E5%9B%BD%E5%9B%BE%E4%B9%A6%E9%A6%86%E5%AD%A6%E4%BC%9A&algorithm=SHA1&digits=6&period=30',
    );
  });
});
