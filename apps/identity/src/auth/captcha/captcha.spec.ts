import fc from 'fast-check';
import { ManualClock } from '../shared/clock';
import { connectTestRedis, type TestRedis } from '../shared/test-redis';
import { createArithmeticChallenge } from './arithmetic';
import { CaptchaService } from './captcha.service';
import { renderCaptchaSvg } from './svg-renderer';

describe('createArithmeticChallenge', () => {
  it('produces +, −, × over single digits with a non-negative answer matching the text', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { text, answer } = createArithmeticChallenge();
      const m = /^([1-9])([+−×])([1-9])=\?$/.exec(text);
      expect(m).not.toBeNull();
      const [, a, op, b] = m!;
      seen.add(op!);
      const expected = op === '+' ? Number(a) + Number(b) : op === '−' ? Number(a) - Number(b) : Number(a) * Number(b);
      expect(answer).toBe(expected);
      expect(answer).toBeGreaterThanOrEqual(0);
    }
    expect([...seen].sort()).toEqual(['+', '×', '−'].sort());
  });
});

describe('renderCaptchaSvg', () => {
  it('draws the expression as paths, never as readable text, with noise', () => {
    const svg = renderCaptchaSvg('7×3=?');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/<text/);
    expect(svg).not.toContain('7×3');
    expect((svg.match(/<circle/g) ?? []).length).toBeGreaterThanOrEqual(20);
    expect(svg).toMatch(/rotate\(-?\d/);
  });

  it('renders every expression the generator can make', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (op, a, b) => {
        const text = `${a}${['+', '−', '×'][op]}${b}=?`;
        expect(renderCaptchaSvg(text)).toContain('</svg>');
      }),
    );
  });

  it('refuses characters it has no glyph for', () => {
    expect(() => renderCaptchaSvg('a+1')).toThrow(/glyph/);
  });
});

describe('CaptchaService (real Redis)', () => {
  let t: TestRedis;
  let clock: ManualClock;
  let service: CaptchaService;
  const fixed = () => ({ text: '1×4=?', answer: 4 });

  beforeEach(() => {
    t = connectTestRedis('captcha');
    clock = new ManualClock();
    service = new CaptchaService(t.redis, { keyPrefix: t.prefix, ttlMs: 120_000 }, clock, fixed);
  });
  afterEach(() => t.cleanup());

  it('accepts the right answer once; the second check fails', async () => {
    const { captchaId, svg } = await service.create();
    expect(svg).toContain('<svg');
    expect(await service.verify(captchaId, '4')).toBe(true);
    expect(await service.verify(captchaId, '4')).toBe(false);
  });

  it('accepts full-width digits and surrounding spaces', async () => {
    const { captchaId } = await service.create();
    expect(await service.verify(captchaId, ' ４ ')).toBe(true);
  });

  it('a wrong answer consumes the captcha', async () => {
    const { captchaId } = await service.create();
    expect(await service.verify(captchaId, '5')).toBe(false);
    expect(await service.verify(captchaId, '4')).toBe(false);
    expect(await t.redis.exists(`${t.prefix}captcha:${captchaId}`)).toBe(0);
  });

  it('keeps the answer in Redis for at most two minutes', async () => {
    const { captchaId } = await service.create();
    const ttl = await t.redis.pttl(`${t.prefix}captcha:${captchaId}`);
    expect(ttl).toBeGreaterThan(110_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('expires: valid at 1:59.999, refused at 2:00', async () => {
    const early = await service.create();
    clock.advance(119_999);
    expect(await service.verify(early.captchaId, '4')).toBe(true);
    const late = await service.create();
    clock.advance(120_000);
    expect(await service.verify(late.captchaId, '4')).toBe(false);
  });

  it('is gone once the Redis TTL runs out', async () => {
    const short = new CaptchaService(t.redis, { keyPrefix: t.prefix, ttlMs: 50 }, clock, fixed);
    const { captchaId } = await short.create();
    await new Promise((r) => setTimeout(r, 120));
    expect(await short.verify(captchaId, '4')).toBe(false);
  });

  it('rejects malformed ids and answers without touching other keys', async () => {
    const { captchaId } = await service.create();
    expect(await service.verify('*', '4')).toBe(false);
    expect(await service.verify(captchaId, '4.0')).toBe(false);
  });

  it('refuses a configured lifetime over two minutes', () => {
    expect(() => new CaptchaService(t.redis, { keyPrefix: t.prefix, ttlMs: 120_001 }, clock)).toThrow();
  });
});
