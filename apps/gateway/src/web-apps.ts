import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/** A built single-page front-end (Vite output: index.html + hashed files under assets/) served under `prefix`. */
export interface WebApp {
  /** '/' for the portal, '/console/' for the staff console. */
  prefix: string;
  root: string;
}

/** Paths that belong to the API and operations: never answered with a page, unknown ones keep the JSON 404. */
const NOT_PAGES = /^\/(api|health|metrics)(\/|$)/;

/** A last segment with an extension names a file; the portal's routes have none (ids are UUIDs). */
const FILE_LIKE = /\.[A-Za-z0-9]+$/;

/** Vite's content-hashed output: the name changes with the content, so it may be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function cacheControlFor(file: string): string {
  if (file.endsWith('.html')) return 'no-cache';
  return file.includes(`${sep}assets${sep}`) ? IMMUTABLE : 'public, max-age=3600';
}

const acceptsHtml = (request: FastifyRequest): boolean => /\btext\/html\b|\*\/\*/.test(request.headers.accept ?? '') && !/^application\/json/.test(request.headers.accept ?? '');

/** The file a path names inside root, or undefined when it leaves root or is not a regular file. */
async function fileIn(root: string, relative: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = resolve(root, `.${sep}${decoded}`);
  if (!full.startsWith(root + sep)) return undefined;
  const info = await stat(full).catch(() => undefined);
  return info?.isFile() ? decoded : undefined;
}

/**
 * Serves the built front-ends from the gateway, same origin as /api/v1: files as they are (pre-compressed .br/.gz
 * siblings when present), and for any other GET that asks for HTML the app's index.html, so the client-side router
 * handles deep links (/applications/…/payment) and reloads. Apps whose build is absent are skipped.
 *
 * The page routes are exempt from the per-client rate limit: one page view loads a dozen files, and a school's NAT
 * would otherwise spend its API budget on JavaScript.
 */
export async function registerWebApps(fastify: FastifyInstance, apps: readonly WebApp[]): Promise<WebApp[]> {
  const built = apps.filter((a) => existsSync(resolve(a.root, 'index.html'))).map((a) => ({ prefix: a.prefix, root: resolve(a.root) }));
  // Longest prefix first: /console/x belongs to the console, not to the portal at /.
  built.sort((a, b) => b.prefix.length - a.prefix.length);
  await fastify.register(fastifyStatic, {
    serve: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, file: string) => void reply.header('cache-control', cacheControlFor(file)),
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = (request.raw.url ?? '/').split('?')[0]!;
    const app = NOT_PAGES.test(path) ? undefined : built.find((a) => path.startsWith(a.prefix) || `${path}/` === a.prefix);
    if (!app) {
      reply.callNotFound();
      return reply;
    }
    if (`${path}/` === app.prefix) return reply.redirect(app.prefix, 301);
    const file = await fileIn(app.root, path.slice(app.prefix.length));
    if (file) return reply.sendFile(file, app.root);
    // A missing file (an old hashed asset, a typo) is a 404, not a page: only route-like paths fall back.
    if (!acceptsHtml(request) || FILE_LIKE.test(path)) {
      reply.callNotFound();
      return reply;
    }
    return reply.sendFile('index.html', app.root);
  };
  fastify.route({ method: 'GET', url: '/*', handler, config: { rateLimit: false } });
  fastify.route({ method: 'GET', url: '/', handler, config: { rateLimit: false } });
  return built;
}
