export { createApiClient, unwrap, REFRESH_PATH, SESSIONS_PATH, SESSION_TRANSPORT_HEADER, type ApiClient, type ApiClientOptions, type GatewayClient } from './client';
export { ApiError, NetworkError, RateLimitedError, apiErrorFrom, retryAfterSeconds, type ApiErrorBody, type FieldProblem } from './errors';
export { toFailure, failureMessage, fieldErrors, type Failure, type FailureDetail } from './failures';
export { SessionState, type Principal, type SessionSnapshot } from './session';
export type { components, operations, paths } from './generated/gateway';
export type { AnswerOf, BodyOf, HttpMethod, PathsWith, QueryOf } from './answers';
