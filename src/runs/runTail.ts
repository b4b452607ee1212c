/**
 * Follows run directories written by other processes (the CLI, Slurm array tasks) by polling: new or removed
 * directories, rewritten meta.json files, and complete lines appended to metrics.jsonl / layers.jsonl.
 */
import { join } from 'node:path';
import type { RunId } from '../protocol/ids';
import { completeLength, readJsonLines } from './runFiles';
import { fileStamp } from './runReader';
import { RUN_FILES } from './runSchema';
import type { LayerStatsRecord, MetricRecord, RunChange, RunMeta } from './runTypes';
import { isTerminal } from '../core/runStatus';

interface TailState {
  /** mtime and size of meta.json when last seen. */
  metaStamp: string;
  metrics: number;
  layers: number;
  /** The run had a terminal status when meta.json was last read: its jsonl files no longer grow. */
  ended: boolean;
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
        const state = this.snapshot(runId);
        if (!state) continue; // meta.json not written yet: report it next time
        this.known.set(runId, state);
        this.fire({ kind: 'created', runId });
        continue;
      }
      const metaStamp = this.metaStamp(runId);
      const changed = metaStamp !== undefined && metaStamp !== previous.metaStamp;
      // Writers append lines before they write the terminal meta.json, so one last follow catches them all.
      if (previous.ended && !changed) continue;
      previous.metrics = this.follow(runId, 'metrics', previous.metrics);
      previous.layers = this.follow(runId, 'layers', previous.layers);
      if (changed) {
        previous.metaStamp = metaStamp;
        previous.ended = this.ended(runId);
        this.fire({ kind: 'updated', runId });
      }
    }
  }

  private snapshot(runId: RunId): TailState | undefined {
    const metaStamp = this.metaStamp(runId);
    if (metaStamp === undefined) return undefined;
    const dir = this.source.runDir(runId);
    return {
      metaStamp,
      metrics: completeLength(join(dir, RUN_FILES.metrics)),
      layers: completeLength(join(dir, RUN_FILES.layers)),
      ended: this.ended(runId),
    };
  }

  private ended(runId: RunId): boolean {
    const meta = this.source.readMeta(runId);
    return meta !== undefined && isTerminal(meta.status);
  }

  private metaStamp(runId: RunId): string | undefined {
    return fileStamp(join(this.source.runDir(runId), RUN_FILES.meta));
  }

  /** Fires an event per complete line appended since `offset`; returns the new offset. */
  private follow(runId: RunId, file: 'metrics' | 'layers', offset: number): number {
    const path = join(this.source.runDir(runId), RUN_FILES[file]);
    const { values, offset: next, badLines } = readJsonLines(path, offset);
    if (badLines.length > 0) {
      this.source.warnOnce(`${runId}/${RUN_FILES[file]}: skipped unparsable line(s) after byte ${offset}`);
    }
    for (const value of values) {
      if (typeof value !== 'object' || value === null || 'schemaVersion' in value) continue; // header line
      if (file === 'metrics') this.fire({ kind: 'metrics', runId, record: value as MetricRecord });
      else this.fire({ kind: 'layers', runId, record: value as LayerStatsRecord });
    }
    return next;
  }
}
