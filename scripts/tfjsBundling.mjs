// @ts-check
// How tfjs is bundled, shared by esbuild.mjs (trainer and test bundles) and scripts/bench.mjs: tfjs packages resolve
// to their ES modules, and in test/bench bundles they are bundled while every other package stays external.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Resolve packages through `module` first. src/trainer/backend.ts imports tfjs-core's side-effect modules that
 * register gradients and chained ops (ES modules under dist/); with the CommonJS `main` builds the backends would
 * register with a second copy of tfjs-core.
 */
export const TFJS_MAIN_FIELDS = ['module', 'main'];

/**
 * Every dependency and devDependency of package.json except the tfjs packages, for `external` in bundles that
 * leave packages to node_modules (tests, benches): Node cannot `require` tfjs-core's ES side-effect modules, so
 * tfjs is bundled there as in dist/trainer.js. tfjs-node (native, optional) stays external everywhere.
 * @param {string} root the repository root
 * @returns {string[]}
 */
export function externalsExceptTfjs(root) {
  /** @type {{ dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} */
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  return [...names.filter((name) => !name.startsWith('@tensorflow/')), '@tensorflow/tfjs-node', 'vscode'];
}
