import fc from 'fast-check';
import { ManualClock } from '../shared/clock';
import { connectTestRedis, type TestRedis } from '../shared/test-redis';
import { createArithmeticChallenge } from './arithmetic';
import { CaptchaService } from './captcha.service';
import sharp from 'sharp';
import { CAPTCHA_CHARACTERS, captchaFaces, type CaptchaFace, type GlyphMask } from './glyph-atlas';
import { DEFAULT_RASTER_OPTIONS, drawCaptcha, renderCaptchaPng } from './raster-renderer';

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

describe('renderCaptchaPng', () => {
  it('is a PNG of the configured size, with no trace of the expression in its bytes', async () => {
    const png = await renderCaptchaPng('7×3=?');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', DEFAULT_RASTER_OPTIONS.width, DEFAULT_RASTER_OPTIONS.height]);
    expect(png.toString('latin1')).not.toMatch(/<svg|<path|7×3|7x3/);
  });

  it('draws the same expression differently each time (faces, sizes, rotation, warp, noise)', async () => {
    const [a, b] = await Promise.all([renderCaptchaPng('1×4=?'), renderCaptchaPng('1×4=?')]);
    expect(a.equals(b)).toBe(false);
  });

  it('renders every expression the generator can make', async () => {
    const faces = await captchaFaces();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), async (op, a, b) => {
        const canvas = drawCaptcha(`${a}${['+', '−', '×'][op]}${b}=?`, faces);
        expect(canvas.px.length).toBe(DEFAULT_RASTER_OPTIONS.width * DEFAULT_RASTER_OPTIONS.height * 3);
      }),
      { numRuns: 20 },
    );
  });

  it('puts dark ink in each character slot (the glyphs are there, not just noise)', async () => {
    const faces = await captchaFaces();
    const noNoise = { ...DEFAULT_RASTER_OPTIONS, linesBehind: 0, linesAcross: 0, dots: 0 };
    const { width, height, px } = drawCaptcha('8×8=?', faces, noNoise);
    const slot = (width - 12) / 5;
    for (let i = 0; i < 5; i++) {
      let dark = 0;
      for (let y = 0; y < height; y++) {
        for (let x = Math.floor(6 + slot * i); x < Math.floor(6 + slot * (i + 1)); x++) {
          const o = (y * width + x) * 3;
          if (px[o]! + px[o + 1]! + px[o + 2]! < 3 * 140) dark++;
        }
      }
      expect(dark).toBeGreaterThan(15);
    }
  });

  it('draws the signs (+ − × =) only with heavy faces, so a minus is never a hairline among the noise lines', async () => {
    const faces = await captchaFaces();
    const heavy = faces.find((f) => f.heavy)!;
    const blank = (m: GlyphMask): GlyphMask => ({ ...m, alpha: new Uint8Array(m.alpha.length) });
    // A light face that would draw every sign as nothing at all.
    const light: CaptchaFace = { ...faces.find((f) => !f.heavy)!, glyphs: new Map([...faces[0]!.glyphs].map(([ch, m]) => [ch, /\d|\?/.test(ch) ? m : blank(m)])) };
    const noNoise = { ...DEFAULT_RASTER_OPTIONS, linesBehind: 0, linesAcross: 0, dots: 0 };
    for (let run = 0; run < 12; run++) {
      const { width, height, px } = drawCaptcha('8−8=?', [light, heavy], noNoise);
      const slot = (width - 12) / 5;
      let dark = 0;
      for (let y = 0; y < height; y++) {
        for (let x = Math.floor(6 + slot); x < Math.floor(6 + 2 * slot); x++) {
          const o = (y * width + x) * 3;
          if (px[o]! + px[o + 1]! + px[o + 2]! < 3 * 140) dark++;
        }
      }
      expect(dark).toBeGreaterThan(10);
    }
  });

  it('has several faces, each drawing every character', async () => {
    const faces = await captchaFaces();
    expect(faces.length).toBeGreaterThanOrEqual(4);
    for (const face of faces) for (const ch of CAPTCHA_CHARACTERS) expect(face.glyphs.get(ch)!.alpha.some((a) => a > 128)).toBe(true);
  });

  it('refuses characters it has no glyph for', async () => {
    const faces = await captchaFaces();
    expect(() => drawCaptcha('a+1', faces)).toThrow(/glyph/);
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
    const { captchaId, image, purpose } = await service.create('login');
    expect(image).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(purpose).toBe('login');
    expect(await service.verify(captchaId, '4', 'login')).toBe(true);
    expect(await service.verify(captchaId, '4', 'login')).toBe(false);
  });

  it('is bound to its purpose: a solved login captcha is refused for SMS or registration, and is used up', async () => {
    const forLogin = await service.create('login');
    expect(await service.verify(forLogin.captchaId, '4', 'sms')).toBe(false);
    expect(await service.verify(forLogin.captchaId, '4', 'login')).toBe(false);
    const forSms = await service.create('sms');
    expect(await service.verify(forSms.captchaId, '4', 'register')).toBe(false);
    const forRegister = await service.create('register');
    expect(await service.verify(forRegister.captchaId, '4', 'register')).toBe(true);
  });

  it('accepts full-width digits and surrounding spaces', async () => {
    const { captchaId } = await service.create('login');
    expect(await service.verify(captchaId, ' ４ ', 'login')).toBe(true);
  });

  it('a wrong answer consumes the captcha', async () => {
    const { captchaId } = await service.create('login');
    expect(await service.verify(captchaId, '5', 'login')).toBe(false);
    expect(await service.verify(captchaId, '4', 'login')).toBe(false);
    expect(await t.redis.exists(`${t.prefix}captcha:${captchaId}`)).toBe(0);
  });

  it('keeps the answer in Redis for at most two minutes', async () => {
    const { captchaId } = await service.create('login');
    const ttl = await t.redis.pttl(`${t.prefix}captcha:${captchaId}`);
    expect(ttl).toBeGreaterThan(110_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('expires: valid at 1:59.999, refused at 2:00', async () => {
    const early = await service.create('login');
    clock.advance(119_999);
    expect(await service.verify(early.captchaId, '4', 'login')).toBe(true);
    const late = await service.create('login');
    clock.advance(120_000);
    expect(await service.verify(late.captchaId, '4', 'login')).toBe(false);
  });

  it('is gone once the Redis TTL runs out', async () => {
    const short = new CaptchaService(t.redis, { keyPrefix: t.prefix, ttlMs: 50 }, clock, fixed);
    const { captchaId } = await short.create('login');
    await new Promise((r) => setTimeout(r, 120));
    expect(await short.verify(captchaId, '4', 'login')).toBe(false);
  });

  it('rejects malformed ids and answers without touching other keys', async () => {
    const { captchaId } = await service.create('login');
    expect(await service.verify('*', '4', 'login')).toBe(false);
    expect(await service.verify(captchaId, '4.0', 'login')).toBe(false);
  });

  it('refuses a configured lifetime over five minutes', () => {
    expect(() => new CaptchaService(t.redis, { keyPrefix: t.prefix, ttlMs: 300_001 }, clock)).toThrow();
    expect(() => new CaptchaService(t.redis, { keyPrefix: t.prefix, ttlMs: 300_000 }, clock)).not.toThrow();
  });
});
