// @ts-check
// Lint rules, including the folder dependency rule of docs/architecture.md (test/static/lintRules.test.mjs proves
// each rule fails on a deliberate violation).
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The product's rooms, in dependency order (see docs/architecture.md). */
const ROOM = {
  core: 'src/core',
  protocol: 'src/protocol',
  node: 'src/node',
  trainer: 'src/trainer',
  runs: 'src/runs',
  host: 'src/host',
  cli: 'src/cli',
  extension: 'src/extension.ts',
  webview: 'webview',
};

/** room → the rooms it may import (besides itself). Everything else of ours is forbidden. */
/** @type {Record<string, string[]>} */
const MAY_IMPORT = {
  core: [],
  protocol: ['core'],
  node: ['core', 'protocol'],
  trainer: ['core', 'protocol', 'node'],
  runs: ['core', 'protocol', 'node'],
  cli: ['core', 'protocol', 'node', 'runs'],
  host: ['core', 'protocol', 'node', 'runs'],
  extension: ['core', 'protocol', 'node', 'runs', 'host'],
  webview: ['core', 'protocol'],
};

/** One zone per (room, forbidden room): eslint-plugin-import-x resolves each import to a file first. */
const zones = Object.entries(MAY_IMPORT).flatMap(([room, allowed]) =>
  Object.keys(ROOM)
    .filter((other) => other !== room && !allowed.includes(other))
    .map((other) => ({
      target: `./${ROOM[/** @type {keyof ROOM} */ (room)]}`,
      from: `./${ROOM[/** @type {keyof ROOM} */ (other)]}`,
      message: `${room} may import only ${allowed.length > 0 ? allowed.join(', ') : 'itself'} (docs/architecture.md).`,
    })),
);

const noVscode = { name: 'vscode', message: 'Only src/extension.ts and src/host/ may use the VS Code API.' };
const tfjs = { group: ['@tensorflow/*'], message: 'tfjs lives only in src/trainer/.' };
const nodeApis = {
  group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', 'worker_threads'],
  message: 'core/, protocol/ and webview/ are pure (no Node APIs).',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-test/**',
      '.cache/**',
      'test-artifacts/**',
      'assembly/**',
      'python/**',
      'test/fixtures/**',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json'] })],
      // no-cycle parses the files an import leads to: TypeScript ones need typescript-eslint's parser.
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // Packages: one complete no-restricted-imports block per folder (in flat config the last matching block wins).
  {
    files: ['src/protocol/**', 'src/core/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [tfjs, nodeApis] }] },
  },
  {
    files: ['src/runs/**', 'src/cli/**', 'src/node/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [tfjs] }] },
  },
  {
    files: ['src/trainer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/host/**', 'src/extension.ts'],
    // Processes are started by the run engine (src/runs) only; the host asks it.
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['child_process', 'node:child_process'], patterns: [tfjs] },
      ],
    },
  },
  {
    files: ['webview/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [tfjs, nodeApis] }] },
  },
  // The CLI prints only through src/cli/output.ts, which escapes control characters read from files.
  {
    files: ['src/cli/**'],
    ignores: ['src/cli/output.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.object.name='process'][object.property.name=/^(stdout|stderr)$/][property.name='write']",
          message: 'Print through writeOut/writeErr (src/cli/output.ts): they escape control characters.',
        },
        {
          selector: "CallExpression[callee.object.name='console']",
          message: 'Print through writeOut/writeErr (src/cli/output.ts): they escape control characters.',
        },
      ],
    },
  },
  // Scripts, build files and script-style tests: plain Node ES modules, type-checked by tsconfig.scripts.json.
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Playwright callbacks in these tests, the shared pixel sampler and the listing-images script run inside the page.
  {
    files: ['test/e2e/**/*.mjs', 'test/shared/pixels.mjs', 'scripts/listing-images.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
