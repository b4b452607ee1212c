#!/usr/bin/env node
// @ts-check
// The `slurm` test tier: brings up a real single-node Slurm cluster (scripts/slurm/cluster.mjs: installs the Debian
// packages if missing, starts munged, slurmctld, slurmd by hand), runs out/test/slurm/*.test.js against it with
// `node --test`, ALWAYS stops the daemons it started, and prints "N passed, N failed". Exit 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, up } from './slurm/cluster.mjs';

const root = resolve(import.meta.dirname, '..');
const testDir = join(root, 'out', 'test', 'slurm');
/** @param {string} message */
const log = (message) => console.log(`[slurm-tests] ${message}`);

/**
 * Prints the closing "N passed, N failed" line (after `why`, when given) and exits.
 * @param {number} passed
 * @param {number} failed
 * @param {string} [why]
 * @returns {never}
 */
function finish(passed, failed, why) {
  if (why) console.log(`[slurm-tests] ${why}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

/**
 * Newest modification time (ms) of the files under `dir` (0 when it does not exist).
 * @param {string} dir
 * @returns {number}
 */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((max, name) => {
    const path = join(dir, name);
    const info = statSync(path);
    return Math.max(max, info.isDirectory() ? newest(path) : info.mtimeMs);
  }, 0);
}

// Build when a bundle is missing or older than the sources (npm test has just built; a direct run may not have).
const built = Math.min(
  ...['dist/cli.js', 'dist/trainer.js'].map((f) =>
    existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0,
  ),
  newest(testDir),
);
if (built < Math.max(newest(join(root, 'src')), newest(join(root, 'test', 'slurm')))) {
  log('dist/ or out/test/slurm is missing or older than the sources: building with node esbuild.mjs');
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) finish(0, 1, 'the build failed');
}
const files = existsSync(testDir)
  ? readdirSync(testDir)
      .filter((f) => f.endsWith('.test.js'))
      .map((f) => join(testDir, f))
  : [];
if (files.length === 0) finish(0, 1, `no test files in ${testDir}`);

/** Clusters left by an earlier run that was killed before its clean-up: reported, not touched. */
for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('snn-slurm-tier-'))) {
  const state = join(tmpdir(), name, 'cluster.json');
  if (!existsSync(state)) continue;
  /** @type {{ pids?: import('./slurm/cluster.mjs').Pids }} the state file of scripts/slurm/cluster.mjs */
  const recorded = JSON.parse(readFileSync(state, 'utf8'));
  const pid = recorded.pids?.slurmctld;
  let alive;
  try {
    alive = !!pid && process.kill(pid, 0);
  } catch {
    alive = false;
  }
  if (alive) {
    log(
      `warning: a cluster from an earlier run is still up; stop it with: node scripts/slurm/cluster.mjs down ${join(tmpdir(), name)}`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'snn-slurm-tier-'));
/** @type {import('./slurm/cluster.mjs').Cluster | undefined} */
let cluster;
/** @type {Promise<number[] | undefined> | undefined} daemons left alive; undefined when stopping failed */
let stopping;
const stop = async () => {
  stopping ??= cluster
    ? down({ dir, log }).catch((error) => {
        log(`stopping the cluster failed: ${error.message}`);
        return undefined;
      })
    : Promise.resolve([]);
  return stopping;
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal}: stopping the cluster`);
    void stop().then(() => process.exit(1));
  });
}

/** @type {{ passed: number, failed: number, why?: string }} */
let outcome = { passed: 0, failed: 1, why: undefined };
try {
  try {
    cluster = await up({ dir, log });
  } catch (error) {
    throw new Error(`could not start Slurm: ${/** @type {Error} */ (error).message}`, { cause: error });
  }
  const env = { ...process.env, SLURM_CONF: cluster.conf, SNN_LAB_ROOT: root, SNN_SLURM_DIR: dir };
  const result = spawnSync(
    process.execPath,
    ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
    {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 15 * 60_000,
    },
  );
  process.stdout.write(result.stdout ?? '');
  const pass = [...(result.stdout ?? '').matchAll(/^[ℹ#] pass (\d+)/gm)].at(-1);
  const fail = [...(result.stdout ?? '').matchAll(/^[ℹ#] fail (\d+)/gm)].at(-1);
  outcome = { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
  if (result.status !== 0 && outcome.failed === 0) {
    outcome = { ...outcome, failed: 1, why: `node --test exited with ${result.status ?? result.signal}` };
  }
} catch (error) {
  outcome = { passed: 0, failed: 1, why: /** @type {Error} */ (error).message };
} finally {
  const left = await stop();
  if (left === undefined || left.length > 0) {
    outcome = {
      ...outcome,
      failed: outcome.failed + 1,
      why: left ? `daemons still alive after stop: ${left.join(', ')}` : 'stopping the cluster failed',
    };
  }
}
finish(outcome.passed, outcome.failed, outcome.why);
