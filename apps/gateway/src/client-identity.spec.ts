import type { FastifyRequest } from 'fastify';
import { bearerSubject, clientIp } from './client-identity';

const jwt = (claims: object): string => `Bearer e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const request = (remoteAddress: string, xff?: string): FastifyRequest =>
  ({ raw: { socket: { remoteAddress } }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as FastifyRequest;

describe('clientIp', () => {
  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(clientIp(request('203.0.113.9', '1.2.3.4'), new Set())).toBe('203.0.113.9');
  });

  it('takes the hop added by a trusted proxy, not the forgeable leftmost one', () => {
    expect(clientIp(request('10.0.0.1', '6.6.6.6, 198.51.100.7'), new Set(['10.0.0.1']))).toBe('198.51.100.7');
  });

  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(clientIp(request('::ffff:127.0.0.1', '198.51.100.8'), new Set(['127.0.0.1']))).toBe('198.51.100.8');
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
