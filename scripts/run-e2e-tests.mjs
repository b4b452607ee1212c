#!/usr/bin/env node
// @ts-check
// The e2e tier: SNN Lab inside a real VS Code (code-server's server + workbench, Debian Chromium, playwright-core).
// Runs the in-host mocha suite, the workbench UI tests, the packaged-.vsix smoke test and the npm start/demo
// script tests; prints "N passed, N failed".
// Usage: node scripts/run-e2e-tests.mjs [host] [ui] [package] [scripts]   (default: all). VERBOSE=1 shows host logs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium } from './e2e/browser.mjs';
import { REPO_ROOT, ensureCodeServer, vscodeVersion } from './e2e/codeServer.mjs';
import { buildHostTests, copyExamples, removeExamplesCopy } from './e2e/hostBuild.mjs';
import { runHostTests } from './e2e/hostTests.mjs';

const PARTS = ['host', 'ui', 'package', 'scripts'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : PARTS;
/** @type {{ part: string, passed: number, failed: number }[]} */
const results = [];
/** @type {string[]} */
const timings = [];
const t0 = Date.now();

/**
 * Records and prints one part's counts.
 * @param {string} part
 * @param {number} passed
 * @param {number} failed
 * @param {number} seconds
 */
function record(part, passed, failed, seconds) {
  results.push({ part, passed, failed });
  timings.push(`${part} ${seconds.toFixed(1)} s`);
  console.log(`e2e ${part}: ${passed} passed, ${failed} failed (${seconds.toFixed(1)} s)`);
}

/**
 * node:test over the given files; counts from its "ℹ pass N / ℹ fail N" summary.
 * @param {string[]} files
 * @param {Record<string, string>} env added to this process's environment
 */
function nodeTests(files, env) {
  const r = spawnSync(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  process.stdout.write(r.stdout);
  /** @param {RegExp} re */
  const num = (re) => Number(r.stdout.match(re)?.[1] ?? 0);
  const passed = num(/^ℹ pass (\d+)/m);
  const failed = num(/^ℹ fail (\d+)/m) + num(/^ℹ cancelled (\d+)/m);
  return { passed, failed: r.status !== 0 && failed === 0 ? 1 : failed };
}

async function main() {
  // Preconditions fail loudly with the command that fixes them: no silent skips.
  findChromium();
  const paths = await ensureCodeServer();
  console.log(`VS Code ${vscodeVersion(paths)} (code-server) — chromium ${findChromium()}`);
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
    const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('node esbuild.mjs failed');
  }

  if (wanted.includes('host')) {
    const started = Date.now();
    const { index } = await buildHostTests();
    const ws = copyExamples();
    try {
      console.log('\n# extension-host tests (mocha inside VS Code)');
      const r = await runHostTests({
        devPath: REPO_ROOT,
        testsPath: index,
        folder: ws,
        env: { SNN_LAB_E2E: '1' },
        verbose: process.env.VERBOSE === '1',
      });
      const failed = r.exitCode !== 0 && r.failed === 0 ? 1 : r.failed;
      record('host', r.passed, failed, (Date.now() - started) / 1000);
    } finally {
      removeExamplesCopy(ws);
    }
  }

  for (const part of ['ui', 'package', 'scripts']) {
    if (!wanted.includes(part)) continue;
    const dir = join(REPO_ROOT, 'test', 'e2e', part);
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.test.mjs'))
          .map((f) => join(dir, f))
      : [];
    if (files.length === 0) continue;
    console.log(`\n# ${part} tests (node:test + playwright-core)`);
    const started = Date.now();
    const r = nodeTests(files, {});
    record(part, r.passed, r.failed, (Date.now() - started) / 1000);
  }
}

try {
  await main();
} catch (err) {
  console.error(`\ne2e tier could not run: ${err instanceof Error ? err.message : String(err)}`);
  results.push({ part: 'setup', passed: 0, failed: 1 });
}
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(
  `\ne2e timings: ${timings.join(', ') || 'none'}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
if (passed + failed === 0) console.log('no e2e test ran — counted as a failure');
console.log(`${passed} passed, ${failed + (passed + failed === 0 ? 1 : 0)} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
