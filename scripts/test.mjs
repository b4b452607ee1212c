#!/usr/bin/env node
// @ts-check
// Runs SNN Lab's test tiers and prints one closing line "N passed, N failed" over all of them.
// Usage: node scripts/test.mjs [tier ...]   tiers: static unit fuzz trainer python webview e2e slurm (default: all).
// A tier that runs no test counts as a failure: a green run must have executed something.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['static', 'unit', 'fuzz', 'trainer', 'python', 'webview', 'e2e', 'slurm'];
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

/**
 * The first of $SNN_LAB_PYTHON, python3, /usr/bin/python3 that imports torch (Debian: python3-torch).
 * @returns {string | undefined}
 */
function findPython() {
  const candidates = process.env.SNN_LAB_PYTHON
    ? [process.env.SNN_LAB_PYTHON]
    : ['python3', '/usr/bin/python3'];
  return candidates.find((python) => spawnSync(python, ['-c', 'import torch']).status === 0);
}

/**
 * unittest prints "Ran N tests" and "OK" or "FAILED (failures=a, errors=b, skipped=c)" on stderr.
 * @param {string} output
 * @param {number} status
 */
function unittestCounts(output, status) {
  const ran = Number(output.match(/^Ran (\d+) tests?/m)?.[1] ?? 0);
  const failed =
    Number(output.match(/failures=(\d+)/)?.[1] ?? 0) + Number(output.match(/errors=(\d+)/)?.[1] ?? 0);
  const skipped = Number(output.match(/skipped=(\d+)/)?.[1] ?? 0);
  return { passed: ran - failed - skipped, failed: failed || (status === 0 ? 0 : 1) };
}

/**
 * The python tier: snn_lab's own unittest suite (python/tests, with Debian's python3-torch), then the Node tests of
 * test/python (cross-check with SNN Lab's probe, statistics equivalence, schema validation of every run the suite
 * wrote, kept in out/test-runs/python).
 */
function pythonTier() {
  const python = findPython();
  if (!python) {
    console.log(
      'no python3 with torch: apt-get install -y python3-torch python3-numpy (or set SNN_LAB_PYTHON)',
    );
    return { passed: 0, failed: 1 };
  }
  const runsOut = join('out', 'test-runs', 'python');
  rmSync(runsOut, { recursive: true, force: true });
  const env = { ...process.env, SNN_LAB_PYTHON: python, SNN_LAB_TEST_RUNS_OUT: join(process.cwd(), runsOut) };
  console.log(`\n$ ${python} -m unittest discover -s python/tests -t python -v`);
  const suite = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
    cwd: 'python',
    encoding: 'utf8',
    env: { ...env, OMP_NUM_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.stdout.write(`${suite.stdout ?? ''}${suite.stderr ?? ''}`);
  const own = unittestCounts(suite.stderr ?? '', suite.status ?? 1);
  console.log(`python unittest: ${own.passed} passed, ${own.failed} failed`);
  const files = listTests(join('out', 'test', 'python'));
  const node = run('node', ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files], { env });
  const cross = counts(node.stdout);
  if (node.status !== 0 && cross.failed === 0) cross.failed = 1;
  return { passed: own.passed + cross.passed, failed: own.failed + cross.failed };
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
  } else if (tier === 'python') {
    outcome = pythonTier();
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
