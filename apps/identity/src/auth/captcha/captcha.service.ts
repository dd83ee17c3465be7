import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock';
import { createArithmeticChallenge, type ArithmeticChallenge } from './arithmetic';
import { DEFAULT_SVG_OPTIONS, renderCaptchaSvg, type SvgCaptchaOptions } from './svg-renderer';

export interface CaptchaConfig {
  keyPrefix: string;
  /** At most two minutes: a captcha is meant to be solved right away. */
  ttlMs: number;
  svg?: SvgCaptchaOptions;
}

export const DEFAULT_CAPTCHA_CONFIG: CaptchaConfig = { keyPrefix: 'identity:', ttlMs: 120_000 };

export interface CaptchaChallenge {
  captchaId: string;
  svg: string;
  expiresInSeconds: number;
}

interface StoredCaptcha {
  answer: number;
  expiresAt: number;
}

const CAPTCHA_ID = /^[A-Za-z0-9_-]{22}$/;
const ANSWER = /^\d{1,3}$/;
const MAX_TTL_MS = 120_000;

/** Issues arithmetic image captchas and checks answers exactly once. */
export class CaptchaService {
  constructor(
    private readonly redis: Redis,
    private readonly config: CaptchaConfig = DEFAULT_CAPTCHA_CONFIG,
    private readonly clock: Clock = systemClock,
    private readonly challenge: () => ArithmeticChallenge = createArithmeticChallenge,
  ) {
    if (config.ttlMs <= 0 || config.ttlMs > MAX_TTL_MS) throw new Error(`captcha ttlMs must be in (0, ${MAX_TTL_MS}]`);
  }

  async create(): Promise<CaptchaChallenge> {
    const { text, answer } = this.challenge();
    const captchaId = randomBytes(16).toString('base64url');
    const stored: StoredCaptcha = { answer, expiresAt: this.clock.now() + this.config.ttlMs };
    await this.redis.set(this.key(captchaId), JSON.stringify(stored), 'PX', this.config.ttlMs);
    return { captchaId, svg: renderCaptchaSvg(text, this.config.svg ?? DEFAULT_SVG_OPTIONS), expiresInSeconds: Math.ceil(this.config.ttlMs / 1000) };
  }

  /**
   * GETDEL consumes the captcha on the first attempt, right or wrong, so one image cannot be brute-forced
   * over its ~80 possible answers. Answers are NFKC-normalised because Chinese IMEs often type full-width digits.
   */
  async verify(captchaId: string, answer: string): Promise<boolean> {
    if (!CAPTCHA_ID.test(captchaId)) return false;
    const raw = await this.redis.getdel(this.key(captchaId));
    if (raw === null) return false;
    const stored = JSON.parse(raw) as StoredCaptcha;
    if (this.clock.now() >= stored.expiresAt) return false;
    const normalised = answer.normalize('NFKC').trim();
    return ANSWER.test(normalised) && Number(normalised) === stored.answer;
  }

  private key(captchaId: string): string {
    return `${this.config.keyPrefix}captcha:${captchaId}`;
  }
}
