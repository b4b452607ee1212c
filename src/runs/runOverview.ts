/**
 * What overviews read of metrics.jsonl (sidebar, Runs tree, CLI tables): the latest epoch metrics and a loss sample
 * over the run, from one open of the file. Only the sampled lines and the few tail lines that can be the records
 * looked for are parsed: a run's file costs a few reads and ~60 small JSON parses whatever its length.
 */
import { closeSync } from 'node:fs';
import type { Metrics } from '../protocol/stats';
import { parseLine } from './runFileLines';
import { bufferSource, fileSource, sampleLinesOf, tailWindow, type ByteSource } from './runFileSeek';
import { openRegular, readAt } from './runFiles';
import { toMetricRecord } from './runRecords';
import type { MetricRecord } from './runTypes';

/** Loss points a sidebar sparkline shows (sampled evenly over metrics.jsonl). */
export const SPARK_POINTS = 48;
/** How much of the end of metrics.jsonl is searched for the latest epoch and progress records (~140 lines). */
const TAIL_BYTES = 16 * 1024;
/** metrics.jsonl up to this size (~2,000 reports) is read in one call; larger ones by seeking (~60 small reads). */
const WHOLE_METRICS_BYTES = 256 * 1024;

/**
 * The last record of `kind` in `window` (complete JSON lines) and where its line starts, parsing from the end only
 * lines that can hold one: its kind's word appears as `"<kind>"` or, written with escapes, the line has a
 * backslash. Other lines (nearly all of a tail) are never parsed.
 */
function lastRecordIn<K extends MetricRecord['kind']>(
  window: Buffer,
  kind: K,
): { at: number; record: Extract<MetricRecord, { kind: K }> } | undefined {
  const word = `"${kind}"`;
  let end = window.length;
  while (end > 0) {
    const hit = Math.max(window.lastIndexOf(word, end - 1), window.lastIndexOf(0x5c, end - 1));
    if (hit < 0) return undefined;
    const start = window.lastIndexOf(0x0a, hit) + 1;
    const newline = window.indexOf(0x0a, hit);
    const line = parseLine(window.subarray(start, newline < 0 || newline > end ? end : newline));
    const record = line.ok ? toMetricRecord(line.value) : undefined;
    if (record?.kind === kind) return { at: start, record: record as Extract<MetricRecord, { kind: K }> };
    end = start - 1;
  }
  return undefined;
}

/** The metrics of the last epoch record in `window` (complete lines of the end of metrics.jsonl). */
export function lastEpochIn(window: Buffer): Metrics | undefined {
  return lastRecordIn(window, 'epoch')?.record.metrics;
}

/** Where the records start: after the header line when the file has one (so the first loss is the run's first). */
function afterHeader(source: ByteSource): number {
  const first = source.read(0, Math.min(source.size, 1024));
  const newline = first.indexOf(0x0a);
  return newline > 0 && first.subarray(0, newline).includes('"schemaVersion"') ? newline + 1 : 0;
}

/**
 * The latest epoch metrics and ~56 losses evenly over the run, first and last included, from metrics.jsonl at
 * `path` (empty when missing). Throws RunFileError for a file that is not a regular one.
 */
export function recentMetricsAt(path: string): { lastEpoch?: Metrics; losses: number[] } {
  const file = openRegular(path);
  if (!file) return { losses: [] };
  try {
    // A short run's file (~110 bytes per report): one read is cheaper than ~60 seeks.
    const source =
      file.size <= WHOLE_METRICS_BYTES
        ? bufferSource(readAt(file.fd, 0, file.size))
        : fileSource(file.fd, file.size);
    const tail = tailWindow(source, TAIL_BYTES);
    const lastEpoch = lastEpochIn(tail);
    const sample = sampleLinesOf(source, afterHeader(source), SPARK_POINTS + 8);
    const picked: { start: number; loss: number }[] = sample.lines.flatMap(({ start, line }) => {
      const record = line.ok ? toMetricRecord(line.value) : undefined;
      return record?.kind === 'progress' ? [{ start, loss: record.loss }] : [];
    });
    // The sample's last line may be an epoch record: the run's last loss comes from the tail then.
    const last = lastRecordIn(tail, 'progress');
    const lastStart = last === undefined ? -1 : sample.end - tail.length + last.at;
    if (last && lastStart > (picked.at(-1)?.start ?? -1)) {
      picked.push({ start: lastStart, loss: last.record.loss });
    }
    return { ...(lastEpoch ? { lastEpoch } : {}), losses: picked.map((p) => p.loss) };
  } finally {
    closeSync(file.fd);
  }
}
