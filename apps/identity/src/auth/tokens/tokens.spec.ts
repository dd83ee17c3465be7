import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../shared/clock';
import { AccessTokenIssuer, InvalidTokenError, TokenVerifier, type AccessTokenConfig } from './access-tokens';
import { jose } from './jose';
import { jwksDocument, loadSigningKey, type SigningKey } from './signing-key';

const config: AccessTokenConfig = { issuer: 'https://lsc.test/identity', audience: 'lsc-membership', ttlSeconds: 900 };
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const freshPem = (): string => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('signing keys and JWKS', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'identity-keys-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a development key once, persists it with mode 0600 and reuses it', async () => {
    const file = join(dir, 'keys', 'jwt-ed25519.pem');
    const first = await loadSigningKey({ devKeyFile: file, nodeEnv: 'development' });
    const second = await loadSigningKey({ devKeyFile: file, nodeEnv: 'development' });
    expect(second.kid).toBe(first.kid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
  });

  it('loads PEM (with escaped newlines) and JWK from config to the same kid', async () => {
    const pem = freshPem();
    const fromPem = await loadSigningKey({ privateKeyPem: pem.replace(/\n/g, '\\n') });
    const jwk = createPrivateKey(pem).export({ format: 'jwk' });
    const fromJwk = await loadSigningKey({ privateJwk: JSON.stringify(jwk) });
    expect(fromJwk.kid).toBe(fromPem.kid);
  });

  it('refuses to run without a configured key in production, and refuses non-Ed25519 keys', async () => {
    await expect(loadSigningKey({ devKeyFile: join(dir, 'k.pem'), nodeEnv: 'production' })).rejects.toThrow(/production/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(loadSigningKey({ privateKeyPem: rsa })).rejects.toThrow(/Ed25519/);
  });

  it('publishes only the public key in the JWKS', async () => {
    const key = await loadSigningKey({ privateKeyPem: freshPem() });
    const doc = jwksDocument([key]);
    expect(doc.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid, alg: 'EdDSA', use: 'sig' }]);
    expect(JSON.stringify(doc)).not.toContain('"d"');
  });
});

describe('access tokens', () => {
  let key: SigningKey;
  let other: SigningKey;
  let clock: ManualClock;
  let issuer: AccessTokenIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    key = await loadSigningKey({ privateKeyPem: freshPem() });
    other = await loadSigningKey({ privateKeyPem: freshPem() });
  });
  beforeEach(() => {
    clock = new ManualClock(Date.parse('2025-06-01T08:00:00Z'));
    issuer = new AccessTokenIssuer(key, config, clock);
    verifier = new TokenVerifier(jwksDocument([key]), config, clock);
  });

  const refusal = (token: string): Promise<unknown> => verifier.verify(token).then(() => 'accepted', (e: unknown) => e);
  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
    const now = Math.floor(clock.now() / 1000);
    return { iss: config.issuer, aud: config.audience, sub: 'user-1', roles: ['member'], typ: 'access', iat: now, nbf: now, exp: now + 900, jti: 'j1', ...overrides };
  };
  const signWith = (signing: SigningKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> =>
    new jose.SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: signing.kid, typ: 'at+jwt', ...header }).sign(signing.privateKey);

  it('issues an EdDSA token with iss, aud, sub, roles, typ, iat, nbf, exp, kid that verifies', async () => {
    const issued = await issuer.issue({ sub: 'user-1', roles: ['member', 'admin'] });
    expect(issued).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const header = jose.decodeProtectedHeader(issued.accessToken);
    expect(header).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' });
    const payload = jose.decodeJwt(issued.accessToken);
    expect(payload).toMatchObject({ iss: config.issuer, aud: config.audience, sub: 'user-1', roles: ['member', 'admin'], typ: 'access' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.nbf).toBe(payload.iat);
    expect(await verifier.verify(issued.accessToken)).toMatchObject({ sub: 'user-1', roles: ['member', 'admin'] });
  });

  it('refuses alg "none"', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`;
    expect(await refusal(token)).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a wrong audience and a wrong issuer', async () => {
    expect(await refusal(await signWith(key, claims({ aud: 'billing' })))).toBeInstanceOf(InvalidTokenError);
    expect(await refusal(await signWith(key, claims({ iss: 'https://evil.example' })))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an expired token (15 min + tolerance) and one not yet valid', async () => {
    const { accessToken } = await issuer.issue({ sub: 'user-1', roles: [] });
    clock.advance(900_000 + 6_000);
    expect(await refusal(accessToken)).toBeInstanceOf(InvalidTokenError);
    expect(await refusal(await signWith(key, claims({ nbf: Math.floor(clock.now() / 1000) + 120 })))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses HS256 signed with the public key as HMAC secret (algorithm confusion)', async () => {
    const header = b64({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' });
    const body = b64(claims());
    const secrets = [JSON.stringify(key.publicJwk), Buffer.from(key.publicJwk.x!, 'base64url')];
    for (const secret of secrets) {
      const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
      expect(await refusal(`${header}.${body}.${signature}`)).toBeInstanceOf(InvalidTokenError);
    }
  });

  it('refuses a token signed by another key, even when it claims our kid', async () => {
    expect(await refusal(await signWith(other, claims()))).toBeInstanceOf(InvalidTokenError);
    expect(await refusal(await signWith(other, claims(), { kid: key.kid }))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token of another type (typ claim or header)', async () => {
    expect(await refusal(await signWith(key, claims({ typ: 'refresh' })))).toBeInstanceOf(InvalidTokenError);
    expect(await refusal(await signWith(key, claims(), { typ: 'JWT' }))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token missing exp, and a tampered payload', async () => {
    const { exp: _exp, ...withoutExp } = claims();
    expect(await refusal(await signWith(key, withoutExp))).toBeInstanceOf(InvalidTokenError);
    const [h, , s] = (await issuer.issue({ sub: 'user-1', roles: ['member'] })).accessToken.split('.');
    expect(await refusal(`${h}.${b64(claims({ roles: ['admin'] }))}.${s}`)).toBeInstanceOf(InvalidTokenError);
  });

  it('answers 401 with a Chinese message', async () => {
    const error = (await refusal('garbage')) as InvalidTokenError;
    expect(error.getStatus()).toBe(401);
    expect(error.message).toBeDefined();
    expect(JSON.stringify(error.getResponse())).toContain('请重新登录');
  });
});
