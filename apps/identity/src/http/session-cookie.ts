import { HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@lsc/service-kit';
import { DEFAULT_REFRESH_TOKEN_CONFIG } from '../auth';
import type { SessionResponse } from '../app/sessions.service';

/**
 * Browser sessions. A browser asks for them with `X-Session-Transport: cookie` (the portal's and console's API
 * client does): the refresh token then travels only in an HttpOnly cookie — script on the page can never read it —
 * and the JSON answer carries just the access token, which the page keeps in memory. API clients that send no such
 * header keep getting the refresh token in the body and sending it back in the body, as before.
 *
 * The cookie's Path covers the session endpoints (/sessions/refresh to refresh, DELETE /sessions to log out) and
 * nothing else, so it never rides along on ordinary API calls. SameSite=Strict keeps browsers from sending it on
 * requests started by other sites; the Origin / Sec-Fetch-Site check below refuses them even where SameSite is not
 * enforced (older browsers, same-site but cross-origin pages).
 */
export const SESSION_TRANSPORT_HEADER = 'x-session-transport';
export const REFRESH_COOKIE = 'lsc_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/identity/sessions';
const COOKIE_MAX_AGE_SECONDS = Math.floor(DEFAULT_REFRESH_TOKEN_CONFIG.familyLifetimeMs / 1000);

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

export const wantsCookieSession = (request: FastifyRequest): boolean => first(request.headers[SESSION_TRANSPORT_HEADER])?.toLowerCase() === 'cookie';

/** HTTPS as the browser used it: the gateway (the only way in) states the client's scheme in X-Forwarded-Proto. */
const overHttps = (request: FastifyRequest): boolean => (first(request.headers['x-forwarded-proto']) ?? request.protocol) === 'https';

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  return [`${REFRESH_COOKIE}=${value}`, `Path=${REFRESH_COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(overHttps(request) ? ['Secure'] : [])].join('; ');
}

export function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, refreshToken: string): void {
  void reply.header('set-cookie', cookie(request, refreshToken, COOKIE_MAX_AGE_SECONDS));
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('set-cookie', cookie(request, '', 0));
}

/**
 * A session's answer for whoever asked: a browser session (cookie transport) gets the refresh token in the HttpOnly
 * cookie and never in the body; an API client gets it in the body as before. Every answer that starts a session goes
 * through here (login, refresh, and the account changes that end the earlier logins and start a new one).
 */
export function deliverSession(session: SessionResponse, request: FastifyRequest, reply: FastifyReply): SessionResponse | Omit<SessionResponse, 'refreshToken'> {
  if (!wantsCookieSession(request)) return session;
  const { refreshToken, ...rest } = session;
  setRefreshCookie(request, reply, refreshToken);
  return rest;
}

/** The refresh token from the Cookie header, if the browser sent one. */
export function refreshTokenFromCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === REFRESH_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export const crossSiteRefused = (): ApiError => new ApiError(HttpStatus.FORBIDDEN, 'CROSS_SITE_REQUEST', '拒绝来自其他网站的请求：请在本站页面中操作');

/**
 * Refuses a cookie-authenticated request that a browser made on behalf of another origin. Browsers state it in
 * Sec-Fetch-Site (current engines) or Origin (every engine, on POST/DELETE); a request carrying neither did not come
 * from a browser page and has no business using the browser's cookie either.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const site = first(request.headers['sec-fetch-site']);
  if (site !== undefined) {
    if (site !== 'same-origin') throw crossSiteRefused();
    return;
  }
  const origin = first(request.headers.origin);
  const host = first(request.headers['x-forwarded-host']) ?? first(request.headers.host);
  const scheme = overHttps(request) ? 'https' : 'http';
  if (!origin || !host || origin.toLowerCase() !== `${scheme}://${host}`.toLowerCase()) throw crossSiteRefused();
}
