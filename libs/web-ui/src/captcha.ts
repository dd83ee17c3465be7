/** GET /api/v1/identity/captcha?purpose=…: the arithmetic drawn as a PNG (data: URL), for one form only. */
export interface CaptchaImage {
  captchaId: string;
  /** `data:image/png;base64,…` */
  image: string;
  expiresInSeconds: number;
}

/** The form the captcha will be submitted with; identity refuses it on any other. */
export type CaptchaPurpose = 'login' | 'register' | 'sms';

/** Fetch a new captcha a little before the current one lapses (an expired one would only earn “校验码错误”). */
export const refreshDelayMs = (expiresInSeconds: number): number => Math.max(10, expiresInSeconds - 5) * 1000;
