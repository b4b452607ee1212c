/**
 * A run store whose directory can change while the extension runs: every call goes to the current RunStore, and
 * `switchTo` replaces it (the old one is flushed and closed) and tells listeners which runs went and came. The
 * extension uses it so `snnLab.runsDirectory` applies at once, also when workspace trust is granted. A unit test
 * checks that every public RunStore method is forwarded.
 */
import { Emitter, type Disposable } from '../core/events';
import { RunStore, type RunStoreOptions } from './runStore';
import type { RunChange, RunStoreApi } from './runTypes';

export class RunStoreSwitch implements RunStoreApi, Disposable {
  private readonly changes = new Emitter<RunChange>();
  readonly onDidChange = this.changes.event;
  private store: RunStore;
  private forward: Disposable;
  /** The interval of watch() while it runs (the next store is watched the same way). */
  private watching: { intervalMs: number; handle: Disposable } | undefined;

  constructor(
    root: string,
    private readonly options: RunStoreOptions = {},
  ) {
    this.store = new RunStore(root, options);
    this.forward = this.store.onDidChange((change) => this.changes.fire(change));
  }

  get root(): string {
    return this.store.root;
  }

  /** The store in use now. */
  get current(): RunStore {
    return this.store;
  }

  /**
   * Makes `root` the runs directory: listeners get 'deleted' for the runs of the old one and 'created' for those of
   * the new one. Returns false (and changes nothing) when it already is. The caller makes sure no run is live.
   */
  switchTo(root: string): boolean {
    if (root === this.store.root) return false;
    const before = this.store.list().map((m) => m.runId);
    this.forward.dispose();
    this.watching?.handle.dispose();
    this.store.dispose();
    this.store = new RunStore(root, this.options);
    this.forward = this.store.onDidChange((change) => this.changes.fire(change));
    if (this.watching) this.watching.handle = this.store.watch(this.watching.intervalMs);
    for (const runId of before) this.changes.fire({ kind: 'deleted', runId });
    for (const meta of this.store.list()) this.changes.fire({ kind: 'created', runId: meta.runId });
    return true;
  }

  /** Watches whichever store is current every `intervalMs` (RunStore.watch: refresh and disk-full retries). */
  watch(intervalMs = 1000): Disposable {
    this.watching?.handle.dispose();
    const watching = { intervalMs, handle: this.store.watch(intervalMs) };
    this.watching = watching;
    return {
      dispose: () => {
        watching.handle.dispose();
        if (this.watching === watching) this.watching = undefined;
      },
    };
  }

  readonly runDir: RunStore['runDir'] = (runId) => this.store.runDir(runId);
  readonly create: RunStore['create'] = (plan, options) => this.store.create(plan, options);
  readonly record: RunStore['record'] = (runId, message) => this.store.record(runId, message);
  readonly setStatus: RunStore['setStatus'] = (runId, status, failure) =>
    this.store.setStatus(runId, status, failure);
  readonly patchMeta: RunStore['patchMeta'] = (runId, patch) => this.store.patchMeta(runId, patch);
  readonly isDiskFull: RunStore['isDiskFull'] = (runId) => this.store.isDiskFull(runId);
  readonly appendLog: RunStore['appendLog'] = (runId, line) => this.store.appendLog(runId, line);
  readonly list: RunStore['list'] = () => this.store.list();
  readonly listing: RunStore['listing'] = () => this.store.listing();
  readonly read: RunStore['read'] = (runId) => this.store.read(runId);
  readonly readOrReason: RunStore['readOrReason'] = (runId) => this.store.readOrReason(runId);
  readonly overview: RunStore['overview'] = (runId, meta) => this.store.overview(runId, meta);
  readonly readConfig: RunStore['readConfig'] = (runId) => this.store.readConfig(runId);
  readonly readConfigOrReason: RunStore['readConfigOrReason'] = (runId) =>
    this.store.readConfigOrReason(runId);
  readonly readSummary: RunStore['readSummary'] = (runId) => this.store.readSummary(runId);
  readonly readSetup: RunStore['readSetup'] = (runId) => this.store.readSetup(runId);
  readonly readSetupOrReason: RunStore['readSetupOrReason'] = (runId) => this.store.readSetupOrReason(runId);
  readonly seriesProblem: RunStore['seriesProblem'] = (runId) => this.store.seriesProblem(runId);
  readonly recordCounts: RunStore['recordCounts'] = (runId) => this.store.recordCounts(runId);
  readonly planLayerSamples: RunStore['planLayerSamples'] = (runId, count) =>
    this.store.planLayerSamples(runId, count);
  readonly planFrameSamples: RunStore['planFrameSamples'] = (runId, count) =>
    this.store.planFrameSamples(runId, count);
  readonly readFramesAt: RunStore['readFramesAt'] = (runId, starts) => this.store.readFramesAt(runId, starts);
  readonly readLayersAt: RunStore['readLayersAt'] = (runId, starts) => this.store.readLayersAt(runId, starts);
  readonly readRecords: RunStore['readRecords'] = (runId, file, visit, options) =>
    this.store.readRecords(runId, file, visit, options);
  readonly seriesFileStamp: RunStore['seriesFileStamp'] = (runId, file, offset) =>
    this.store.seriesFileStamp(runId, file, offset);
  readonly delete: RunStore['delete'] = (runId) => this.store.delete(runId);
  readonly safeRunDir: RunStore['safeRunDir'] = (runId) => this.store.safeRunDir(runId);
  readonly recoverInterrupted: RunStore['recoverInterrupted'] = (isAlive) =>
    this.store.recoverInterrupted(isAlive);
  readonly refresh: RunStore['refresh'] = () => this.store.refresh();
  readonly flush: RunStore['flush'] = () => this.store.flush();
  readonly readMeta: RunStore['readMeta'] = (runId) => this.store.readMeta(runId);
  readonly readJsonl: RunStore['readJsonl'] = (runId, file) => this.store.readJsonl(runId, file);
  readonly runIds: RunStore['runIds'] = () => this.store.runIds();

  dispose(): void {
    this.watching?.handle.dispose();
    this.forward.dispose();
    this.store.dispose();
    this.changes.dispose();
  }
}
