/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));

/** Only for the library's own specs: the apps bundle its components with their own Vite configs. */
export default defineConfig({
  root,
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false, dirs: [] })],
  resolve: { alias: [{ find: /^@lsc\/api-client$/, replacement: `${workspace}libs/api-client/src/index.ts` }] },
  test: { root, environment: 'happy-dom', include: ['src/**/*.spec.ts'], css: false, testTimeout: 30_000, server: { deps: { inline: ['element-plus'] } } },
});
