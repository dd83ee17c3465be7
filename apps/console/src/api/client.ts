import { apiErrorFrom, createApiClient, NetworkError, unwrap, type AnswerOf, type PathsWith } from '@lsc/api-client';

/**
 * The console's one gateway client (@lsc/api-client: access token in memory, refresh through the HttpOnly cookie on
 * a 401, ApiError/RateLimitedError/NetworkError). Paths are checked against the generated OpenAPI description and each
 * call's answer type is the one the document declares for that path (AnswerOf): the console declares none of its own.
 */
let expiredListener: () => void = () => undefined;
export const onSessionExpired = (listener: () => void): void => {
  expiredListener = listener;
};

export const api = createApiClient({ baseUrl: '', onSessionExpired: () => expiredListener() });

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CallOptions {
  path?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  parseAs?: 'json' | 'blob';
}

function send<T>(method: Method, path: string, options: CallOptions): Promise<T> {
  const query = Object.fromEntries(Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  const init = {
    params: { path: options.path ?? {}, query },
    ...(options.form ? { body: options.form } : options.json !== undefined ? { body: options.json } : {}),
    headers: options.headers,
    parseAs: options.parseAs ?? 'json',
  };
  const request = api[method] as unknown as (p: string, i: typeof init) => ReturnType<typeof api.GET>;
  return unwrap(request(path, init)) as Promise<T>;
}

export const get = <P extends PathsWith<'get'>>(path: P, options: CallOptions = {}) => send<AnswerOf<P, 'get'>>('GET', path, options);
export const post = <P extends PathsWith<'post'>>(path: P, options: CallOptions = {}) => send<AnswerOf<P, 'post'>>('POST', path, options);
export const put = <P extends PathsWith<'put'>>(path: P, options: CallOptions = {}) => send<AnswerOf<P, 'put'>>('PUT', path, options);

/** A file download through the client (the bearer token never goes into a URL), saved under the server's name. */
export async function download(path: PathsWith<'get'>, options: CallOptions, fallbackName: string): Promise<void> {
  const blob = await send<Blob>('GET', path, { ...options, parseAs: 'blob' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A multipart upload with upload progress (fetch reports none): XMLHttpRequest with the client's access token, one
 * refresh and retry on a 401 like every other call. `onProgress(sent, total)`; `onUploaded` once the last byte left
 * and the server is working on it (a 100k-line statement takes a while to import and reconcile).
 */
export function upload<P extends PathsWith<'post'>, T = AnswerOf<P, 'post'>>(path: P, form: FormData, handlers: { onProgress?: (sent: number, total: number) => void; onUploaded?: () => void; signal?: AbortSignal } = {}): Promise<T> {
  const once = () =>
    new Promise<{ status: number; body: unknown; headers: Headers }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      if (api.session.accessToken) xhr.setRequestHeader('authorization', `Bearer ${api.session.accessToken}`);
      xhr.upload.onprogress = (e) => handlers.onProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
      xhr.upload.onload = () => handlers.onUploaded?.();
      xhr.onload = () => {
        let body: unknown;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = undefined;
        }
        const headers = new Headers();
        const retryAfter = xhr.getResponseHeader('retry-after');
        if (retryAfter) headers.set('retry-after', retryAfter);
        resolve({ status: xhr.status, body, headers });
      };
      xhr.onerror = () => reject(new NetworkError(new Error('upload failed')));
      handlers.signal?.addEventListener('abort', () => xhr.abort());
      xhr.send(form);
    });
  return (async () => {
    let answer = await once();
    if (answer.status === 401 && (await api.refreshSession().catch(() => false))) answer = await once();
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    throw apiErrorFrom({ status: answer.status, headers: answer.headers }, answer.body);
  })();
}
