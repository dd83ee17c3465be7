/// <reference types="vitest/config" />
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { webUiPublicFiles } from '../../libs/web-ui/vite-plugin';
import Components from 'unplugin-vue-components/vite';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));

/** .br and .gz next to each text file: the gateway serves them as they are (@fastify/static preCompressed). */
function precompress(outDir: string): Plugin {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return {
    name: 'lsc-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(outDir).filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
        const content = readFileSync(file);
        if (content.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

const outDir = `${fileURLToPath(new URL('../..', import.meta.url))}dist/apps/console`;

/**
 * The staff console is served by the gateway at `/console/` (same origin as the API under /api), so assets are built
 * with that base and the dev server proxies /api to the gateway.
 */
export default defineConfig({
  root,
  base: '/console/',
  plugins: [
    vue(),
    // browser-check.js, shared with the other front-end (libs/web-ui/public).
    webUiPublicFiles(),
    // Element Plus on demand: only the components a page uses end up in its chunk (first-page JS budget).
    AutoImport({ resolvers: [ElementPlusResolver()], dts: 'src/auto-imports.d.ts' }),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }),
    precompress(outDir),
  ],
  resolve: {
    alias: [
      // The pure rule modules only (never the index, which pulls the class-validator decorators in).
      { find: /^@lsc\/validation\/(.*)$/, replacement: `${workspace}libs/validation/src/$1` },
      { find: /^@lsc\/web-ui\/(.*)$/, replacement: `${workspace}libs/web-ui/src/$1` },
      { find: /^@lsc\/api-client$/, replacement: `${workspace}libs/api-client/src/index.ts` },
      { find: '@', replacement: `${root}src` },
    ],
  },
  build: {
    outDir,
    emptyOutDir: true,
    // Current engines of Chrome, Edge, Firefox, Safari and the Chromium-based 360/QQ/猎豹/夸克.
    target: ['chrome100', 'edge100', 'firefox100', 'safari15'],
    chunkSizeWarningLimit: 600,
  },
  // Development and `vite preview` talk to the gateway of the running stack (npm start).
  server: { port: 5174, proxy: { '/api': 'http://127.0.0.1:3000' } },
  preview: { port: 4174, proxy: { '/api': 'http://127.0.0.1:3000' } },
  test: {
    root,
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    css: false,
    server: { deps: { inline: ['element-plus'] } },
  },
});
