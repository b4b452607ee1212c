// Lint rules, including the dependency rule of docs/architecture.md (one complete block per folder).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'Only src/extension.ts and src/host/ (outside host/runs/) may use the VS Code API.',
};
const tfjs = { group: ['@tensorflow/*'], message: 'tfjs lives only in src/trainer/.' };
const node = { group: ['node:*', 'fs', 'path', 'child_process', 'os'], message: 'core/, protocol/ and webview/ are pure (no Node APIs).' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.cache/**', 'test-artifacts/**', 'assembly/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/protocol/**', 'src/core/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [tfjs, node] }] },
  },
  {
    files: ['src/trainer/**', 'src/host/runs/**', 'src/cli/**', 'src/node/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [] }] },
  },
  {
    files: ['src/host/**', 'src/extension.ts'],
    ignores: ['src/host/runs/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [tfjs] }] },
  },
  {
    files: ['webview/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [tfjs, node] }] },
  },
);
