/**
 * How a Slurm task state combines with what the run itself recorded in the run store, and how sbatch's refusals
 * are explained to the user. Pure.
 */
import type { SlurmTaskState } from './parse';

import type { RunStatus } from '../runStatus';

/** The run statuses a Slurm task state can lead to. */
export type SlurmRunStatus = Extract<RunStatus, 'queued' | 'running' | 'finished' | 'failed' | 'cancelled'>;

/**
 * Slurm job states (squeue(1), "JOB STATE CODES") grouped by what they mean for a run.
 * Pending-like states wait for resources; running-like ones occupy a node.
 */
const PENDING = new Set([
  'PENDING',
  'CONFIGURING',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESV_DEL_HOLD',
  'SPECIAL_EXIT',
  'RESIZING',
]);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'STAGE_OUT']);

/** Maps a Slurm state to the run status it implies on its own. */
export function statusOfSlurmState(state: string): SlurmRunStatus {
  const s = state.toUpperCase().replace(/\+$/, '');
  if (PENDING.has(s)) return 'queued';
  if (RUNNING.has(s)) return 'running';
  if (s === 'COMPLETED') return 'finished';
  if (s === 'CANCELLED' || s === 'REVOKED') return 'cancelled';
  return 'failed'; // FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE, PREEMPTED
}

/** True for Slurm states a task never leaves. */
export function isSlurmTerminal(state: string): boolean {
  const status = statusOfSlurmState(state);
  return status !== 'queued' && status !== 'running';
}

/** What the executor should do with one run after a poll. */
export type TaskDecision =
  | { action: 'none' }
  /** The run is still live in the store; only the Slurm state shown beside it changed. */
  | { action: 'state'; state: string }
  /** Slurm ended the task but the run never recorded an end: write this terminal status into the run. */
  | { action: 'end'; status: 'failed' | 'cancelled'; state: string; message: string };

/** What else is known when a task is missing from Slurm's answer. */
export interface TaskContext {
  /** Slurm still lists other tasks of the array job. */
  jobKnown: boolean;
  /** SNN Lab asked Slurm to cancel this task (or its whole job). */
  cancelRequested: boolean;
}

/**
 * Decides a run's fate from its stored status and its Slurm task (undefined when Slurm does not list it).
 * A run that recorded its own end (finished, failed, diverged, stopped) keeps it: the trainer knows best.
 * A pending task cancelled on its own vanishes from squeue and scontrol (Slurm 22.05 drops it from the pending
 * array record), so a missing task of a known job whose run never started counts as cancelled.
 */
export function decideTask(
  stored: string,
  task: SlurmTaskState | undefined,
  outputTail: () => string,
  context: TaskContext = { jobKnown: false, cancelRequested: false },
): TaskDecision {
  if (!['queued', 'running'].includes(stored)) return { action: 'none' };
  if (!task) {
    if (context.cancelRequested || (context.jobKnown && stored === 'queued')) {
      return {
        action: 'end',
        status: 'cancelled',
        state: 'CANCELLED',
        message: 'cancelled by Slurm before it started',
      };
    }
    return {
      action: 'end',
      status: 'failed',
      state: 'UNKNOWN',
      message: `Slurm no longer knows this task and the run recorded no end${tailText(outputTail())}`,
    };
  }
  if (!isSlurmTerminal(task.state)) return { action: 'state', state: task.state };
  const status = statusOfSlurmState(task.state);
  const exit = task.exitCode !== undefined ? `, exit code ${task.exitCode}:${task.signal ?? 0}` : '';
  if (status === 'cancelled') {
    return {
      action: 'end',
      status: 'cancelled',
      state: task.state,
      message: `cancelled by Slurm (scancel or a limit)${exit}`,
    };
  }
  const why =
    status === 'finished' ? 'the task ended without recording a result' : `Slurm state ${task.state}`;
  return {
    action: 'end',
    status: 'failed',
    state: task.state,
    message: `${why}${exit}${tailText(outputTail())}`,
  };
}

function tailText(tail: string): string {
  return tail.trim() === '' ? '' : `\n--- end of the task's output ---\n${tail.trimEnd()}`;
}

/** Turns sbatch's stderr (and exit status) into one clear sentence plus the original text. */
export function explainSbatchFailure(
  stderr: string,
  partition?: string,
  partitions?: readonly string[],
): string {
  const text = stderr.trim();
  const known = partitions && partitions.length > 0 ? ` (this cluster has: ${partitions.join(', ')})` : '';
  if (/invalid partition/i.test(text)) {
    return `Slurm refused the job: partition "${partition ?? '?'}" does not exist${known}.\n${text}`;
  }
  if (/Requested node configuration is not available|Memory specification can not be satisfied/i.test(text)) {
    return `Slurm refused the job: no node can satisfy the requested CPUs/memory (executor.cpusPerTask, executor.memory).\n${text}`;
  }
  if (/Requested time limit is invalid|time limit/i.test(text)) {
    return `Slurm refused the job: the time limit (executor.timeLimit) exceeds the partition's limit or is invalid.\n${text}`;
  }
  if (/Unable to contact slurm controller|Connection refused/i.test(text)) {
    return `Slurm's controller does not answer (is this a login node of the cluster? is SLURM_CONF right?).\n${text}`;
  }
  return `Slurm refused the job (sbatch failed).\n${text || '(sbatch printed nothing)'}`;
}

/** Keeps the last `lines` lines of a task's output file content. */
export function tailLines(text: string, lines = 20): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}
