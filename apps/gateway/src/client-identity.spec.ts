import type { FastifyRequest } from 'fastify';
import { clientIp, proxyTrust, rememberingVerifier, verifiedSubject } from './client-identity';
import { testTokenIssuer, type TestTokenIssuer } from './testing/token-issuer';
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

describe('verifiedSubject', () => {
  let issuer: TestTokenIssuer;
  let forger: TestTokenIssuer;
  let verify: (token: string) => Promise<Record<string, unknown>>;

  beforeAll(async () => {
    [issuer, forger] = await Promise.all([testTokenIssuer(), testTokenIssuer()]);
    const jose = process.getBuiltinModule('node:module').createRequire(__filename)('jose') as typeof import('jose');
    const keys = jose.createLocalJWKSet(issuer.jwks);
    verify = async (token) => (await jose.jwtVerify(token, keys, { algorithms: ['EdDSA'], issuer: 'https://lsc.org.cn/identity', audience: 'lsc-membership', typ: 'at+jwt' })).payload;
  });

  it('reads sub from an access token whose signature holds', async () => {
    expect(await verifiedSubject(`Bearer ${await issuer.accessToken('org-42')}`, verify)).toBe('org-42');
  });

  it('ignores the sub of a token signed by another key, unsigned or merely shaped like a JWT', async () => {
    const unsigned = `e30.${Buffer.from(JSON.stringify({ sub: 'org-42' })).toString('base64url')}.sig`;
    for (const header of [`Bearer ${await forger.accessToken('org-42')}`, `Bearer ${unsigned}`, jwt({ sub: 'org-42' }), undefined, 'Basic abc', 'Bearer not-a-jwt']) {
      expect([header, await verifiedSubject(header, verify)]).toEqual([header, undefined]);
    }
  });

  it('gives no subject when the keys cannot be fetched', async () => {
    const unreachable = async (): Promise<never> => {
      throw new Error('JWKS unreachable');
    };
    expect(await verifiedSubject(`Bearer ${await issuer.accessToken('org-42')}`, unreachable)).toBeUndefined();
  });
});

describe('rememberingVerifier', () => {
  it('verifies a token once until it expires, never remembers a failure, and stays bounded', async () => {
    let clock = 1_000_000;
    const calls: string[] = [];
    const inner = async (token: string) => {
      calls.push(token);
      if (token.startsWith('bad')) throw new Error('signature');
      return { sub: token, exp: 1_000 + 60 };
    };
    const verify = rememberingVerifier(inner, { maxEntries: 2, now: () => clock });
    for (let i = 0; i < 5; i++) expect(await verify('a')).toMatchObject({ sub: 'a' });
    for (let i = 0; i < 2; i++) await expect(verify('bad')).rejects.toThrow('signature');
    expect(calls).toEqual(['a', 'bad', 'bad']);
    clock = 1_060_000; // exp reached
    await verify('a');
    expect(calls.filter((c) => c === 'a')).toHaveLength(2);
    clock = 1_000_000;
    await verify('b');
    await verify('c'); // evicts a, the oldest
    await verify('a');
    expect(calls.filter((c) => c === 'a')).toHaveLength(3);
  });
});
