import { createApiClient, unwrap, type paths } from '@lsc/api-client';

/**
 * The one gateway client of the portal (@lsc/api-client: access token in memory, refresh through the HttpOnly cookie
 * on a 401, ApiError/RateLimitedError/NetworkError on failure).
 *
 * Paths are checked against the gateway's generated OpenAPI description, so a call to an endpoint that does not exist
 * fails to compile. The document declares no response schemas (and, for identity and billing, no request bodies or
 * query parameters), so the answers' shapes are declared next to each call in this folder until the services annotate
 * them; where it does declare a body (ApplyDto, ConfirmationDto) the generated type is used.
 */
let expiredListener: () => void = () => undefined;
export const onSessionExpired = (listener: () => void): void => {
  expiredListener = listener;
};

export const api = createApiClient({ baseUrl: '', onSessionExpired: () => expiredListener() });

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
/** The gateway paths that have an operation for the method (e.g. PathWith<'GET'>). */
type PathWith<M extends Method> = { [P in keyof paths]: paths[P] extends Record<Lowercase<M>, object> ? P : never }[keyof paths];

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
  // The generated operations describe neither these bodies nor the answers (see above): the init is passed as is.
  const request = api[method] as unknown as (p: string, i: typeof init) => ReturnType<typeof api.GET>;
  return unwrap(request(path, init)) as Promise<T>;
}

export const get = <T>(path: PathWith<'GET'>, options: CallOptions = {}) => send<T>('GET', path, options);
export const post = <T>(path: PathWith<'POST'>, options: CallOptions = {}) => send<T>('POST', path, options);
export const patch = <T>(path: PathWith<'PATCH'>, options: CallOptions = {}) => send<T>('PATCH', path, options);
