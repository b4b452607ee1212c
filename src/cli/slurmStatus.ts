/**
 * The table `snn-lab slurm status` prints: one row per Slurm run of a run store, ordered by job and task (the order
 * Slurm runs them); a failed run shows its reason, the first line of its failure, not the task output's tail.
 */

import type { RunStoreApi } from '../runs/runTypes';
import type { SlurmExecutor } from '../runs/slurm/slurmExecutor';
import { isTerminal } from '../core/runStatus';
import { writeOut } from './output';

/** One Slurm run as shown by `slurm status` (and printed by --json). */
export interface SlurmStatusRow {
  runId: string;
  name: string;
  jobId: string;
  taskId: number;
  /** Latest Slurm state: live from squeue while followed, else the one recorded in the run. */
  slurmState: string;
  status: string;
  epoch?: number;
  loss?: number;
  failure?: string;
  live: boolean;
}

export function statusRows(store: RunStoreApi, executor: SlurmExecutor): SlurmStatusRow[] {
  const rows: SlurmStatusRow[] = [];
  for (const meta of store.list()) {
    if (meta.executor?.kind !== 'slurm') continue;
    rows.push({
      runId: meta.runId,
      name: meta.name,
      jobId: meta.executor.jobId,
      taskId: meta.executor.taskId,
      slurmState: executor.slurmState(meta.runId) ?? meta.executor.state ?? '-',
      status: meta.status,
      ...(meta.progress ? { epoch: meta.progress.epoch, loss: meta.progress.loss } : {}),
      ...(meta.failure ? { failure: meta.failure.message } : {}),
      live: !isTerminal(meta.status),
    });
  }
  return rows.sort((a, b) => compareJobIds(a.jobId, b.jobId) || a.taskId - b.taskId);
}

/** Numeric job ids in numeric order (a job id may be empty until sbatch answered). */
function compareJobIds(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

export function printStatus(rows: SlurmStatusRow[]): void {
  if (rows.length === 0) {
    writeOut('no Slurm runs in this run store\n');
    return;
  }
  const table = [
    ['TASK', 'SLURM', 'STATUS', 'EPOCH', 'LOSS', 'RUN'],
    ...rows.map((r) => [
      `${r.jobId}_${r.taskId}`,
      r.slurmState,
      r.status,
      r.epoch === undefined ? '' : String(r.epoch + 1),
      r.loss === undefined ? '' : r.loss.toPrecision(4),
      `${r.runId}  ${r.name}`,
    ]),
  ];
  const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length))) ?? [];
  for (const row of table) {
    writeOut(
      `${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')}\n`,
    );
  }
  for (const r of rows.filter((row) => row.failure && row.status !== 'finished')) {
    const reason = (r.failure ?? '').split('\n')[0]?.trim() ?? '';
    const more = (r.failure ?? '').includes('\n') ? ` (details: snn-lab runs show ${r.runId})` : '';
    writeOut(`\n${r.jobId}_${r.taskId} ${r.status}: ${reason}${more}\n`);
  }
}
