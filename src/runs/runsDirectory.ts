/**
 * The one rule for where runs are stored, shared by the extension, the CLI, Slurm tasks and docs/run-store.md:
 * an explicit directory wins, then $SNN_LAB_RUNS_DIR, then `<project>/.snn-lab/runs` where the project is the
 * nearest folder (from the experiment file up) holding `.snn-lab/` or `.git/`, else the file's own folder.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Folder name of SNN Lab's per-project data, and the runs directory inside it. */
export const SNN_LAB_DIR = '.snn-lab';
export const RUNS_SUBDIR = join(SNN_LAB_DIR, 'runs');
/** Environment variable that overrides the default runs directory (set by the extension in its terminals). */
export const RUNS_DIR_ENV = 'SNN_LAB_RUNS_DIR';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest folder at or above `start` that holds `.snn-lab/` or `.git/` (a file for git worktrees counts). */
export function findProjectRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (isDirectory(join(dir, SNN_LAB_DIR)) || pathExists(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function pathExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface RunsDirOptions {
  /** `--runs-dir` or an equivalent explicit choice (relative to `cwd`). */
  explicit?: string | undefined;
  /** The experiment file the runs come from; without it the search starts at `cwd`. */
  experimentPath?: string | undefined;
  /** Defaults to process.cwd(). */
  cwd?: string;
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Absolute runs directory by the rule above. */
export function resolveRunsDirectory(options: RunsDirOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  if (options.explicit) return resolve(cwd, options.explicit);
  const fromEnv = (options.env ?? process.env)[RUNS_DIR_ENV];
  if (fromEnv) return resolve(cwd, fromEnv);
  const start = options.experimentPath ? dirname(resolve(cwd, options.experimentPath)) : cwd;
  return join(findProjectRoot(start) ?? start, RUNS_SUBDIR);
}

/** The rule in one line, for `--runs-dir` help texts. */
export const RUNS_DIR_HELP =
  `runs directory (default: $${RUNS_DIR_ENV}, else ${RUNS_SUBDIR} in the nearest folder above the experiment file ` +
  `(or the current folder) holding ${SNN_LAB_DIR}/ or .git/, else next to the file)`;
