/**
 * Walks every HTTP route of a Nest service in-process and sends each the bad input an end user can send — missing
 * fields, values of the wrong kind, blank and over-long text, unknown fields and query parameters, out-of-range
 * pagination — then judges every answer as the person reading it would:
 * - never a 5xx;
 * - every 4xx in the standard shape {code, message, details[]}, in Chinese, without the framework's English
 *   ("property q should not exist", "must be a string", "Validation failed");
 * - each fault said once: no field reported twice for one fault (an absent or wrong-kind value is one fault), no
 *   message repeated in the summary;
 * - each message names its field: two fields never share one message, and an unknown key is named.
 * Routes come from Nest's own metadata (controllers, paths, guards, roles, @Body/@Query DTOs), so endpoints added
 * later are walked without touching the test. A body validated inside the handler (not through a typed @Body) is
 * still walked: its fields are learnt from the answers, and from every property class-validator knows.
 */
import { randomUUID } from 'node:crypto';
import { RequestMethod, type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getMetadataStorage } from 'class-validator';
import { ROLES_KEY } from '@lsc/service-kit';

export interface WalkedRoute {
  method: string;
  path: string;
  handler: string;
  /** Roles the route requires (undefined: none declared); a guarded route gets a token with these. */
  roles?: string[];
  guarded: boolean;
  body?: Type<unknown> | 'opaque';
  query?: Type<unknown> | 'opaque';
}

export interface WalkOptions {
  app: NestFastifyApplication;
  /** A bearer token for a principal with these roles (an institution when the route names none). */
  tokenFor(roles: string[]): Promise<string>;
  /** Routes not to walk, as `METHOD /path`, each with the reason (printed). */
  skip?: Record<string, string>;
}

export interface WalkReport {
  routes: WalkedRoute[];
  requests: number;
  findings: string[];
}

const PAGINATION_NAMES = new Set(['limit', 'offset', 'page', 'pageSize', 'perPage', 'skip', 'take']);
const PAGINATION_RULES = new Set(['pageLimit', 'pageOffset', 'pageNumber']);
const BAD_PAGINATION = ['1e21', '-1', 'abc', '1.5'];
const UNKNOWN_FIELD = 'zzUnknownField';
const UNKNOWN_PARAM = 'zzUnknownParam';
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
/** Three Latin words in a row, or a modal verb phrase: framework English, never a Chinese sentence with a code in it. */
const ENGLISH = /[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}|\b(?:must|should) (?:be|not)\b/i;
/** The probes whose fault is one fault per field: exactly one problem each. */
const ONE_FAULT_PROBES: Array<{ name: string; value: unknown }> = [
  { name: 'a number', value: 12345 },
  { name: 'an object', value: { x: 1 } },
  { name: 'a list', value: ['x'] },
  { name: 'a boolean', value: true },
  { name: 'null', value: null },
  { name: 'blank text', value: '   ' },
];
const LONG_TEXT = '图'.repeat(5001);

/** Every HTTP route Nest registered for the app's controllers. */
export function listRoutes(app: NestFastifyApplication): WalkedRoute[] {
  const routes: WalkedRoute[] = [];
  const seen = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const guards = [...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[]) ?? []), ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])];
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller)) as string[] | undefined;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number }>;
        const types = (Reflect.getMetadata('design:paramtypes', proto, name) ?? []) as unknown[];
        const dtoOf = (paramtype: number): Type<unknown> | 'opaque' | undefined => {
          const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(paramtype));
          if (!entry) return undefined;
          const type = types[entry[1].index];
          return typeof type === 'function' && hasRules(type) ? (type as Type<unknown>) : 'opaque';
        };
        for (const prefix of prefixes) {
          for (const path of asList(paths)) {
            routes.push({
              method: RequestMethod[method],
              path: `/${[prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`,
              handler: `${controller.name}.${name}`,
              roles,
              guarded: guards.length > 0,
              body: dtoOf(3),
              query: dtoOf(4),
            });
          }
        }
      }
    }
  }
  return routes;
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [''] : Array.isArray(value) ? value : [value]);
const hasRules = (type: unknown): boolean => typeof type === 'function' && getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;

