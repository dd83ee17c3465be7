import type { FastifyRequest } from 'fastify';
import { bearerSubject, clientIp, proxyTrust } from './client-identity';
import { isProxyEntry, loadGatewayConfig } from './config';

const jwt = (claims: object): string => `Bearer e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const request = (remoteAddress: string, xff?: string): FastifyRequest => {
  const headers = xff === undefined ? {} : { 'x-forwarded-for': xff };
  return { raw: { socket: { remoteAddress }, headers }, headers } as unknown as FastifyRequest;
};

describe('clientIp', () => {
  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(clientIp(request('203.0.113.9', '1.2.3.4'), proxyTrust([]))).toBe('203.0.113.9');
  });

  it('takes the hop added by a trusted proxy, not the forgeable leftmost one', () => {
    expect(clientIp(request('10.0.0.1', '6.6.6.6, 198.51.100.7'), proxyTrust(['10.0.0.1']))).toBe('198.51.100.7');
  });

  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(clientIp(request('::ffff:127.0.0.1', '198.51.100.8'), proxyTrust(['127.0.0.1']))).toBe('198.51.100.8');
  });

  // Ingress controller pods get a new address from the pod range on every restart: only a range can name them.
  it('trusts every proxy inside a CIDR range, and walks through chained ones', () => {
    const trust = proxyTrust(['10.42.0.0/16', 'fd00:42::/64']);
    expect(clientIp(request('10.42.7.19', '198.51.100.9'), trust)).toBe('198.51.100.9');
    expect(clientIp(request('::ffff:10.42.200.3', '6.6.6.6, 198.51.100.10, 10.42.1.1'), trust)).toBe('198.51.100.10');
    expect(clientIp(request('fd00:42::17', '2001:db8::5'), trust)).toBe('2001:db8::5');
    expect(clientIp(request('10.43.0.1', '198.51.100.11'), trust)).toBe('10.43.0.1');
  });
});

describe('TRUSTED_PROXIES', () => {
  it.each(['10.42.0.0/16', '127.0.0.1', '::1', 'fd00:42::/64', '0.0.0.0/0'])('accepts %s', (entry) => {
    expect(isProxyEntry(entry)).toBe(true);
  });

  it.each(['10.42.0.0/33', '10.42', 'ingress-nginx', '10.0.0.0/16/1', '::1/129', '10.0.0.0/'])('refuses %s', (entry) => {
    expect(isProxyEntry(entry)).toBe(false);
    expect(() => loadGatewayConfig({ TRUSTED_PROXIES: `127.0.0.1, ${entry}` })).toThrow(/TRUSTED_PROXIES/);
  });
});

describe('bearerSubject', () => {
  it('reads sub from a bearer JWT', () => {
    expect(bearerSubject(jwt({ sub: 'org-42' }))).toBe('org-42');
  });

  it.each([undefined, 'Basic abc', 'Bearer not-a-jwt', 'Bearer e30.!!!.x', jwt({ sub: 7 }), jwt({ sub: 'a b' })])('rejects %s', (header) => {
    expect(bearerSubject(header)).toBeUndefined();
  });
});
