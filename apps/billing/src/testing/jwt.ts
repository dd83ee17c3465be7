import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Jose from 'jose';

// jose 6 is ESM-only; load it through Node's require like service-kit's auth does (jest's registry cannot).
const jose = process.getBuiltinModule('node:module').createRequire(__filename)('jose') as typeof Jose;

export interface TestIssuer {
  jwksUrl: string;
  token(sub: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
}

/** An identity stand-in for tests: an Ed25519 key, its JWKS on a loopback server, and access tokens signed with it. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'test-key', alg: 'EdDSA', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    token: (sub, roles) =>
      new jose.SignJWT({ roles, typ: 'access' })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'test-key' })
        .setIssuer('https://lsc.org.cn/identity')
        .setAudience('lsc-membership')
        .setSubject(sub)
        .setIssuedAt()
        .setNotBefore('0s')
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
