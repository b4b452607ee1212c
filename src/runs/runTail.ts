/**
 * Follows run directories written by other processes (the CLI, Slurm array tasks, PyTorch scripts) by polling:
 * new or removed directories, rewritten meta.json files, and complete records appended to metrics.jsonl /
 * layers.jsonl. Each refresh reads at most a bounded number of new bytes per file, so a run that wrote gigabytes
 * while nobody watched cannot stall the caller; the rest follows on the next refreshes.
 */
import { join } from 'node:path';
import type { RunId } from '../protocol/ids';
import { forEachLine } from './runFileLines';
import { completeLength } from './runFileSeek';
import { fileStamp } from './runReader';
import { toLayerStatsRecord, toMetricRecord } from './runRecords';
import { RUN_FILES } from './runSchema';
import type { RunChange, RunMeta } from './runTypes';
import { isTerminal } from '../core/runStatus';

/** Most bytes of one file a refresh reads (a 45 KB statistics record x ~180). */
const MAX_BYTES_PER_REFRESH = 8 * 1024 * 1024;

interface TailState {
  /** mtime and size of meta.json when last seen. */
  metaStamp: string;
  metrics: number;
  layers: number;
  /** The run had a terminal status when meta.json was last read: its jsonl files no longer grow. */
  ended: boolean;
  /** A file still has unread bytes past the per-refresh limit. */
  behind: boolean;
}

/** Where RunTail finds run directories, and how it reports an unreadable file. */
export interface TailSource {
  runDir(runId: RunId): string;
  readMeta(runId: RunId): RunMeta | undefined;
  warnOnce(message: string): void;
}

export class RunTail {
  private readonly known = new Map<RunId, TailState>();
  private primed = false;

  constructor(
    private readonly source: TailSource,
    private readonly fire: (change: RunChange) => void,
  ) {}

  /** Stops following a run (it was deleted, or this process writes it itself). */
  forget(runId: RunId): void {
    this.known.delete(runId);
  }

  /**
   * Records the current state of `runIds` without firing events (the baseline: callers read the store's
   * current state with list()/read() and learn about later changes from refresh()).
   */
  prime(runIds: RunId[]): void {
    for (const runId of runIds) {
      const state = this.snapshot(runId);
      if (state) this.known.set(runId, state);
    }
    this.primed = true;
  }

  /** Compares `runIds` (the directories present now, minus the caller's own runs) with what was seen before. */
  refresh(runIds: RunId[]): void {
    if (!this.primed) {
      this.prime(runIds);
      return;
    }
    const present = new Set(runIds);
    for (const runId of [...this.known.keys()]) {
      if (!present.has(runId)) {
        this.known.delete(runId);
        this.fire({ kind: 'deleted', runId });
      }
    }
    for (const runId of runIds) {
      const previous = this.known.get(runId);
      if (!previous) {
        const state = this.snapshot(runId, true);
        if (!state) continue; // meta.json not written yet: report it next time
        this.known.set(runId, state);
        this.fire({ kind: 'created', runId });
        // A run that started before we saw it: its records so far are read by whoever opens it.
        continue;
      }
      const metaStamp = this.metaStamp(runId);
      const changed = metaStamp !== undefined && metaStamp !== previous.metaStamp;
      // Writers append lines before they write the terminal meta.json, so one last follow catches them all.
      if (previous.ended && !changed && !previous.behind) continue;
      previous.behind = false;
      previous.metrics = this.follow(runId, 'metrics', previous);
      previous.layers = this.follow(runId, 'layers', previous);
      if (changed) {
        previous.metaStamp = metaStamp;
        previous.ended = this.ended(runId);
        this.fire({ kind: 'updated', runId });
      }
    }
  }

  private snapshot(runId: RunId, fromStart = false): TailState | undefined {
    const metaStamp = this.metaStamp(runId);
    if (metaStamp === undefined) return undefined;
    const dir = this.source.runDir(runId);
    const length = (file: 'metrics' | 'layers'): number => {
      if (fromStart) return 0;
      try {
        return completeLength(join(dir, RUN_FILES[file]));
      } catch (error) {
        this.source.warnOnce(`run ${runId}: ${(error as Error).message}`);
        return 0;
      }
    };
    return {
      metaStamp,
      metrics: length('metrics'),
      layers: length('layers'),
      ended: this.ended(runId),
      behind: false,
    };
  }

  private ended(runId: RunId): boolean {
    const meta = this.source.readMeta(runId);
    return meta !== undefined && isTerminal(meta.status);
  }

  private metaStamp(runId: RunId): string | undefined {
    return fileStamp(join(this.source.runDir(runId), RUN_FILES.meta));
  }

  /** Fires an event per complete record appended since the last offset; returns the new offset. */
  private follow(runId: RunId, file: 'metrics' | 'layers', state: TailState): number {
    const offset = state[file];
    const path = join(this.source.runDir(runId), RUN_FILES[file]);
    let bad = 0;
    try {
      const read = forEachLine(
        path,
        offset,
        (line) => {
          if (!line.ok) {
            bad++;
            return;
          }
          if (file === 'metrics') {
            const record = toMetricRecord(line.value);
            if (record) this.fire({ kind: 'metrics', runId, record });
            else if (!isHeader(line.value)) bad++;
          } else {
            const record = toLayerStatsRecord(line.value);
            if (record) this.fire({ kind: 'layers', runId, record });
            else if (!isHeader(line.value)) bad++;
          }
        },
        { maxBytes: MAX_BYTES_PER_REFRESH },
      );
      if (read.more) state.behind = true;
      if (bad + read.longLines > 0) {
        this.source.warnOnce(
          `${runId}/${RUN_FILES[file]}: skipped line(s) that are not records after byte ${offset}`,
        );
      }
      return read.offset;
    } catch (error) {
      this.source.warnOnce(`run ${runId}: ${(error as Error).message}`);
      return offset;
    }
  }
}

function isHeader(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'schemaVersion' in value;
}
