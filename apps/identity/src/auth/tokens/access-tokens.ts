import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@lsc/service-kit';
import { randomUUID, sign } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock';
import { jose, type JWK } from './jose';
import { TOKEN_ALGORITHM, type SigningKey } from './signing-key';

export interface AccessTokenConfig {
  issuer: string;
  audience: string;
  /** Short on purpose: access tokens cannot be revoked, refresh tokens can. */
  ttlSeconds: number;
}

export const DEFAULT_ACCESS_TOKEN_CONFIG: AccessTokenConfig = { issuer: 'https://lsc.org.cn/identity', audience: 'lsc-membership', ttlSeconds: 900 };

/** RFC 9068 media type in the header, plus our own `typ` claim, so no other JWT we sign can pass as an access token. */
const HEADER_TYP = 'at+jwt';

export interface AccessTokenClaims {
  sub: string;
  roles: string[];
  jti: string;
  iat: number;
  exp: number;
}

export interface IssuedAccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  expiresAt: number;
}

export class AccessTokenIssuer {
  constructor(
    private readonly key: SigningKey,
    private readonly config: AccessTokenConfig = DEFAULT_ACCESS_TOKEN_CONFIG,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Compact JWS built by hand and signed with node:crypto's synchronous Ed25519 sign (~0.1 ms here). jose signs through
   * WebCrypto, whose jobs queue on libuv's thread pool behind the argon2 verifications of every login in flight, so
   * each login waited for the pool twice. Verification (TokenVerifier, other services) still uses jose.
   */
  async issue(subject: { sub: string; roles: readonly string[] }): Promise<IssuedAccessToken> {
    const iat = Math.floor(this.clock.now() / 1000);
    const exp = iat + this.config.ttlSeconds;
    const header = base64url({ alg: TOKEN_ALGORITHM, kid: this.key.kid, typ: HEADER_TYP });
    const payload = base64url({
      roles: [...subject.roles],
      typ: 'access',
      iss: this.config.issuer,
      aud: this.config.audience,
      sub: subject.sub,
      iat,
      nbf: iat,
      exp,
      jti: randomUUID(),
    });
    const signingInput = `${header}.${payload}`;
    const signature = sign(null, Buffer.from(signingInput), this.key.privateKeyObject).toString('base64url');
    return { accessToken: `${signingInput}.${signature}`, tokenType: 'Bearer', expiresIn: this.config.ttlSeconds, expiresAt: exp * 1000 };
  }
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class InvalidTokenError extends ApiError {
  constructor(readonly reason: string) {
    super(HttpStatus.UNAUTHORIZED, 'INVALID_TOKEN', '登录状态无效或已过期，请重新登录');
  }
}

/**
 * Verifies access tokens (ASVS V9): EdDSA is the only accepted algorithm, so `none` and HS256-with-the-public-key
 * are refused before any signature maths; iss, aud, exp, nbf and the token type are all checked.
 */
export class TokenVerifier {
  private readonly keySet: ReturnType<typeof jose.createLocalJWKSet>;

  constructor(
    jwks: { keys: JWK[] },
    private readonly config: Pick<AccessTokenConfig, 'issuer' | 'audience'> & { clockToleranceSeconds?: number } = DEFAULT_ACCESS_TOKEN_CONFIG,
    private readonly clock: Clock = systemClock,
  ) {
    this.keySet = jose.createLocalJWKSet(jwks);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    let payload: Awaited<ReturnType<typeof jose.jwtVerify>>['payload'];
    try {
      ({ payload } = await jose.jwtVerify(token, this.keySet, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
        typ: HEADER_TYP,
        currentDate: new Date(this.clock.now()),
        clockTolerance: this.config.clockToleranceSeconds ?? 5,
        requiredClaims: ['iss', 'aud', 'sub', 'exp', 'nbf', 'iat', 'jti'],
      }));
    } catch (err) {
      throw new InvalidTokenError(err instanceof Error ? `${err.name}: ${err.message}` : 'unverifiable');
    }
    const roles = payload.roles;
    if (payload.typ !== 'access') throw new InvalidTokenError('typ claim is not "access"');
    if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) throw new InvalidTokenError('roles claim malformed');
    return { sub: payload.sub!, roles, jti: payload.jti!, iat: payload.iat!, exp: payload.exp! };
  }
}
