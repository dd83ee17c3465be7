import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Jose from 'jose';

// jose is ESM-only: load it through Node's own require, as libs/service-kit/src/auth.ts does.
const jose = process.getBuiltinModule('node:module').createRequire(__filename)('jose') as typeof Jose;

export interface StaffTokens {
  /** Pass as JWT_JWKS_URL. */
  readonly jwksUrl: string;
  sign(claims: { sub?: string; roles: string[] }): Promise<string>;
  close(): Promise<void>;
}

/** An identity stand-in for tests: an Ed25519 key, its JWKS on a loopback HTTP server, and access tokens signed with it. */
export async function startStaffTokens(): Promise<StaffTokens> {
  const { privateKey, publicKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'test-key', alg: 'EdDSA', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    sign: ({ sub = 'staff-1', roles }) =>
      new jose.SignJWT({ roles, typ: 'access' })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'test-key' })
        .setIssuer('https://lsc.org.cn/identity')
        .setAudience('lsc-membership')
        .setSubject(sub)
        .setIssuedAt()
        .setNotBefore('0s')
        .setExpirationTime('10m')
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
