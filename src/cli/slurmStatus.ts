/** The table `snn-lab slurm status` prints: one row per Slurm run of a run store, newest submission last. */

import type { RunStoreApi } from '../runs/runTypes';
import type { SlurmExecutor } from '../runs/slurm/slurmExecutor';
import { isTerminal } from '../core/runStatus';

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
  return rows;
}

export function printStatus(rows: SlurmStatusRow[]): void {
  if (rows.length === 0) {
    process.stdout.write('no Slurm runs in this run store\n');
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
    process.stdout.write(
      `${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')}\n`,
    );
  }
  for (const r of rows.filter((row) => row.failure && row.status !== 'finished')) {
    process.stdout.write(`\n${r.jobId}_${r.taskId} ${r.status}: ${r.failure}\n`);
  }
}
