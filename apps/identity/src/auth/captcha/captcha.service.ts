import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock';
import { createArithmeticChallenge, type ArithmeticChallenge } from './arithmetic';
import { DEFAULT_RASTER_OPTIONS, renderCaptchaPng, type RasterCaptchaOptions } from './raster-renderer';

/**
 * What a captcha was issued for. An answer solved on one form is refused on another, so a solved login captcha
 * cannot be spent on sending a text message (which costs money) or on a registration.
 */
export const CAPTCHA_PURPOSES = ['login', 'register', 'sms'] as const;
export type CaptchaPurpose = (typeof CAPTCHA_PURPOSES)[number];

export interface CaptchaConfig {
  keyPrefix: string;
  /** At most five minutes: a captcha is meant to be solved right away. */
  ttlMs: number;
  image?: RasterCaptchaOptions;
}

export const DEFAULT_CAPTCHA_CONFIG: CaptchaConfig = { keyPrefix: 'identity:', ttlMs: 120_000 };

export interface CaptchaChallenge {
  captchaId: string;
  /** `data:image/png;base64,…`: the expression drawn as pixels, never as markup a script could read. */
  image: string;
  purpose: CaptchaPurpose;
  expiresInSeconds: number;
}

/** The Redis value (`<prefix>captcha:<id>`); the e2e, web, console, chaos suites and benches read `answer` here. */
interface StoredCaptcha {
  answer: number;
  purpose: CaptchaPurpose;
  expiresAt: number;
}

const CAPTCHA_ID = /^[A-Za-z0-9_-]{22}$/;
const ANSWER = /^\d{1,3}$/;
const MAX_TTL_MS = 5 * 60_000;

export const isCaptchaPurpose = (value: unknown): value is CaptchaPurpose => (CAPTCHA_PURPOSES as readonly unknown[]).includes(value);

/** Issues arithmetic image captchas bound to one purpose and checks each answer exactly once. */
export class CaptchaService {
  constructor(
    private readonly redis: Redis,
    private readonly config: CaptchaConfig = DEFAULT_CAPTCHA_CONFIG,
    private readonly clock: Clock = systemClock,
    private readonly challenge: () => ArithmeticChallenge = createArithmeticChallenge,
  ) {
    if (config.ttlMs <= 0 || config.ttlMs > MAX_TTL_MS) throw new Error(`captcha ttlMs must be in (0, ${MAX_TTL_MS}]`);
  }

  async create(purpose: CaptchaPurpose): Promise<CaptchaChallenge> {
    if (!isCaptchaPurpose(purpose)) throw new Error(`unknown captcha purpose ${String(purpose)}`);
    const { text, answer } = this.challenge();
    const png = await renderCaptchaPng(text, this.config.image ?? DEFAULT_RASTER_OPTIONS);
    const captchaId = randomBytes(16).toString('base64url');
    const stored: StoredCaptcha = { answer, purpose, expiresAt: this.clock.now() + this.config.ttlMs };
    await this.redis.set(this.key(captchaId), JSON.stringify(stored), 'PX', this.config.ttlMs);
    return { captchaId, image: `data:image/png;base64,${png.toString('base64')}`, purpose, expiresInSeconds: Math.ceil(this.config.ttlMs / 1000) };
  }

  /**
   * GETDEL consumes the captcha on the first attempt, right or wrong — and also when it was issued for another
   * purpose — so one image cannot be brute-forced over its ~80 possible answers. Answers are NFKC-normalised because
   * Chinese IMEs often type full-width digits.
   */
  async verify(captchaId: string, answer: string, purpose: CaptchaPurpose): Promise<boolean> {
    if (!CAPTCHA_ID.test(captchaId)) return false;
    const raw = await this.redis.getdel(this.key(captchaId));
    if (raw === null) return false;
    const stored = JSON.parse(raw) as StoredCaptcha;
    if (stored.purpose !== purpose) return false;
    if (this.clock.now() >= stored.expiresAt) return false;
    const normalised = answer.normalize('NFKC').trim();
    return ANSWER.test(normalised) && Number(normalised) === stored.answer;
  }

  private key(captchaId: string): string {
    return `${this.config.keyPrefix}captcha:${captchaId}`;
  }
}
