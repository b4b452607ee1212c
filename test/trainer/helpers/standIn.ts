/**
 * Test helper: a locally packed STAND-IN for @tensorflow/tfjs-node (the real one downloads libtensorflow from
 * Google's servers, which tests cannot reach). `npm pack` makes a real tarball of a package with that name, so
 * the installer and the trainer's lookup treat it exactly as the real package; its `version['tfjs-node']` says
 * "stand-in". With `working: true` it exports a real tfjs (tfjs-core + gradients + the cpu backend, bundled here
 * with esbuild), so a run can train on it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export const STAND_IN_VERSION = '0.0.0-stand-in';

/** CommonJS source of a working tf whose version names it the stand-in (`label` tells two stand-ins apart). */
export function workingStandInSource(label: string): string {
  const contents = `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-core/dist/register_all_gradients';
    import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
    import '@tensorflow/tfjs-backend-cpu';
    module.exports = { ...tf, version: { 'tfjs-core': tf.version_core, 'tfjs-node': ${JSON.stringify(label)} } };`;
  const result = buildSync({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** A package folder named @tensorflow/tfjs-node whose index.js is `indexJs`. */
export function writeStandIn(dir: string, indexJs: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: '@tensorflow/tfjs-node',
      version: STAND_IN_VERSION,
      main: 'index.js',
      license: 'MIT',
    }),
  );
  writeFileSync(join(dir, 'index.js'), indexJs);
  return dir;
}

/** Packs a stand-in with `npm pack`; returns the tarball's path. */
export function packStandIn(indexJs: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'snn-standin-'));
  const pkg = writeStandIn(join(dir, 'package'), indexJs);
  const r = spawnSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: pkg, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  return join(dir, r.stdout.trim().split('\n').at(-1) ?? '');
}

/** index.js of a stand-in that exports only its version (enough for the installer's load check). */
export const VERSION_ONLY_INDEX = `module.exports = { version: { 'tfjs-node': '${STAND_IN_VERSION}' } };`;

/** index.js of a stand-in that fails to load the way a missing native library does. */
export const BROKEN_INDEX =
  "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');";
