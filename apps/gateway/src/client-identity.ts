import type { FastifyRequest } from 'fastify';

const stripV4Mapped = (ip: string): string => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);

/**
 * The caller's address. Service-kit's adapter trusts every X-Forwarded-For hop, which anyone can forge at
 * the edge, so the gateway walks the chain itself and believes only hops added by configured proxies.
 */
export function clientIp(request: FastifyRequest, trustedProxies: ReadonlySet<string>): string {
  let ip = stripV4Mapped(request.raw.socket.remoteAddress ?? 'unknown');
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h.length > 0);
  while (trustedProxies.has(ip) && hops.length > 0) ip = stripV4Mapped(hops.pop()!);
  return ip;
}

const SAFE_SUBJECT = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The `sub` claim of a bearer JWT, decoded without verification: it only chooses a rate-limit bucket,
 * the owning service verifies the token.
 */
export function bearerSubject(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(match[2]!, 'base64url').toString('utf8'));
    const sub = typeof claims === 'object' && claims !== null ? (claims as { sub?: unknown }).sub : undefined;
    return typeof sub === 'string' && SAFE_SUBJECT.test(sub) ? sub : undefined;
  } catch {
    return undefined;
  }
}
