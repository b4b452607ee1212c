/** Reads the series files of run directories (metrics, layers, frames): streamed, sampled by seeking, or tailed. */
import { join } from 'node:path';
import type { RunId } from '../protocol/ids';
import type { Metrics } from '../protocol/stats';
import type { FrameColumns } from '../protocol/webview';
import { countLines, forEachLine } from './runFileLines';
import { planSamples, readLinesAt, tailLines } from './runFileSeek';
import { recentMetricsAt } from './runOverview';
import { toFrameColumns, toLayerStatsRecord, toMetricRecord } from './runRecords';
import { RUN_FILES, checkJsonlHeader, type JsonlHeader, type SeriesFile } from './runSchema';
import type { LayerStatsRecord, MetricRecord } from './runTypes';

/** How much of the end of metrics.jsonl lastRecordTime reads (~140 lines). */
const TAIL_BYTES = 16 * 1024;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Where the series reader finds a run's directory, and how it reports an unreadable file. */
export interface SeriesSource {
  runDir(runId: RunId): string;
  warnOnce(text: string): void;
}

export class RunSeriesReader {
  constructor(private readonly source: SeriesSource) {}

  /** The latest epoch metrics and ~56 losses over the run (runOverview.ts); never throws (warned once). */
  recentMetrics(runId: RunId): { lastEpoch?: Metrics; losses: number[] } {
    try {
      return recentMetricsAt(join(this.source.runDir(runId), RUN_FILES.metrics));
    } catch (error) {
      this.source.warnOnce(`run ${runId}: ${message(error)}`);
      return { losses: [] };
    }
  }

  /**
   * Byte offset just after a jsonl file's header line (undefined when the file is missing or has no complete
   * line yet); throws RunSchemaError when the first line is not this file's header.
   */
  headerEnd(runId: RunId, file: JsonlHeader['file']): number | undefined {
    const path = join(this.source.runDir(runId), RUN_FILES[file]);
    let header: unknown;
    let found = false;
    const read = forEachLine(
      path,
      0,
      (line) => {
        found = true;
        header = line.ok ? line.value : undefined;
      },
      { maxBytes: 1, maxLineBytes: 4096 },
    );
    if (!found) return read.longLines > 0 ? read.offset : undefined;
    checkJsonlHeader(header, file, `${runId}/${RUN_FILES[file]}`);
    return read.offset;
  }

  /**
   * Streams the records of metrics.jsonl or layers.jsonl from byte `offset` (default: after the header) up to
   * about `maxBytes`; lines that are not records are skipped (counted in `skipped`).
   */
  readRecords<F extends SeriesFile>(
    runId: RunId,
    file: F,
    visit: (record: F extends 'metrics' ? MetricRecord : LayerStatsRecord) => void,
    options: { offset?: number; maxBytes?: number } = {},
  ): { offset: number; more: boolean; skipped: number } {
    const offset = options.offset ?? this.headerEnd(runId, file) ?? 0;
    const check = file === 'metrics' ? toMetricRecord : toLayerStatsRecord;
    let skipped = 0;
    const read = forEachLine(
      join(this.source.runDir(runId), RUN_FILES[file]),
      offset,
      (line) => {
        const record = line.ok ? check(line.value) : undefined;
        if (record) visit(record as F extends 'metrics' ? MetricRecord : LayerStatsRecord);
        else skipped++;
      },
      options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes },
    );
    if (skipped + read.longLines > 0) {
      this.source.warnOnce(
        `${runId}/${RUN_FILES[file]}: skipped ${skipped + read.longLines} line(s) that are not records`,
      );
    }
    return { offset: read.offset, more: read.more, skipped: skipped + read.longLines };
  }

  /**
   * Where about `count` statistics records spread evenly over layers.jsonl begin (first and last included), found
   * by seeking: the cost is a few small reads per record whatever the file's size. Also the end of its lines.
   */
  planLayerSamples(runId: RunId, count: number): { starts: number[]; end: number } {
    const from = this.headerEnd(runId, 'layers');
    if (from === undefined) return { starts: [], end: 0 };
    return planSamples(join(this.source.runDir(runId), RUN_FILES.layers), from, count);
  }

  /**
   * Where about `count` frames spread evenly over frames.jsonl begin, or undefined when the run has no usable
   * frames file (runs of older versions and other writers: the caller samples layers.jsonl instead).
   */
  planFrameSamples(runId: RunId, count: number): { starts: number[]; end: number } | undefined {
    let from: number | undefined;
    try {
      from = this.headerEnd(runId, 'frames');
    } catch {
      return undefined;
    }
    if (from === undefined) return undefined;
    const plan = planSamples(join(this.source.runDir(runId), RUN_FILES.frames), from, count);
    return plan.starts.length > 0 ? plan : undefined;
  }

  /** The frames starting at `starts` (from planFrameSamples); lines that are not frames are skipped. */
  readFramesAt(runId: RunId, starts: readonly number[]): FrameColumns[] {
    return readLinesAt(join(this.source.runDir(runId), RUN_FILES.frames), starts).flatMap(({ line }) => {
      const frame = line.ok ? toFrameColumns(line.value) : undefined;
      return frame ? [frame] : [];
    });
  }

  /** The statistics records starting at `starts` (from planLayerSamples); lines that are not records are skipped. */
  readLayersAt(runId: RunId, starts: readonly number[]): LayerStatsRecord[] {
    return readLinesAt(join(this.source.runDir(runId), RUN_FILES.layers), starts).flatMap(({ line }) => {
      const record = line.ok ? toLayerStatsRecord(line.value) : undefined;
      return record ? [record] : [];
    });
  }

  /** Complete lines of a series file after its header (counted, not parsed); 0 when unreadable. */
  countRecords(runId: RunId, file: JsonlHeader['file']): number {
    try {
      return Math.max(0, countLines(join(this.source.runDir(runId), RUN_FILES[file])) - 1);
    } catch {
      return 0;
    }
  }

  /** The `time` of the last record in metrics.jsonl (when the run last reported), if any. */
  lastRecordTime(runId: RunId): number | undefined {
    try {
      const values = tailLines(join(this.source.runDir(runId), RUN_FILES.metrics), TAIL_BYTES);
      for (let i = values.length - 1; i >= 0; i--) {
        const time = toMetricRecord(values[i])?.time;
        if (time !== undefined && Number.isFinite(time)) return time;
      }
    } catch {
      // not a regular file: no time from it
    }
    return undefined;
  }
}
