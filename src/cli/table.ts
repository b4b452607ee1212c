/**
 * Plain-text tables for the CLI, and the final comparison table of a `snn-lab run` (loss, accuracy, AUC, time,
 * backend per run; test-set numbers where the run has them, else validation, else training).
 */
import { printable } from '../core/printable';
import type { RunMeta, RunOverview } from '../runs/runTypes';
import type { RunSummary } from '../protocol/stats';

/**
 * Renders rows under headers with columns padded to their widest cell; `right` columns are right-aligned. Cells are
 * made printable first (control characters escaped), so names from files neither break nor misalign the table.
 */
export function formatTable(
  headers: string[],
  rawRows: string[][],
  right: ReadonlySet<number> = new Set(),
): string {
  const rows = rawRows.map((row) => row.map((cell) => printable(cell)));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A metric from a summary: `test_<name>`, else `val_<name>`, else the training `<name>`. */
export function bestMetric(summary: RunSummary | undefined, name: string): number | undefined {
  if (!summary) return undefined;
  return summary.test[`test_${name}`] ?? summary.final[`val_${name}`] ?? summary.final[name];
}

/** Formats a number for a table cell ('-' when absent, 'NaN'/'Inf' when not finite). */
export function cell(value: number | undefined, digits = 4): string {
  if (value === undefined) return '-';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  return value.toFixed(digits);
}

/** Wall time of a run in seconds, from its summary or its timestamps. */
export function durationSeconds(data: { meta: RunMeta; summary?: RunSummary }): number | undefined {
  if (data.summary) return data.summary.durationMs / 1000;
  const { startedAt, endedAt } = data.meta;
  if (!startedAt || !endedAt) return undefined;
  return (Date.parse(endedAt) - Date.parse(startedAt)) / 1000;
}

/** The comparison table printed after `snn-lab run`. */
export function comparisonTable(runs: readonly Pick<RunOverview, 'meta' | 'summary'>[]): string {
  const headers = ['run', 'status', 'loss', 'accuracy', 'auc', 'time (s)', 'backend'];
  const rows = runs.map((run) => [
    run.meta.name,
    run.meta.status,
    cell(bestMetric(run.summary, 'loss')),
    cell(bestMetric(run.summary, 'accuracy')),
    cell(bestMetric(run.summary, 'auc')),
    cell(durationSeconds(run), 1),
    run.meta.backend?.name ?? '-',
  ]);
  return formatTable(headers, rows, new Set([2, 3, 4, 5]));
}
