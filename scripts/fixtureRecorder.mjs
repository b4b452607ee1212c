// @ts-check
// What the fixture recorders (record-fixture.mjs, record-study-fixture.mjs) share: they need the built trainer, and
// their recorder is TypeScript over the real host classes, bundled to a temporary module and imported.
import * as esbuild from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { experimentValidatorPlugin } from './experimentValidator.mjs';

export const ROOT = resolve(import.meta.dirname, '..');

/** dist/trainer.js; exits with a message when it has not been built. */
export function builtTrainer() {
  const trainer = join(ROOT, 'dist/trainer.js');
  if (!existsSync(trainer)) {
    console.error('dist/trainer.js is missing: run `node esbuild.mjs` first');
    process.exit(1);
  }
  return trainer;
}

/**
 * Bundles `entry` (TypeScript source resolved from the repository root) and imports it; the bundle is removed once
 * imported. It is written inside the repo (out/, git-ignored) so its external packages resolve from node_modules.
 * @template Exports what the caller declares the entry to export
 * @param {string} entry
 * @param {string} name names the bundle and the entry in esbuild's messages
 * @returns {Promise<Exports>}
 */
export async function importRecorder(entry, name) {
  const bundle = join(ROOT, 'out', `${name}-${process.pid}.cjs`);
  try {
    await esbuild.build({
      stdin: { contents: entry, resolveDir: ROOT, loader: 'ts', sourcefile: `${name}-entry.ts` },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      outfile: bundle,
      logLevel: 'warning',
      // The experiment schema's validator is compiled at build time, as in esbuild.mjs.
      plugins: [experimentValidatorPlugin(ROOT)],
    });
    return await import(pathToFileURL(bundle).href);
  } finally {
    rmSync(bundle, { force: true });
  }
}
