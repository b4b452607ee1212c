/**
 * Files of one Slurm submission, kept beside the runs in `<runsDir>/.slurm/<sweepId>/` (the run store skips
 * dot-directories): the generated `job.sh`, `submission.json` (job id -> run ids), the task output files, and
 * `bundle/`, a copy of the CLI and what it loads, which the job runs (queued jobs survive extension updates).
 * Also the one writer of meta.json for runs whose Slurm task ended without recording an end.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tailLines } from '../../core/slurm/status';
import type { RunId } from '../../protocol/ids';
import { writeJsonAtomic } from '../runFiles';
import { RUN_FILES, migrateRunMeta } from '../runSchema';
import type { RunMeta } from '../runTypes';

/** Directory under the runs root that holds every submission. */
export const SLURM_DIR = '.slurm';
export const SUBMISSION_SCHEMA_VERSION = 1;

/** submission.json: what was submitted and which run each array task fills. */
export interface Submission {
  schemaVersion: number;
  /** The array job id (empty until sbatch answered). */
  jobId: string;
  experiment: string;
  /** `runIds[i]` is the run of array task i. */
  runIds: RunId[];
  array: string;
  submittedAt: string;
  /** Absolute path of this submission's directory. */
  dir: string;
}

/** The output file Slurm writes for task `taskId` (matches `--output=<dir>/task-%A_%a.out`). */
export function taskOutputPath(dir: string, jobId: string, taskId: number): string {
  return join(dir, `task-${jobId}_${taskId}.out`);
}

/** Creates `<root>/.slurm/<sweepId>/` and returns it. */
export function makeSubmissionDir(root: string, sweepId: string): string {
  const dir = join(root, SLURM_DIR, sweepId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Copies the CLI bundle and the files it loads at run time (`trainer.js`, `wasm/`, and `mnist/` when a run reads
 * MNIST) from beside `cliPath` into `<dir>/bundle/`, so a queued job does not depend on the extension folder it was
 * submitted from, which an extension update replaces. Source maps are left out. Returns the copied CLI's path.
 */
export function copyBundle(cliPath: string, dir: string, options: { mnist: boolean }): string {
  const from = dirname(cliPath);
  const to = join(dir, 'bundle');
  mkdirSync(to, { recursive: true });
  const cli = join(to, basename(cliPath));
  copyFileSync(cliPath, cli);
  if (existsSync(join(from, 'trainer.js'))) copyFileSync(join(from, 'trainer.js'), join(to, 'trainer.js'));
  for (const folder of ['wasm', ...(options.mnist ? ['mnist'] : [])]) {
    if (!existsSync(join(from, folder))) continue;
    cpSync(join(from, folder), join(to, folder), { recursive: true, filter: (f) => !f.endsWith('.map') });
  }
  return cli;
}

export function writeSubmission(submission: Submission): void {
  writeJsonAtomic(join(submission.dir, 'submission.json'), submission);
}

/** Every readable submission under `root`, oldest first; unreadable ones are reported through `warn`. */
export function readSubmissions(root: string, warn: (message: string) => void): Submission[] {
  const base = join(root, SLURM_DIR);
  if (!existsSync(base)) return [];
  const found: Submission[] = [];
  for (const name of readdirSync(base).sort()) {
    const path = join(base, name, 'submission.json');
    if (!existsSync(path)) continue;
    try {
      const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Submission>;
      if (
        value.schemaVersion !== SUBMISSION_SCHEMA_VERSION ||
        typeof value.jobId !== 'string' ||
        !Array.isArray(value.runIds)
      ) {
        throw new Error(`not a version ${SUBMISSION_SCHEMA_VERSION} submission`);
      }
      found.push({ ...(value as Submission), dir: join(base, name) });
    } catch (error) {
      warn(`${path}: skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return found;
}

/** The last `lines` lines of a task's output file ('' when it does not exist); reads at most the last 64 KiB. */
export function readOutputTail(path: string, lines = 20): string {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  const length = Math.min(size, 65536);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return tailLines(buffer.toString('utf8'), lines);
}

/**
 * Rewrites a run's meta.json (atomically) through `change`. Only for runs no live process writes: a Slurm task
 * that has ended. Returns the new meta, or undefined when the run is missing or unreadable.
 */
export function patchRunMeta(
  root: string,
  runId: RunId,
  change: (meta: RunMeta) => void,
): RunMeta | undefined {
  const path = join(root, runId, RUN_FILES.meta);
  if (!existsSync(path)) return undefined;
  const meta = migrateRunMeta(JSON.parse(readFileSync(path, 'utf8')), `${runId}/${RUN_FILES.meta}`);
  change(meta);
  writeJsonAtomic(path, meta);
  return meta;
}
