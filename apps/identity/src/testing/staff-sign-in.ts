import { base32Decode, hotp, totpStep } from '../auth';
import { randomIp, type IdentityHarness, viaGateway } from './harness';

interface Authenticator {
  secret: Buffer;
  lastStep: number;
  recoveryCodes: string[];
}

/**
 * A test's staff sign-in through both steps, as a person with an authenticator app would: enrols on first sign-in
 * (computing codes from the secret the enrolment shows), then answers with the code of a step not used yet, or a
 * recovery code when every step of the ±1 window is spent (many sign-ins within a minute).
 */
export function staffSignIn(h: IdentityHarness) {
  const authenticators = new Map<string, Authenticator>();
  const post = (url: string, payload: object) => h.app.inject({ method: 'POST', url, payload, headers: viaGateway(randomIp()) });
  return async (username: string, password: string) => {
    const first = await post('/api/v1/identity/sessions', { login: username, password, ...(await h.captcha('login')) });
    const challenge = first.statusCode === 200 ? (first.json() as { secondFactor?: 'totp' | 'enrol'; mfaToken: string }) : undefined;
    if (!challenge?.secondFactor) return first;
    if (challenge.secondFactor === 'enrol') {
      const enrolment = (await post('/api/v1/identity/sessions/second-factor/enrolment', { mfaToken: challenge.mfaToken })).json() as { secret: string };
      const secret = base32Decode(enrolment.secret);
      const step = totpStep(Date.now());
      const confirmed = await post('/api/v1/identity/sessions/second-factor/enrolment/confirm', { mfaToken: challenge.mfaToken, code: hotp(secret, step) });
      authenticators.set(username, { secret, lastStep: step, recoveryCodes: (confirmed.json() as { recoveryCodes?: string[] }).recoveryCodes ?? [] });
      return confirmed;
    }
    const known = authenticators.get(username);
    if (!known) throw new Error(`no authenticator known for ${username}`);
    const now = totpStep(Date.now());
    const step = [now - 1, now, now + 1].find((s) => s > known.lastStep);
    if (step !== undefined) {
      known.lastStep = step;
      return post('/api/v1/identity/sessions/second-factor', { mfaToken: challenge.mfaToken, code: hotp(known.secret, step) });
    }
    return post('/api/v1/identity/sessions/second-factor', { mfaToken: challenge.mfaToken, recoveryCode: known.recoveryCodes.shift() });
  };
}
