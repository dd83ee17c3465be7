import type * as Jose from 'jose';
import { randomUUID } from 'node:crypto';

// jose 6 is ESM-only; jest's registry cannot load it, Node's own require can.
const jose = process.getBuiltinModule('node:module').createRequire(__filename)('jose') as typeof Jose;

/** Issuer and audience the gateway's config defaults to, as identity signs them. */
const ISSUER = 'https://lsc.org.cn/identity';
const AUDIENCE = 'lsc-membership';

/** An Ed25519 key signing access tokens as identity does, and the JWKS publishing it. */
export interface TestTokenIssuer {
  jwks: { keys: Jose.JWK[] };
  accessToken(sub: string): Promise<string>;
}

export async function testTokenIssuer(): Promise<TestTokenIssuer> {
  const { privateKey, publicKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    accessToken: (sub) =>
      new jose.SignJWT({ roles: ['institution'], typ: 'access' })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setNotBefore('0s')
        .setExpirationTime('5m')
        .sign(privateKey),
  };
}
