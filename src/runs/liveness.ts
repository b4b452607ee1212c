/**
 * Decides whether the process that owns a run is still alive, for RunStore.recoverInterrupted: a run left
 * 'running' or 'queued' by a dead owner (host, CLI) can never finish and is marked 'interrupted'.
 */
import { hostname } from 'node:os';
import type { RunMeta } from './runTypes';

/** True when `pid` names a live process on this machine (EPERM means it exists but is not ours). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Default liveness test. Slurm runs are left to the Slurm code (it asks the scheduler); runs owned by another
 * machine cannot be checked from here and count as alive; otherwise the owner's pid (or the trainer's) decides.
 */
export function isOwnerAlive(meta: RunMeta): boolean {
  if (meta.executor?.kind === 'slurm') return true;
  if (meta.owner && meta.owner.hostname !== hostname()) return true;
  const pid = meta.owner?.pid ?? (meta.executor?.kind === 'local' ? meta.executor.pid : undefined);
  return pid !== undefined && isPidAlive(pid);
}