/** Properties a DTO declares rules for, with the names of those rules. */
function declaredProperties(dto: Type<unknown>): Map<string, Set<string>> {
  const storage = getMetadataStorage();
  const properties = new Map<string, Set<string>>();
  for (const m of storage.getTargetValidationMetadatas(dto, '', true, false)) {
    const rule = m.name ?? storage.getTargetValidatorConstraints(m.constraintCls)[0]?.name ?? m.type;
    properties.set(m.propertyName, (properties.get(m.propertyName) ?? new Set()).add(rule));
  }
  return properties;
}

/** Every property name any loaded DTO validates: candidates for a body validated inside its handler. */
function everyKnownProperty(): string[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, Array<{ propertyName: string }>> };
  const names = new Set<string>();
  for (const list of storage.validationMetadatas.values()) for (const m of list) names.add(m.propertyName);
  return [...names];
}

interface Problem {
  field: string;
  rule: string;
  message: string;
}
interface Answer {
  status: number;
  body: { code?: unknown; message?: unknown; details?: unknown } | undefined;
  text: string;
}

export async function walkValidation(options: WalkOptions): Promise<WalkReport> {
  const { app } = options;
  const routes = listRoutes(app).filter((r) => !options.skip?.[`${r.method} ${r.path}`]);
  const findings: string[] = [];
  let requests = 0;
  const candidates = everyKnownProperty();

  for (const route of routes) {
    const url = route.path.replace(/:[A-Za-z_]+/g, () => randomUUID());
    const headers: Record<string, string> = { 'idempotency-key': randomUUID() };
    if (route.guarded) headers.authorization = `Bearer ${await options.tokenFor(route.roles ?? ['institution'])}`;
    const label = `${route.method} ${route.path} (${route.handler})`;

    const send = async (what: string, query: Record<string, string> = {}, body?: unknown): Promise<Answer> => {
      requests += 1;
      headers['idempotency-key'] = randomUUID();
      const res = await app.inject({ method: route.method as 'GET', url, query, headers: { ...headers }, ...(body === undefined ? {} : { payload: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } }) });
      const answer = { status: res.statusCode, body: parseJson(res.body), text: res.body.slice(0, 400) };
      judge(`${label} ${what}`, answer, findings);
      return answer;
    };

    // Without a token (a session that ran out): 401 in Chinese, like every other refusal.
    if (route.guarded) {
      requests += 1;
      const res = await app.inject({ method: route.method as 'GET', url, headers: { 'idempotency-key': randomUUID() } });
      judge(`${label} without a token`, { status: res.statusCode, body: parseJson(res.body), text: res.body.slice(0, 400) }, findings);
      if (res.statusCode !== 401) findings.push(`${label} without a token: answered ${res.statusCode}, expected 401`);
    }

    // Path: a parameter that is not an id (a hand-edited address) is the client's fault, never a 5xx.
    if (route.path.includes('/:')) {
      requests += 1;
      const res = await app.inject({ method: route.method as 'GET', url: route.path.replace(/:[A-Za-z_]+/g, 'not-an-id%27'), headers: { ...headers, 'idempotency-key': randomUUID() } });
      judge(`${label} with path parameters "not-an-id'"`, { status: res.statusCode, body: parseJson(res.body), text: res.body.slice(0, 400) }, findings);
    }

    // Query string: an unknown parameter, and pagination no list can serve.
    const unknownQuery = await send(`?${UNKNOWN_PARAM}=1`, { [UNKNOWN_PARAM]: '1' });
    if (route.query) expectNamed(`${label} ?${UNKNOWN_PARAM}=1`, unknownQuery, UNKNOWN_PARAM, findings);
    if (route.method === 'GET') await send('?limit=1e21&offset=1e21&page=1e21&pageSize=1e21', { limit: '1e21', offset: '1e21', page: '1e21', pageSize: '1e21' });
    if (route.query && route.query !== 'opaque') {
      for (const [property, rules] of declaredProperties(route.query)) {
        const paginated = [...rules].some((r) => PAGINATION_RULES.has(r));
        if (PAGINATION_NAMES.has(property) && !paginated) findings.push(`${label}: query parameter ${property} is not declared with @PageLimit/@PageOffset/@PageNumber (@lsc/validation)`);
        if (paginated || PAGINATION_NAMES.has(property)) {
          for (const bad of BAD_PAGINATION) {
            const answer = await send(`?${property}=${bad}`, { [property]: bad });
            if (answer.status !== 400) findings.push(`${label} ?${property}=${bad}: answered ${answer.status}, expected 400`);
            else expectOneProblem(`${label} ?${property}=${bad}`, answer, property, findings);
          }
        }
        await send(`?${property}=<5001 characters>`, { [property]: LONG_TEXT });
      }
    }

    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)) continue;
    // Body: which fields the route validates, from the DTO or, for a body validated in the handler, from the answers.
    const missing = await send('{}', {}, {});
    let fields: string[];
    if (route.body && route.body !== 'opaque') {
      fields = [...declaredProperties(route.body).keys()];
    } else {
      const probe = await send('{every known property}', {}, Object.fromEntries(candidates.map((c) => [c, 12345])));
      const reported = problemsOf(probe).filter((p) => p.rule !== 'whitelistValidation').map((p) => p.field.split('.')[0]);
      fields = [...new Set([...problemsOf(missing).map((p) => p.field.split('.')[0]), ...reported])].filter((f) => f && f !== 'body');
    }
    if (fields.length === 0) continue;
    checkDistinct(`${label} {}`, missing, findings);
    expectOnePerField(`${label} {}`, missing, findings);

    const unknownBody = await send(`{${UNKNOWN_FIELD}}`, {}, { [UNKNOWN_FIELD]: 'x' });
    expectNamed(`${label} {${UNKNOWN_FIELD}}`, unknownBody, UNKNOWN_FIELD, findings);

    for (const probe of ONE_FAULT_PROBES) {
      const answer = await send(`{every field: ${probe.name}}`, {}, Object.fromEntries(fields.map((f) => [f, probe.value])));
      checkDistinct(`${label} {every field: ${probe.name}}`, answer, findings);
      expectOnePerField(`${label} {every field: ${probe.name}}`, answer, findings);
    }
    const long = await send('{every field: 5001 characters}', {}, Object.fromEntries(fields.map((f) => [f, LONG_TEXT])));
    checkDistinct(`${label} {every field: 5001 characters}`, long, findings);
  }
  return { routes, requests, findings };
}

