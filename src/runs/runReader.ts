/**
 * Reads run directories from disk through the versioned parsers of runSchema.ts. meta.json files are cached by
 * inode, mtime and size, so listing many runs often (views refresh on every change) costs a stat per run.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asRunId, isRunId, type RunId } from '../protocol/ids';
import type { Logger } from './logger';
import { decodeNonFinite, readJsonLines } from './runFiles';
import {
  RUN_FILES,
  checkJsonlHeader,
  migrateRunConfigFile,
  migrateRunMeta,
  migrateRunSummary,
  type JsonlHeader,
} from './runSchema';
import type { LayerStatsRecord, MetricRecord, RunData, RunMeta } from './runTypes';

/** Identity of a file version: rename-replaced files get a new inode, appended ones a new size. */
export function fileStamp(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return undefined;
  }
}

export class RunReader {
  private readonly metas = new Map<RunId, { stamp: string; meta: RunMeta }>();
  private readonly warned = new Set<string>();

  constructor(
    readonly root: string,
    private readonly logger: Logger,
  ) {}

  runDir(runId: RunId): string {
    return join(this.root, runId);
  }

  /** Run ids (directory names) under root, sorted. */
  runIds(): RunId[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isRunId(entry.name))
      .map((entry) => asRunId(entry.name))
      .sort();
  }

  /** meta.json of a run (a private copy), or undefined when missing or invalid (logged once). */
  readMeta(runId: RunId): RunMeta | undefined {
    const path = join(this.runDir(runId), RUN_FILES.meta);
    const stamp = fileStamp(path);
    if (stamp === undefined) return undefined;
    const cached = this.metas.get(runId);
    if (cached?.stamp === stamp) return structuredClone(cached.meta);
    try {
      const meta = migrateRunMeta(readJson(path), `${runId}/${RUN_FILES.meta}`);
      this.metas.set(runId, { stamp, meta });
      return structuredClone(meta);
    } catch (error) {
      this.metas.delete(runId);
      this.warnOnce(`run ${runId}: skipped: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Everything stored for a run, given its meta; undefined (and a warning) when a file is unreadable. */
  readData(runId: RunId, meta: RunMeta): RunData | undefined {
    const dir = this.runDir(runId);
    try {
      const what = (file: string): string => `${runId}/${file}`;
      const config = migrateRunConfigFile(
        readJson(join(dir, RUN_FILES.config)),
        what(RUN_FILES.config),
      ).config;
      const summaryPath = join(dir, RUN_FILES.summary);
      const summary = existsSync(summaryPath)
        ? migrateRunSummary(readJson(summaryPath, true), what(RUN_FILES.summary))
        : undefined;
      const metrics = this.readJsonl(runId, 'metrics') as MetricRecord[];
      const layers = this.readJsonl(runId, 'layers') as LayerStatsRecord[];
      return { meta, config, metrics, layers, ...(summary ? { summary } : {}) };
    } catch (error) {
      this.logger.warn(`run ${runId}: unreadable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Records of metrics.jsonl or layers.jsonl after the checked header; a truncated last line is ignored. */
  readJsonl(runId: RunId, file: JsonlHeader['file']): unknown[] {
    const what = `${runId}/${RUN_FILES[file]}`;
    const { values, badLines } = readJsonLines(join(this.runDir(runId), RUN_FILES[file]));
    if (badLines.length > 0) this.logger.warn(`${what}: skipped unparsable line(s) ${badLines.join(', ')}`);
    if (values.length === 0) return [];
    checkJsonlHeader(values[0], file, what);
    return values.slice(1);
  }

  forget(runId: RunId): void {
    this.metas.delete(runId);
  }

  /** Logs a warning once per distinct message (polled, unreadable runs would otherwise log every second). */
  warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.logger.warn(message);
  }
}

function readJson(path: string, numeric = false): unknown {
  return JSON.parse(readFileSync(path, 'utf8'), numeric ? decodeNonFinite : undefined);
}
