import { createApiClient, unwrap, type AnswerOf, type PathsWith } from '@lsc/api-client';

/**
 * The one gateway client of the portal (@lsc/api-client: access token in memory, refresh through the HttpOnly cookie
 * on a 401, ApiError/RateLimitedError/NetworkError on failure).
 *
 * Paths are checked against the gateway's generated OpenAPI description, so a call to an endpoint that does not exist
 * fails to compile, and each call's answer type is the one the document declares for that path (AnswerOf): the portal
 * declares no response shapes of its own.
 */
let expiredListener: () => void = () => undefined;
export const onSessionExpired = (listener: () => void): void => {
  expiredListener = listener;
};

export const api = createApiClient({ baseUrl: '', onSessionExpired: () => expiredListener() });

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface CallOptions {
  /** Values for the `{name}` segments of the path. */
  path?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  parseAs?: 'json' | 'blob';
}

/** One call through the generated client; rejects with the client's ApiError/RateLimitedError/NetworkError. */
function send<T>(method: Method, path: string, options: CallOptions): Promise<T> {
  const query = Object.fromEntries(Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined));
  const init = {
    params: { path: options.path ?? {}, query },
    ...(options.form ? { body: options.form } : options.json !== undefined ? { body: options.json } : {}),
    headers: options.headers,
    parseAs: options.parseAs ?? 'json',
  };
  // One untyped init for every path: the typed surface is get/post/patch below (path checked, answer inferred).
  const request = api[method] as unknown as (p: string, i: typeof init) => ReturnType<typeof api.GET>;
  return unwrap(request(path, init)) as Promise<T>;
}

export const get = <P extends PathsWith<'get'>>(path: P, options: CallOptions = {}) => send<AnswerOf<P, 'get'>>('GET', path, options);
export const post = <P extends PathsWith<'post'>>(path: P, options: CallOptions = {}) => send<AnswerOf<P, 'post'>>('POST', path, options);
export const patch = <P extends PathsWith<'patch'>>(path: P, options: CallOptions = {}) => send<AnswerOf<P, 'patch'>>('PATCH', path, options);
/** A file answer (invoice PDF/XML): fetched with the access token, so it is downloaded, not linked. */
export const getFile = (path: PathsWith<'get'>, options: CallOptions = {}) => send<Blob>('GET', path, { ...options, parseAs: 'blob' });
