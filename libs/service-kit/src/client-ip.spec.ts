import type { FastifyRequest } from 'fastify';
import { CLIENT_IP_HEADER, CLIENT_IP_SIGNATURE_HEADER, signClientIp, signedClientIpHeaders, verifiedClientIp } from './client-ip';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const from = (remoteAddress: string, headers: Record<string, string | string[]>) => ({ headers, raw: { socket: { remoteAddress } } }) as unknown as FastifyRequest;

describe('verifiedClientIp', () => {
  it('believes the address the gateway signed', () => {
    expect(verifiedClientIp(from('10.42.3.4', signedClientIpHeaders('198.51.100.7', SECRET)), SECRET)).toBe('198.51.100.7');
  });

  it('never reads X-Forwarded-For: a direct caller is its socket address', () => {
    expect(verifiedClientIp(from('::ffff:203.0.113.5', { 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '1.2.3.4' }), SECRET)).toBe('203.0.113.5');
  });

  it.each([
    ['another secret', { [CLIENT_IP_HEADER]: '1.2.3.4', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('1.2.3.4', `${SECRET}x`) }],
    ['another address', { [CLIENT_IP_HEADER]: '1.2.3.5', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('1.2.3.4', SECRET) }],
    ['no signature', { [CLIENT_IP_HEADER]: '1.2.3.4' }],
    ['a malformed signature', { [CLIENT_IP_HEADER]: '1.2.3.4', [CLIENT_IP_SIGNATURE_HEADER]: 'zz' }],
    ['a repeated header', { [CLIENT_IP_HEADER]: ['1.2.3.4', '1.2.3.4'], [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('1.2.3.4', SECRET) }],
    ['a signed non-address', { [CLIENT_IP_HEADER]: 'not-an-ip', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('not-an-ip', SECRET) }],
  ])('falls back to the socket address for %s', (_case, headers) => {
    expect(verifiedClientIp(from('203.0.113.6', headers), SECRET)).toBe('203.0.113.6');
  });
});
