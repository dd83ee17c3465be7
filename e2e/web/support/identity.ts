/**
 * What a person reads off the screen or the phone, which a test cannot: the captcha image's answer (the value identity
 * stored for the captcha the page loaded, as the e2e suite does) and the SMS code (the local sender's outbox).
 */
import type { Page, Response } from 'playwright-core';
import { captchaAnswer, waitForSms } from '../../support';

const isCaptcha = (r: Response): boolean => new URL(r.url()).pathname === '/api/v1/identity/captcha' && r.request().method() === 'GET' && r.status() === 200;

/** Runs `load` (whatever makes the page fetch a new captcha) and returns the answer to the captcha it then shows. */
export async function answerForCaptchaLoadedBy(page: Page, load: () => Promise<unknown>): Promise<string> {
  const [response] = await Promise.all([page.waitForResponse(isCaptcha), load()]);
  const { captchaId } = (await response.json()) as { captchaId: string };
  return captchaAnswer(captchaId);
}

/** Runs `send` (the page's 获取验证码 action) and returns the SMS code the phone then receives. */
export async function smsCodeSentBy(mobile: string, purpose: string, send: () => Promise<unknown>): Promise<string> {
  const asked = Date.now();
  await send();
  return (await waitForSms(mobile, purpose, asked)).code;
}
