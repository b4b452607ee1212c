#!/usr/bin/env node
// @ts-check
// Runs SNN Lab's benchmarks: bundles every bench/*.bench.ts with esbuild into out/bench and runs each with node,
// one after another (they measure speed, so never in parallel). Usage: node scripts/bench.mjs [name-filter ...]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { experimentValidatorPlugin } from './experimentValidator.mjs';
import { externalsExceptTfjs, TFJS_MAIN_FIELDS } from './tfjsBundling.mjs';
import { webviewBuildOptions } from './webviewBuild.mjs';

const filters = process.argv.slice(2);
const benches = existsSync('bench')
  ? readdirSync('bench')
      .filter((name) => name.endsWith('.bench.ts'))
      .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
      .sort()
  : [];
if (benches.length === 0) {
  console.error(`no bench/*.bench.ts matched ${filters.length > 0 ? filters.join(', ') : '(all)'}`);
  process.exit(1);
}
if (!existsSync(join('dist', 'trainer.js'))) {
  console.log('dist/ is missing: building first (node esbuild.mjs --no-tests)');
  const build = spawnSync('node', ['esbuild.mjs', '--no-tests'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}
// Benchmarks that load a webview page measure the production bundles users get (minified), built into out/bench/webview
// so the development build in dist/ is left alone (bench/dashboard.bench.ts serves them from there).
await esbuild.build(webviewBuildOptions({ production: true, outdir: join('out', 'bench', 'webview') }));
await esbuild.build({
  entryPoints: benches.map((name) => join('bench', name)),
  outdir: join('out', 'bench'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: externalsExceptTfjs('.'),
  mainFields: TFJS_MAIN_FIELDS,
  sourcemap: true,
  logLevel: 'warning',
  // Benchmarks that parse experiments or start runs import the build-time schema validator, as the bundles do.
  plugins: [experimentValidatorPlugin()],
});
const failed = [];
for (const name of benches) {
  const file = join('out', 'bench', name.replace(/\.ts$/, '.js'));
  console.log(`\n=== ${name} ===`);
  const result = spawnSync('node', [file], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(name);
}
console.log(
  `\n${benches.length - failed.length} benchmark(s) ran, ${failed.length} failed${failed.length ? `: ${failed.join(', ')}` : ''}`,
);
process.exit(failed.length > 0 ? 1 : 0);
