import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.var/**', '.nx/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Apps may import libs, never each other; contracts stay free of frameworks and infrastructure.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:domain', 'type:client', 'type:ui'] },
            // The web front-ends' shared components (libs/web-ui): the browser's client and the pure rules only.
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:client', 'type:domain'] },
            // The browser's API client (libs/api-client): its specs compare types with the server's; its sources import
            // no workspace lib at all (rule below), since the front-ends bundle it.
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:client', 'type:contracts', 'type:platform'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:domain'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/contracts/**/*.ts', 'libs/validation/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'contracts are framework-free' },
            { group: ['typeorm', 'kafkajs', 'ioredis', 'pg'], message: 'contracts carry no infrastructure' },
          ],
        },
      ],
    },
  },
  {
    // Bundled into the browser front-ends: nothing Node-only may creep in.
    files: ['libs/api-client/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'crypto', 'stream', 'buffer', 'util', 'os', 'child_process'], message: 'the API client runs in the browser' },
            { group: ['@lsc/*'], message: 'the API client is bundled into the browser apps: it stands alone' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
