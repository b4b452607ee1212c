/**
 * The only place SNN Lab runs Slurm's client tools (sbatch, squeue, scontrol, scancel, sinfo), with execFile:
 * no shell, a timeout, and a clear error when a tool is missing. Parsing lives in src/core/slurm/parse.ts.
 */
import { execFile } from 'node:child_process';
import {
  SQUEUE_FORMAT,
  isUnknownJobError,
  parseSbatchParsable,
  parseScontrolJobs,
  parseSqueue,
  type SlurmTaskState,
} from '../../core/slurm/parse';

/** Thrown when a Slurm tool is not on PATH: Slurm commands must run where the cluster's client tools are. */
export class SlurmMissingError extends Error {
  override readonly name = 'SlurmMissingError';
  constructor(readonly tool: string) {
    super(
      `'${tool}' was not found on PATH: Slurm's client tools (sbatch, squeue, scontrol, scancel) are needed to run ` +
        `on a cluster. Open the workspace on the cluster's login node (VS Code Remote-SSH) or install slurm-client.`,
    );
  }
}

/** A finished command: exit code (null when killed), stdout and stderr. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The Slurm operations the executor needs (tests may pass their own). */
export interface SlurmCli {
  /** Submits a script held (`--hold`) or not; returns the job id. Throws with sbatch's stderr on refusal. */
  sbatch(
    scriptPath: string,
    options: { cwd: string; hold?: boolean },
  ): Promise<{ jobId: string } | { error: string }>;
  /** `scontrol release <jobId>` (after a held submission). */
  release(jobId: string): Promise<CommandResult>;
  /** Task states of an array job; undefined when Slurm no longer knows the job. */
  squeue(jobId: string): Promise<SlurmTaskState[] | undefined>;
  /** Task states with exit codes and output files; undefined when Slurm no longer knows the job. */
  scontrol(jobId: string): Promise<SlurmTaskState[] | undefined>;
  /** `scancel <target>` where target is `<jobId>` or `<jobId>_<taskId>`. */
  scancel(target: string): Promise<CommandResult>;
  /** Partition names from `sinfo` (empty when sinfo fails). */
  partitions(): Promise<string[]>;
}

const TIMEOUT_MS = 30_000;

/** Runs one tool without a shell; rejects with SlurmMissingError when the binary does not exist. */
export function runTool(
  tool: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: TIMEOUT_MS,
        maxBuffer: 32 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const errorCode = (error as { code?: unknown } | null)?.code;
        if (errorCode === 'ENOENT') {
          reject(new SlurmMissingError(tool));
          return;
        }
        const code = error ? (typeof errorCode === 'number' ? errorCode : null) : 0;
        resolve({ code, stdout, stderr: stderr || (error && !stdout ? error.message : '') });
      },
    );
  });
}

/** The real Slurm client tools, found on PATH (SLURM_CONF and other settings come from the environment). */
export function systemSlurm(env?: NodeJS.ProcessEnv): SlurmCli {
  const run = (tool: string, args: string[], cwd?: string): Promise<CommandResult> =>
    runTool(tool, args, { ...(cwd ? { cwd } : {}), ...(env ? { env } : {}) });
  return {
    async sbatch(scriptPath, options) {
      const result = await run(
        'sbatch',
        ['--parsable', ...(options.hold ? ['--hold'] : []), scriptPath],
        options.cwd,
      );
      if (result.code !== 0) return { error: result.stderr || result.stdout };
      return parseSbatchParsable(result.stdout);
    },
    release: (jobId) => run('scontrol', ['release', jobId]),
    async squeue(jobId) {
      const result = await run('squeue', ['-h', '-t', 'all', '--array', '-j', jobId, '-o', SQUEUE_FORMAT]);
      if (result.code !== 0) {
        if (isUnknownJobError(result.stderr)) return undefined;
        throw new Error(`squeue failed (exit ${result.code}): ${result.stderr.trim()}`);
      }
      const tasks = parseSqueue(result.stdout).filter((t) => t.arrayJobId === jobId);
      return tasks.length > 0 ? tasks : undefined;
    },
    async scontrol(jobId) {
      const result = await run('scontrol', ['-o', 'show', 'job', jobId]);
      if (result.code !== 0) {
        if (isUnknownJobError(result.stderr)) return undefined;
        throw new Error(`scontrol show job failed (exit ${result.code}): ${result.stderr.trim()}`);
      }
      const tasks = parseScontrolJobs(result.stdout).filter((t) => t.arrayJobId === jobId);
      return tasks.length > 0 ? tasks : undefined;
    },
    scancel: (target) => run('scancel', [target]),
    async partitions() {
      const result = await run('sinfo', ['-h', '-o', '%R']);
      if (result.code !== 0) return [];
      return [
        ...new Set(
          result.stdout
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
        ),
      ];
    },
  };
}
