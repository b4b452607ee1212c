/**
 * How study numbers are printed, shared by `snn-lab study` and the dashboard's Study tab so both show the same
 * digits for the same runs: values with 4 decimals, p-values with 4 decimals or 2 significant digits below 1e-4.
 */
import type { Summary } from './describe';

/** A number with `digits` decimals (default 4), "NaN"/"Infinity" as such, "-" when absent. */
export function formatStat(value: number | undefined, digits = 4): string {
  if (value === undefined) return '-';
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** A p-value: 4 decimals, or 2 significant digits in scientific notation below 1e-4; "n/a" for NaN. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  return p >= 1e-4 || p === 0 ? p.toFixed(4) : p.toExponential(1);
}

/**
 * The n of a summary cell: finite values, then "(+k NaN)" for non-finite ones left out and "(m without)" for runs
 * that did not record the metric.
 */
export function formatCount(summary: Summary, runs: number): string {
  const missing = runs - summary.n - summary.excluded;
  const nan = summary.excluded > 0 ? ` (+${summary.excluded} NaN)` : '';
  return `${summary.n}${nan}${missing > 0 ? ` (${missing} without)` : ''}`;
}

/** A summary's confidence interval "[low, high]", or "-" below two values. */
export function formatInterval(summary: Summary): string {
  return summary.n >= 2 ? `[${formatStat(summary.ciLow)}, ${formatStat(summary.ciHigh)}]` : '-';
}
