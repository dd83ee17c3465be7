import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Jose from 'jose';

// jose 6 is ESM-only; jest's registry cannot load it, Node's own require can (as libs/service-kit/src/auth.ts does).
const jose = process.getBuiltinModule('node:module').createRequire(__filename)('jose') as typeof Jose;

export interface TestIssuer {
  readonly jwksUrl: string;
  /** An access token as identity issues it (EdDSA, typ at+jwt, iss/aud of the platform). */
  token(sub: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
}

/** A stand-in for identity's signing key and JWKS endpoint, on a loopback port. */
export async function startTestIssuer(audience = 'lsc-membership', issuer = 'https://lsc.org.cn/identity'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = 'test-key-1';
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    token: (sub, roles) =>
      new jose.SignJWT({ roles, typ: 'access' })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt()
        .setNotBefore('0s')
        .setExpirationTime('15m')
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
