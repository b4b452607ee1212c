/** The statuses of a run (one list for the run store, the protocol, the CLI and the views) and which ones end it. */

/** Every status a run can have, in lifecycle order. */
export const RUN_STATUSES = [
  'queued',
  'running',
  'finished',
  'failed',
  'diverged',
  'stopped',
  'interrupted',
  'cancelled',
] as const;

/**
 * queued/running, then one terminal state: finished, failed, diverged, stopped, interrupted (its owner died
 * mid-run), cancelled (before it started, or by Slurm).
 */
export type RunStatus = (typeof RUN_STATUSES)[number];

const TERMINAL: ReadonlySet<RunStatus> = new Set(
  RUN_STATUSES.filter((s) => s !== 'queued' && s !== 'running'),
);

/** True for statuses a run never leaves (everything but queued and running). */
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.has(status);
}

/** Narrows an unknown value read from disk or a message to a RunStatus. */
export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value);
}
