import { SENSITIVE_RATE_LIMITS } from './route-policies';

describe('per-IP limits of the sensitive identity endpoints', () => {
  const policyFor = (path: string) => SENSITIVE_RATE_LIMITS.filter((p) => p.pattern.test(path)).map((p) => p.name);

  it('throttles the staff second sign-in step (codes, enrolment, confirmation) in its own bucket, apart from the password step', () => {
    expect(policyFor('/api/v1/identity/sessions/second-factor')).toEqual(['second-factor']);
    expect(policyFor('/api/v1/identity/sessions/second-factor/enrolment')).toEqual(['second-factor']);
    expect(policyFor('/api/v1/identity/sessions/second-factor/enrolment/confirm')).toEqual(['second-factor']);
    expect(policyFor('/api/v1/identity/sessions')).toEqual(['login']);
    expect(policyFor('/api/v1/identity/sessions/refresh')).toEqual([]);
  });
});
