import createClient, { type Client } from 'openapi-fetch';
import { apiErrorFrom, NetworkError } from './errors';
import type { paths } from './generated/gateway';
import { SessionState } from './session';

/**
 * The typed gateway client for the browser front-ends. Same origin as the pages (baseUrl '' by default), so no CORS.
 *
 * Sessions: every call to the identity session endpoints carries `X-Session-Transport: cookie`, so identity puts the
 * refresh token in an HttpOnly cookie scoped to those endpoints instead of the JSON body; this code never sees it.
 * The access token from the answer is kept in memory (SessionState). A 401 on any other call triggers one refresh
 * through the cookie (shared by concurrent callers) and one retry; if the refresh fails the session ends.
 */
export const SESSION_TRANSPORT_HEADER = 'X-Session-Transport';
export const SESSIONS_PATH = '/api/v1/identity/sessions';
export const REFRESH_PATH = `${SESSIONS_PATH}/refresh`;
/**
 * Account changes that end every earlier login and answer a new one in `session` (identity: 修改密码, 更换手机号).
 * They are ordinary authenticated calls that also ask for the cookie transport, so identity replaces the refresh
 * cookie (the old one belonged to an ended login: without this a reload would log the user out) and the client adopts
 * the new access token.
 */
export const SESSION_RENEWING_PATHS: readonly string[] = ['/api/v1/identity/me/password', '/api/v1/identity/me/mobile'];

export interface ApiClientOptions {
  /** Origin of the gateway; '' (same origin as the page) in the browser. Tests pass an absolute one. */
  baseUrl?: string;
  /** The fetch to use (defaults to globalThis.fetch, looked up at call time). */
  fetch?: (request: Request) => Promise<Response>;
  /** Called when a session ends other than by logout (refresh refused: expired, revoked, locked). */
  onSessionExpired?: () => void;
}

export type GatewayClient = Client<paths>;

export interface ApiClient extends GatewayClient {
  readonly session: SessionState;
  /** One refresh through the cookie; true when a session is now active. Concurrent calls share one request. */
  refreshSession(): Promise<boolean>;
  /** After a reload or in a new tab: resumes the login from the refresh cookie, if there is one. */
  restoreSession(): Promise<boolean>;
  /** Ends the login on the server (which clears the cookie) and forgets the access token. */
  logout(): Promise<void>;
}

const pathOf = (url: string): string => new URL(url, 'http://origin.invalid').pathname;

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const transport = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const session = new SessionState();
  let refreshing: Promise<boolean> | undefined;

  const send = async (request: Request): Promise<Response> => {
    try {
      return await transport(request);
    } catch (err) {
      // An abort is the caller's own doing, not a network failure.
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new NetworkError(err);
    }
  };

  const withSessionHeaders = (request: Request): Request => {
    const headers = new Headers(request.headers);
    const path = pathOf(request.url);
    if (path.startsWith(SESSIONS_PATH)) headers.set(SESSION_TRANSPORT_HEADER, 'cookie');
    else {
      if (SESSION_RENEWING_PATHS.includes(path)) headers.set(SESSION_TRANSPORT_HEADER, 'cookie');
      if (session.accessToken && !headers.has('authorization')) headers.set('authorization', `Bearer ${session.accessToken}`);
    }
    return new Request(request, { headers, credentials: 'same-origin' });
  };

  const refreshSession = (): Promise<boolean> => {
    refreshing ??= (async () => {
      const response = await send(withSessionHeaders(new Request(`${baseUrl}${REFRESH_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })));
      // 200: a new access token. 204: this browser holds no refresh cookie (never logged in, or logged out).
      if (response.status === 200 && session.startFrom(await response.json().catch(() => undefined))) return true;
      const hadSession = session.loggedIn;
      session.end();
      if (hadSession) options.onSessionExpired?.();
      // 204/401 mean "no (valid) login": answers, not failures. Anything else (5xx, 429, 403) is reported.
      if (response.status !== 204 && response.status !== 401) throw apiErrorFrom(response, await response.json().catch(() => undefined));
      return false;
    })().finally(() => (refreshing = undefined));
    return refreshing;
  };

  const fetchWithSession = async (request: Request): Promise<Response> => {
    const path = pathOf(request.url);
    const sessionCall = path.startsWith(SESSIONS_PATH);
    // Kept before sending: a body can be read only once, and the retry needs it again.
    const spare = sessionCall ? undefined : request.clone();
    const response = await send(withSessionHeaders(request));
    if (sessionCall) {
      if (request.method === 'DELETE') session.end();
      else if (response.ok) session.startFrom(await response.clone().json().catch(() => undefined));
      return response;
    }
    const adoptRenewedSession = async (answer: Response): Promise<Response> => {
      if (answer.ok && SESSION_RENEWING_PATHS.includes(path)) {
        const body: unknown = await answer.clone().json().catch(() => undefined);
        if (body && typeof body === 'object') session.startFrom((body as { session?: unknown }).session);
      }
      return answer;
    };
    if (response.status !== 401 || !spare) return adoptRenewedSession(response);
    const refreshed = await refreshSession().catch(() => false);
    if (!refreshed) return response;
    const retry = new Headers(spare.headers);
    retry.delete('authorization');
    return adoptRenewedSession(await send(withSessionHeaders(new Request(spare, { headers: retry }))));
  };

  const client = createClient<paths>({ baseUrl, fetch: fetchWithSession });
  return Object.assign(client, {
    session,
    refreshSession,
    restoreSession: () => (session.loggedIn ? Promise.resolve(true) : refreshSession().catch(() => false)),
    async logout(): Promise<void> {
      try {
        const response = await send(withSessionHeaders(new Request(`${baseUrl}${SESSIONS_PATH}`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' })));
        if (!response.ok && response.status !== 401) throw apiErrorFrom(response, await response.json().catch(() => undefined));
      } finally {
        session.end();
      }
    },
  });
}

interface FetchOutcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of an openapi-fetch call, or the ApiError (RateLimitedError for 429) of its error answer:
 * `const me = await unwrap(api.GET('/api/v1/identity/me'))`. Network failures reject with NetworkError.
 */
export async function unwrap<T>(call: Promise<FetchOutcome<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorFrom(response, error);
  return data as T;
}
