/**
 * The one table of per-route exceptions to the gateway defaults. Patterns are matched against the
 * percent-decoded path, so `%73essions` cannot dodge the login limit.
 */
export interface RateLimitPolicy {
  name: string;
  methods?: readonly string[];
  pattern: RegExp;
  max: number;
  windowMs: number;
}

export interface BodyPolicy {
  name: string;
  methods: readonly string[];
  pattern: RegExp;
  bodyLimitBytes: number;
  /** Large uploads from slow connections need longer than the default upstream timeout. */
  timeoutMs: number;
}

const MB = 1024 * 1024;

/** Unauthenticated endpoints that send SMS, issue captchas or check passwords: always keyed by client IP. */
export const SENSITIVE_RATE_LIMITS: readonly RateLimitPolicy[] = [
  { name: 'captcha', pattern: /^\/api\/v1\/identity\/captcha(\/.*)?$/, max: 30, windowMs: 60_000 },
  { name: 'sms-codes', methods: ['POST'], pattern: /^\/api\/v1\/identity\/sms-codes\/?$/, max: 5, windowMs: 60_000 },
  { name: 'login', methods: ['POST'], pattern: /^\/api\/v1\/identity\/sessions\/?$/, max: 10, windowMs: 60_000 },
  // 二次验证: 6-digit codes. identity ends an attempt after five wrong ones; this bounds new attempts per client too.
  { name: 'second-factor', methods: ['POST'], pattern: /^\/api\/v1\/identity\/sessions\/second-factor(\/.*)?$/, max: 10, windowMs: 60_000 },
  // One-time set-password codes for staff: 144 random bits, but guessing is still throttled.
  { name: 'staff-password', methods: ['POST'], pattern: /^\/api\/v1\/identity\/staff-password\/?$/, max: 10, windowMs: 60_000 },
];

export const DEFAULT_BODY_LIMIT_BYTES = 1 * MB;

// Multipart requests carry a few hundred bytes of part headers on top of the file itself.
const MULTIPART_OVERHEAD = 64 * 1024;

export const BODY_POLICIES: readonly BodyPolicy[] = [
  // Registration is multipart because of the optional logo (≤ 2 MB); profile updates may replace the logo.
  { name: 'registration', methods: ['POST'], pattern: /^\/api\/v1\/identity\/institutions\/?$/, bodyLimitBytes: 2 * MB + MULTIPART_OVERHEAD, timeoutMs: 60_000 },
  { name: 'logo', methods: ['POST', 'PUT', 'PATCH'], pattern: /^\/api\/v1\/identity\/me(\/logo)?\/?$/, bodyLimitBytes: 2 * MB + MULTIPART_OVERHEAD, timeoutMs: 60_000 },
  { name: 'bank-statement', methods: ['POST', 'PUT'], pattern: /^\/api\/v1\/billing\/statements\/?$/, bodyLimitBytes: 20 * MB + MULTIPART_OVERHEAD, timeoutMs: 180_000 },
  { name: 'external-invoice', methods: ['POST'], pattern: /^\/api\/v1\/billing\/orders\/[^/]+\/invoices\/?$/, bodyLimitBytes: 10 * MB + MULTIPART_OVERHEAD, timeoutMs: 60_000 },
];

/** Decodes percent-escapes for matching only; a malformed escape leaves the path as sent. */
export function normalizedPath(rawUrl: string): string {
  const path = rawUrl.split('?', 1)[0]!.replace(/\/{2,}/g, '/');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const applies = (policy: { methods?: readonly string[]; pattern: RegExp }, method: string, path: string): boolean =>
  (!policy.methods || policy.methods.includes(method === 'HEAD' ? 'GET' : method)) && policy.pattern.test(path);

export const rateLimitPolicyFor = (method: string, path: string, table: readonly RateLimitPolicy[] = SENSITIVE_RATE_LIMITS): RateLimitPolicy | undefined =>
  table.find((p) => applies(p, method, path));

export const bodyPolicyFor = (method: string, path: string, table: readonly BodyPolicy[] = BODY_POLICIES): BodyPolicy | undefined =>
  table.find((p) => applies(p, method, path));

/**
 * The server-wide ceiling Fastify enforces before any parser runs; per-route limits below it are applied
 * by the proxy while streaming.
 */
export const gatewayBodyLimit = (table: readonly BodyPolicy[] = BODY_POLICIES): number => Math.max(DEFAULT_BODY_LIMIT_BYTES, ...table.map((p) => p.bodyLimitBytes));
