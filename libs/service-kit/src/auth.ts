import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type * as Jose from 'jose';
import type { FastifyRequest } from 'fastify';
import { CONFIG, type BaseServiceConfig } from './config';
import { ApiError } from './errors';

// jose 6 is ESM-only; Node ≥ 20.19 require()s it, jest's registry cannot, so load it through Node's own require.
const jose = process.getBuiltinModule('node:module').createRequire(__filename)('jose') as typeof Jose;

/** Who is calling: an institution account (role `institution`, sub = institution id) or a staff account. */
export interface Principal {
  sub: string;
  roles: string[];
}

export const STAFF_ROLES = ['finance', 'member_admin', 'super_admin'] as const;
export type Role = 'institution' | (typeof STAFF_ROLES)[number];

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const ROLES_KEY = 'lsc:roles';
/** Restricts a route to callers holding at least one of the roles. Without it, any authenticated caller passes. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', '请先登录');
  return principal;
});

const unauthenticated = () => new ApiError(401, 'UNAUTHENTICATED', '登录状态无效或已过期，请重新登录');

export type AccessTokenVerifier = (token: string) => Promise<Jose.JWTPayload>;

/**
 * Checks an access token as identity issued it: EdDSA only (no `none`, no HS/RS confusion), iss, aud, exp, nbf, typ
 * `at+jwt`, against identity's JWKS (cached; refetched on an unknown kid at most every 30 s). Rejects with jose's errors.
 */
export function accessTokenVerifier(config: Pick<BaseServiceConfig, 'JWT_JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>): AccessTokenVerifier {
  const keys = jose.createRemoteJWKSet(new URL(config.JWT_JWKS_URL), { cooldownDuration: 30000, cacheMaxAge: 600000, timeoutDuration: 3000 });
  return async (token) =>
    (
      await jose.jwtVerify(token, keys, {
        algorithms: ['EdDSA'],
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        typ: 'at+jwt',
        clockTolerance: 5,
        requiredClaims: ['iss', 'aud', 'sub', 'exp', 'nbf', 'iat'],
      })
    ).payload;
}

/** Admits callers with a valid bearer access token (accessTokenVerifier) holding the route's roles. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly verify: AccessTokenVerifier;

  constructor(
    @Inject(CONFIG) config: BaseServiceConfig,
    private readonly reflector: Reflector,
  ) {
    this.verify = accessTokenVerifier(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw new ApiError(401, 'UNAUTHENTICATED', '请先登录');
    let payload: Jose.JWTPayload;
    try {
      payload = await this.verify(header.slice(7).trim());
    } catch (err) {
      // No key to check against because identity's JWKS could not be fetched (restarting, slow): our outage, not a bad
      // token — answer 503 so the client retries instead of being sent back to the login page.
      if (!(err instanceof jose.errors.JOSEError) || err instanceof jose.errors.JWKSTimeout) {
        throw new ApiError(503, 'AUTH_UNAVAILABLE', '身份认证服务暂不可用，请稍后再试');
      }
      throw unauthenticated();
    }
    const roles = payload.roles;
    if (payload.typ !== 'access' || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw unauthenticated();
    request.principal = { sub: payload.sub!, roles: roles as string[] };
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (required?.length && !required.some((r) => request.principal!.roles.includes(r))) throw new ApiError(403, 'FORBIDDEN', '无权执行此操作');
    return true;
  }
}

/** An institution may only see and act on its own data; staff roles may act on any. */
export function assertOwnInstitution(principal: Principal, institutionId: string): void {
  if (principal.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r))) return;
  if (principal.sub !== institutionId) throw new ApiError(404, 'NOT_FOUND', '请求的资源不存在');
}

export const isStaff = (principal: Principal): boolean => principal.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r));