function parseJson(text: string): Answer['body'] {
  try {
    return JSON.parse(text) as Answer['body'];
  } catch {
    return undefined;
  }
}

function problemsOf(answer: Answer): Problem[] {
  const details = answer.body?.details;
  return Array.isArray(details) ? (details as Problem[]).filter((d) => d && typeof d.field === 'string' && typeof d.message === 'string') : [];
}

/** What every answer must be: no 5xx; a 4xx in the standard shape, in Chinese, each fault said once. */
function judge(what: string, answer: Answer, findings: string[]): void {
  if (answer.status >= 500) {
    findings.push(`${what}: answered ${answer.status} ${answer.text}`);
    return;
  }
  if (answer.status < 400) return;
  const body = answer.body;
  if (!body || typeof body.code !== 'string' || typeof body.message !== 'string' || !Array.isArray(body.details)) {
    findings.push(`${what}: ${answer.status} without the standard {code, message, details} body: ${answer.text}`);
    return;
  }
  const messages = [body.message, ...problemsOf(answer).map((p) => p.message)];
  for (const message of messages) {
    if (!CJK.test(message)) findings.push(`${what}: message without Chinese: "${message}"`);
    else if (ENGLISH.test(message.replaceAll(UNKNOWN_FIELD, '').replaceAll(UNKNOWN_PARAM, ''))) findings.push(`${what}: English framework text in "${message}"`);
  }
  const segments = body.message.replace(/^[^：]*：/u, '').split(/[；;]/u).map((s) => s.trim()).filter(Boolean);
  const repeated = segments.filter((s, i) => segments.indexOf(s) !== i);
  if (repeated.length > 0) findings.push(`${what}: the message says "${repeated[0]}" more than once: "${body.message}"`);
  for (const p of problemsOf(answer)) {
    const inner = p.message.split(/[；;]/u).map((s) => s.trim()).filter(Boolean);
    if (new Set(inner).size !== inner.length) findings.push(`${what}: ${p.field} says one thing twice: "${p.message}"`);
  }
}

