import type { paths } from './generated/gateway';

/**
 * Answer types read from the generated OpenAPI description, so the front-ends declare no response shapes of their
 * own: `AnswerOf<'/api/v1/identity/me', 'get'>` is the JSON body of the operation's success answer (200, 201 or 202).
 * An operation that documents no JSON success body (a file download, a 204) gives `never`.
 */
export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The gateway paths that have an operation for the method. */
export type PathsWith<M extends HttpMethod> = { [P in keyof paths]: paths[P] extends Record<M, object> ? P : never }[keyof paths];

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type SuccessOf<Responses> = Responses extends { 200: infer R } ? JsonOf<R> : Responses extends { 201: infer R } ? JsonOf<R> : Responses extends { 202: infer R } ? JsonOf<R> : never;

export type AnswerOf<P extends keyof paths, M extends HttpMethod> = paths[P] extends Record<M, { responses: infer Responses }> ? SuccessOf<Responses> : never;

/** The JSON request body an operation documents (`never` when it documents none). */
export type BodyOf<P extends keyof paths, M extends HttpMethod> = paths[P] extends Record<M, { requestBody?: { content: { 'application/json': infer B } } }> ? B : never;

/** The query parameters an operation documents (`never` when it documents none). */
export type QueryOf<P extends keyof paths, M extends HttpMethod> = paths[P] extends Record<M, { parameters: { query?: infer Q } }> ? NonNullable<Q> : never;
