/**
 * Shared setup of the Slurm integration tests: they need the cluster started by scripts/run-slurm-tests.mjs
 * (SLURM_CONF set) and the built CLI bundle; without them they fail with a message, never skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (set by the harness; the cwd otherwise). */
export const ROOT = process.env.SNN_LAB_ROOT ?? process.cwd();
/** The CLI bundle the array tasks run (SNN_LAB_CLI overrides it for private builds). */
export const CLI = resolve(process.env.SNN_LAB_CLI ?? join(ROOT, 'dist', 'cli.js'));

/** Throws unless a Slurm cluster and the CLI bundle are available. */
export function requireCluster(): void {
  if (!process.env.SLURM_CONF) {
    throw new Error(
      'SLURM_CONF is not set: run these tests through `node scripts/run-slurm-tests.mjs` (npm test slurm tier)',
    );
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build with \`node esbuild.mjs\``);
  const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8' });
  if (ping.status !== 0) {
    throw new Error(`the Slurm controller does not answer: ${ping.stdout}${ping.stderr}`);
  }
}

/** A fresh directory for one test's experiment and run store. */
export function workDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `snn-slurm-${prefix}-`));
}

/**
 * Writes a tiny synthetic experiment (two moons, 2 hidden layers of 8 SELU units) and returns its path.
 * `epochs`/`samples` make a run short (seconds) or long enough to be cancelled while running.
 */
export function writeExperiment(
  dir: string,
  options: { name: string; epochs: number; samples?: number; rates?: number[]; parallel?: number },
): string {
  const path = join(dir, `${options.name}.snn.json`);
  const experiment = {
    name: options.name,
    seed: 7,
    data: { source: 'synthetic', kind: 'moons', samples: options.samples ?? 200, features: 2, noise: 0.1 },
    model: { depth: 2, width: 8 },
    train: { epochs: options.epochs, batchSize: 32 },
    stats: { everySteps: 5 },
    ...(options.rates ? { sweep: { 'train.learningRate': options.rates } } : {}),
    executor: {
      kind: 'slurm',
      cpusPerTask: 1,
      memory: '500M',
      timeLimit: '10',
      parallel: options.parallel ?? 2,
    },
  };
  writeFileSync(path, JSON.stringify(experiment, null, 2));
  return path;
}

/** Polls `check` every 200 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs the CLI bundle synchronously. */
export function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