/** Words every rule uses; a message made of nothing else ("不能为空", "须为整数") does not say which field it is about. */
const PREDICATE = /不能为空|格式不正确|不正确|无效|须为|必须|应为|整数|文本|数字|请填写|请选择|请输入|长度|不能超过|不能小于|不能大于|个字符|个字|至少|最多|之间的|之一|对象|列表|请求参数有误|[\p{P}\s\dA-Za-z]/gu;
const namesAField = (message: string): boolean => (message.replace(PREDICATE, '').match(/[\u3400-\u9fff]/gu)?.length ?? 0) >= 2;

/** Two fields never share a message: a message that could belong to either names neither. */
function checkDistinct(what: string, answer: Answer, findings: string[]): void {
  for (const p of problemsOf(answer)) if (!namesAField(p.message)) findings.push(`${what}: the message for ${p.field} does not say which field it is about: "${p.message}"`);
  const byMessage = new Map<string, Set<string>>();
  for (const p of problemsOf(answer)) byMessage.set(p.message, (byMessage.get(p.message) ?? new Set()).add(p.field));
  for (const [message, fields] of byMessage) {
    if (fields.size > 1) findings.push(`${what}: fields ${[...fields].join(', ')} share the message "${message}" (it must name its field)`);
  }
}

/** An absent value, or one of the wrong kind, is one fault: one problem per field. */
function expectOnePerField(what: string, answer: Answer, findings: string[]): void {
  const count = new Map<string, Problem[]>();
  for (const p of problemsOf(answer)) count.set(p.field, [...(count.get(p.field) ?? []), p]);
  for (const [field, problems] of count) {
    if (problems.length > 1) findings.push(`${what}: ${field} reported ${problems.length} times for one fault: ${problems.map((p) => `"${p.message}"`).join(' + ')}`);
  }
}

function expectOneProblem(what: string, answer: Answer, field: string, findings: string[]): void {
  const own = problemsOf(answer).filter((p) => p.field === field);
  if (own.length !== 1) findings.push(`${what}: expected one problem for ${field}, got ${own.length}: ${answer.text}`);
  else if (!CJK.test(own[0].message)) findings.push(`${what}: ${field}'s message is not Chinese: "${own[0].message}"`);
  else if (!namesAField(own[0].message)) findings.push(`${what}: ${field}'s message does not say which field it is about: "${own[0].message}"`);
}

/** A refused unknown key is named, so the person (or the developer) knows which one. */
function expectNamed(what: string, answer: Answer, key: string, findings: string[]): void {
  if (answer.status !== 400) return;
  const own = problemsOf(answer).filter((p) => p.field === key);
  if (own.length === 0) {
    if (answer.body?.code === 'VALIDATION_FAILED' && problemsOf(answer).length === 0) findings.push(`${what}: refused without naming ${key}: ${answer.text}`);
    return;
  }
  if (own.length > 1) findings.push(`${what}: ${key} reported ${own.length} times`);
  if (!own[0].message.includes(key)) findings.push(`${what}: the problem for ${key} does not name it: "${own[0].message}"`);
}
