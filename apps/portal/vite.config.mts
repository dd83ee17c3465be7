/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { webUiPublicFiles } from '../../libs/web-ui/vite-plugin';
import Components from 'unplugin-vue-components/vite';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));

const outDir = `${workspace}dist/apps/portal`;

// .br/.gz siblings are written by scripts/web/precompress.mjs (npm start), not here.

/**
 * The portal is served by the gateway at `/`, the API lives on the same origin under /api, so the dev server
 * proxies /api to the gateway and the built files need no base URL.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [
    vue(),
    // browser-check.js, shared with the other front-end (libs/web-ui/public).
    webUiPublicFiles(),
    // Element Plus on demand: only the components a page uses end up in its chunk (first-page JS budget).
    AutoImport({ resolvers: [ElementPlusResolver()], dts: 'src/auto-imports.d.ts' }),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }),
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
  server: { port: 5173, proxy: { '/api': 'http://127.0.0.1:3000' } },
  preview: { port: 4173, proxy: { '/api': 'http://127.0.0.1:3000' } },
  test: {
    root,
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    css: false,
    // Mounting Element Plus pages on a shared 2-core machine can take seconds.
    testTimeout: 30_000,
    server: { deps: { inline: ['element-plus'] } },
  },
});
