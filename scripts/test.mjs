#!/usr/bin/env node
// @ts-check
// Runs SNN Lab's test tiers and prints one closing line "N passed, N failed" over all of them.
// Usage: node scripts/test.mjs [tier ...]   tiers: static unit fuzz trainer webview e2e slurm (default: all).
// A tier that runs no test counts as a failure: a green run must have executed something.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['static', 'unit', 'fuzz', 'trainer', 'webview', 'e2e', 'slurm'];
const requested = process.argv.slice(2);
const tiers = requested.length > 0 ? requested : ALL;
for (const tier of tiers) {
  if (!ALL.includes(tier)) {
    console.error(`unknown test tier "${tier}"; known: ${ALL.join(', ')}`);
    process.exit(2);
  }
}

/**
 * Runs a command, echoing it and its stdout; returns its exit status (1 when killed) and stdout.
 * @param {string} command
 * @param {string[]} args
 * @param {Omit<import('node:child_process').SpawnSyncOptions, 'encoding'>} [options]
 */
function run(command, args, options = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    ...options,
  });
  process.stdout.write(result.stdout ?? '');
  return { status: result.status ?? 1, stdout: result.stdout ?? '' };
}

/**
 * The test files under `dir` whose names end with `suffix` (compiled tests: `*.test.js`).
 * @param {string} dir
 * @param {string} [suffix]
 * @returns {string[]}
 */
function listTests(dir, suffix = '.test.js') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTests(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}

/**
 * Reads "N passed, N failed" (our tiers) or node:test's "ℹ pass N" / "ℹ fail N" summary.
 * @param {string} stdout
 */
function counts(stdout) {
  const plain = [...stdout.matchAll(/^\s*(?:\w+: )?(\d+) passed, (\d+) failed/gm)].at(-1);
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  const pass = [...stdout.matchAll(/^[ℹ#] pass (\d+)/gm)].at(-1);
  const fail = [...stdout.matchAll(/^[ℹ#] fail (\d+)/gm)].at(-1);
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

/** @param {string} bin */
const npx = (bin) => join('node_modules', '.bin', bin);
const results = [];
const build = run('node', ['esbuild.mjs']);
if (build.status !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

for (const tier of tiers) {
  let outcome;
  if (tier === 'static') {
    // Types, lint and formatting count one each; test/static/*.test.mjs prove the lint rules bite.
    const checks = [
      run('npm', ['run', '-s', 'check-types']),
      run(npx('eslint'), ['.', '--max-warnings=0']),
      run(npx('prettier'), ['--check', '.', '--log-level=warn']),
    ];
    const ruleTests = run('node', [
      '--test',
      '--test-reporter=spec',
      ...listTests(join('test', 'static'), '.test.mjs'),
    ]);
    const rules = counts(ruleTests.stdout);
    if (ruleTests.status !== 0 && rules.failed === 0) rules.failed = 1;
    const ok = checks.filter((c) => c.status === 0).length;
    outcome = { passed: ok + rules.passed, failed: checks.length - ok + rules.failed };
  } else if (tier === 'e2e' || tier === 'slurm') {
    const script = join('scripts', `run-${tier}-tests.mjs`);
    const result = run('node', [script]);
    outcome = counts(result.stdout);
    if (result.status !== 0 && outcome.failed === 0) outcome.failed = 1;
  } else {
    const files = listTests(join('out', 'test', tier));
    const result = run('node', ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files]);
    outcome = counts(result.stdout);
    if (result.status !== 0 && outcome.failed === 0) outcome.failed = 1;
  }
  if (outcome.passed + outcome.failed === 0) {
    console.log(`tier ${tier}: no test ran — counted as a failure`);
    outcome.failed = 1;
  }
  console.log(`tier ${tier}: ${outcome.passed} passed, ${outcome.failed} failed`);
  results.push({ tier, ...outcome });
}

console.log('\nSummary');
for (const r of results) console.log(`  ${r.tier.padEnd(8)} ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
