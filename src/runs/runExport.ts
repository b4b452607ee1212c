/**
 * Export of one run's recorded data for "Export Run": epoch metrics and per-layer statistics as CSV
 * (RFC 4180 quoting), or everything as JSON. Pure: no Node, no vscode.
 */
import type { RunData } from './runTypes';

/** What "Export Run" can write. */
export type ExportFormat = 'metrics-csv' | 'layers-csv' | 'json';

/** One exported file: suggested name and its text. */
export interface ExportedFile {
  fileName: string;
  text: string;
}

/** Renders a run in the chosen format. `fileName` is `<runId>-<part>.<ext>`. */
export function exportRun(data: RunData, format: ExportFormat): ExportedFile {
  const id = data.meta.runId;
  switch (format) {
    case 'metrics-csv':
      return { fileName: `${id}-metrics.csv`, text: metricsCsv(data) };
    case 'layers-csv':
      return { fileName: `${id}-layers.csv`, text: layersCsv(data) };
    case 'json':
      return { fileName: `${id}.json`, text: runJson(data) };
  }
}

/**
 * One row per epoch: step, epoch, time, then every metric name seen in any epoch (sorted, so train metrics
 * come before `test_` and `val_` ones). A metric missing in an epoch is an empty cell.
 */
export function metricsCsv(data: RunData): string {
  const epochs = data.metrics.filter((r) => r.kind === 'epoch');
  const names = [...new Set(epochs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const rows = epochs.map((r) => [r.step, r.epoch, r.time, ...names.map((n) => r.metrics[n])]);
  return toCsv(['step', 'epoch', 'time', ...names], rows);
}

/** The columns of layersCsv after step, epoch, layer, units. */
export const LAYER_COLUMNS = [
  'pre_mean',
  'pre_variance',
  'post_mean',
  'post_variance',
  'post_min',
  'post_max',
  'saturated',
  'dead',
  'weight_mean',
  'weight_variance',
  'omega_mean',
  'tau_mean',
  'grad_norm',
  'update_ratio',
] as const;

/**
 * One row per (reported step, hidden layer) with the scalar statistics; histograms are left to the JSON export. A
 * run with a normalisation also gets `linear_mean` and `linear_variance` (W x + b before the normalisation).
 */
export function layersCsv(data: RunData): string {
  const linear = data.layers.some((record) => record.layers.some((l) => l.linear));
  const rows = data.layers.flatMap((record) =>
    record.layers.map((l) => [
      record.step,
      record.epoch,
      l.layer,
      l.units,
      l.pre.mean,
      l.pre.variance,
      l.post.mean,
      l.post.variance,
      l.post.min,
      l.post.max,
      l.saturated,
      l.dead,
      l.weights.mean,
      l.weights.variance,
      l.weights.omegaMean,
      l.weights.tauMean,
      l.gradNorm,
      l.updateRatio,
      ...(linear ? [l.linear?.mean, l.linear?.variance] : []),
    ]),
  );
  const extra = linear ? ['linear_mean', 'linear_variance'] : [];
  return toCsv(['step', 'epoch', 'layer', 'units', ...LAYER_COLUMNS, ...extra], rows);
}

/**
 * Everything as pretty JSON. JSON has no NaN/Infinity: those become the strings "NaN", "Infinity", "-Infinity"
 * (not null), so a probe run's NaN gradient norm stays distinguishable from a missing value.
 */
export function runJson(data: RunData): string {
  return (
    JSON.stringify(
      data,
      (_key, value: unknown) =>
        typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
      2,
    ) + '\n'
  );
}

/** CSV text with a header row; cells holding a comma, quote or line break are quoted (RFC 4180). */
export function toCsv(header: string[], rows: unknown[][]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
