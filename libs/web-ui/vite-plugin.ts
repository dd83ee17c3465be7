import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/**
 * The files every web front-end serves from its base URL, kept once in libs/web-ui/public: browser-check.js (the IE /
 * 兼容模式 hint, a classic ES5 script so it runs where the app cannot). Served by the dev server, emitted by the build.
 */
const SHARED_PUBLIC = ['browser-check.js'];
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));

export function webUiPublicFiles(): Plugin {
  let base = '/';
  return {
    name: 'lsc-web-ui-public',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = SHARED_PUBLIC.find((f) => req.url === `${base}${f}`);
        if (!file) return next();
        res.setHeader('content-type', 'text/javascript; charset=utf-8');
        res.end(readFileSync(`${publicDir}${file}`));
      });
    },
    generateBundle() {
      for (const file of SHARED_PUBLIC) this.emitFile({ type: 'asset', fileName: file, source: readFileSync(`${publicDir}${file}`) });
    },
  };
}
