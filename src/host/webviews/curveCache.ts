/** A folder of runs' dashboard curves as first reads of metrics.jsonl built them, to go on from where they stopped. */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, rmSync, utimesSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { curveRecord } from './payload';
import { MAX_ENTRY_BYTES, entryText, toEntry, type CurveEntry } from './curveCacheEntry';

export { MAX_CURVES, MAX_ENTRY_BYTES, type CurveEntry } from './curveCacheEntry';

/** What DashboardPanels (and the dashboard bench) make the first write of a batch wait: past a first open's boot. */
export const CURVE_CACHE_WRITE_DELAY_MS = 2000;
/** Default budget of the folder: the least recently written entries go past it. */
const DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024;
/** Temp files older than this are left by a write that died (other windows share the folder). */
const STALE_TEMP_MS = 10 * 60_000;
const ENTRY_NAME = /^[0-9a-f]{32}\.json$/;
const TEMP_NAME = /^[0-9a-f]{32}\.json\.[\w.-]+\.tmp$/;

export interface CurveCacheOptions {
  /** Most bytes the folder's entries may take (default 64 MB). */
  budgetBytes?: number;
  /** Where failures go (the cache is an optimisation: they are otherwise ignored). */
  log?: (message: string) => void;
  /**
   * How long the first of a batch of writes waits (default 0): a dashboard's first open stores 100 entries while its
   * page boots, and their serialising and writing would take CPU from that boot (DashboardPanels waits 2 s).
   */
  writeDelayMs?: number;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One JSON file per run (named by a hash of the caller's key), read synchronously (one small file) and written
 * atomically (temp file, rename) in the background, one write at a time; the folder is kept under its budget by
 * removing the least recently written entries. Never throws: a missing, unreadable or invalid entry is a miss.
 */
export class CurveCache {
  private readonly budgetBytes: number;
  private readonly log: (message: string) => void;
  private readonly writeDelayMs: number;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    readonly dir: string,
    options: CurveCacheOptions = {},
  ) {
    this.budgetBytes = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
    this.log = options.log ?? (() => undefined);
    this.writeDelayMs = options.writeDelayMs ?? 0;
  }

  /** The entry file of `key`. */
  pathOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }

  /** The entry stored for `key` (checked), or undefined; an invalid entry file is removed. */
  get(key: string): CurveEntry | undefined {
    const path = this.pathOf(key);
    const text = this.readText(path);
    if (text === undefined) return undefined;
    let entry: CurveEntry | undefined;
    try {
      entry = toEntry(JSON.parse(text), key);
    } catch {
      entry = undefined;
    }
    if (!entry) {
      this.log(`curve cache: ignoring invalid ${path}`);
      this.remove(path);
      return undefined;
    }
    try {
      const now = new Date();
      utimesSync(path, now, now); // read: the entry is recently used (eviction goes by modification time)
    } catch {
      // the entry stays as old as it was
    }
    return entry;
  }

  /**
   * The entry of `key` when it was built for `want` (curve budget, steps per epoch) and the file it was read from
   * still holds the bytes it was read to: `stampAt(entry.offset)` (RunStoreApi.seriesFileStamp) gives its tail.
   */
  find(
    key: string,
    want: Pick<CurveEntry, 'curvePoints' | 'stepsPerEpoch'>,
    stampAt: (offset: number) => { size: number; tail: string } | undefined,
  ): CurveEntry | undefined {
    const entry = this.get(key);
    if (entry?.curvePoints !== want.curvePoints || entry.stepsPerEpoch !== want.stepsPerEpoch) {
      return undefined;
    }
    const stamp = stampAt(entry.offset);
    return stamp && stamp.size >= entry.offset && stamp.tail === entry.tail ? entry : undefined;
  }

  /**
   * Stores `entry` for `key` in the background. The curves are copied now (the caller goes on adding points); the
   * returned promise (never rejected) settles once the file is written and the folder tidied.
   */
  put(key: string, entry: CurveEntry): Promise<void> {
    const curves = curveRecord();
    for (const [name, c] of Object.entries(entry.curves)) {
      curves[name] = { step: c.step.slice(), epoch: c.epoch.slice(), value: c.value.slice() };
    }
    const copy = { ...entry, lastStep: { ...entry.lastStep }, curves };
    // The first write of a batch waits writeDelayMs (the others queue behind it).
    const start =
      this.queued === 0 && this.writeDelayMs > 0
        ? this.queue.then(() => new Promise<void>((resolve) => setTimeout(resolve, this.writeDelayMs)))
        : this.queue;
    this.queued++;
    const done = start
      .then(() => this.write(key, copy))
      .then(() => (--this.queued === 0 ? this.evict() : undefined))
      .catch((error: unknown) => this.log(`curve cache: ${message(error)}`));
    this.queue = done;
    return done;
  }

  /** Resolves once every write asked for so far is done. */
  flush(): Promise<void> {
    return this.queue;
  }

  /** The text of a regular entry file no larger than MAX_ENTRY_BYTES (a larger one is removed unread), or undefined. */
  private readText(path: string): string | undefined {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.log(`curve cache: cannot open ${path}: ${message(error)}`);
      }
      if (code === 'ELOOP') this.remove(path);
      return undefined;
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile() || stat.size > MAX_ENTRY_BYTES) {
        this.log(`curve cache: ignoring ${path} (${stat.isFile() ? `${stat.size} bytes` : 'not a file'})`);
        if (stat.isFile()) this.remove(path);
        return undefined;
      }
      const buffer = Buffer.allocUnsafe(stat.size);
      let done = 0;
      while (done < stat.size) {
        const n = readSync(fd, buffer, done, stat.size - done, done);
        if (n === 0) break;
        done += n;
      }
      return buffer.toString('utf8', 0, done);
    } catch (error) {
      this.log(`curve cache: cannot read ${path}: ${message(error)}`);
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  private remove(path: string): void {
    try {
      rmSync(path, { force: true });
    } catch (error) {
      this.log(`curve cache: cannot remove ${path}: ${message(error)}`);
    }
  }

  private async write(key: string, entry: CurveEntry): Promise<void> {
    const text = entryText(key, entry);
    const path = this.pathOf(key);
    if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) {
      this.log(`curve cache: not storing ${path}: larger than ${MAX_ENTRY_BYTES} bytes`);
      return;
    }
    const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, text, { flag: 'wx' });
      await rename(temp, path);
    } catch (error) {
      this.log(`curve cache: cannot write ${path}: ${message(error)}`);
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }

  /** Removes the least recently written entries while the folder holds more than its budget (and stale temp files). */
  private async evict(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const entries: { path: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      const temp = TEMP_NAME.test(name);
      if (!temp && !ENTRY_NAME.test(name)) continue;
      const path = join(this.dir, name);
      const info = await lstat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      if (!temp) entries.push({ path, size: info.size, mtimeMs: info.mtimeMs });
      else if (Date.now() - info.mtimeMs > STALE_TEMP_MS) {
        await rm(path, { force: true }).catch(() => undefined);
      }
    }
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const entry of entries) {
      if (total <= this.budgetBytes) break;
      try {
        await rm(entry.path, { force: true });
        total -= entry.size;
      } catch (error) {
        this.log(`curve cache: cannot remove ${entry.path}: ${message(error)}`);
      }
    }
  }
}
