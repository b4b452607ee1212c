/**
 * Typed channel between the host and one webview document: validates what the webview sends, answers `ready` and
 * `resync` with a full snapshot (built asynchronously, so loading long runs never blocks the host), and coalesces
 * everything else into at most one push per interval (~10/s): queued messages (run list, selection, sidebar rows)
 * first, then one `appended` message with the data merged per run. Runtime-free of `vscode` (the webview is passed
 * in through a narrow interface) so it is unit-tested in Node.
 */
import type { Disposable } from '../../core/events';
import type { RunId } from '../../protocol/ids';
import { PROTOCOL_VERSION } from '../../protocol/version';
import type {
  CurveSeries,
  HostToWebview,
  RunDelta,
  RunInfo,
  WebviewKind,
  WebviewToHost,
} from '../../protocol/webview';
import { parseWebviewToHost } from '../../protocol/webview';

/** The part of vscode.Webview the channel uses. */
export interface WebviewLike {
  postMessage(message: unknown): PromiseLike<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => unknown): Disposable;
}

/** The part of vscode.LogOutputChannel the channel uses. */
export interface ChannelLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

type Snapshot = Extract<HostToWebview, { type: 'snapshot' | 'sidebarSnapshot' }>;
type DistributeOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What the owner supplies: a snapshot without seq and protocolVersion. */
export type SnapshotBody = DistributeOmit<Snapshot, 'seq' | 'protocolVersion'>;
/** New data for one run, merged with other pending data for it until the next flush. */
export type Delta = RunDelta;
/** A sequenced message other than a snapshot or appended data, without its seq. */
export type QueuedBody = DistributeOmit<
  Extract<HostToWebview, { type: 'runs' | 'selection' | 'sidebarUpdate' }>,
  'seq'
>;

export interface ChannelOptions {
  webview: WebviewLike;
  view: WebviewKind;
  log: ChannelLog;
  snapshot: () => SnapshotBody | Promise<SnapshotBody>;
  /** Validated messages other than ready/resync. */
  onMessage: (message: WebviewToHost) => void;
  /** Called at each valid `ready` (the page's scripts have run: e.g. its first-snapshot script can go). */
  onReady?: () => void;
  /** Called at each flush for messages the owner builds lazily (e.g. the sidebar rows that changed). */
  pending?: () => QueuedBody[];
  /** Minimum time between two pushes (ms). */
  intervalMs?: number;
  /**
   * Data the snapshot left out (the dashboard's statistics), taken right after a snapshot is sent and pushed in the
   * `appended` message of the next flush, before newer data: the page draws its first view from a smaller message.
   * A promise (the data is still being read) is sent at the first flush after it resolves, unless a newer snapshot
   * went out meanwhile; the owner must not send that data's records as deltas before it.
   */
  afterSnapshot?: () => Delta[] | Promise<Delta[]>;
}

function appendCurves(into: Record<string, CurveSeries>, from: Record<string, CurveSeries>): void {
  for (const [name, c] of Object.entries(from)) {
    const t = (into[name] ??= { step: [], epoch: [], value: [] });
    t.step.push(...c.step);
    t.epoch.push(...c.epoch);
    t.value.push(...c.value);
  }
}

/** The longest a push waits for the previous one's delivery before it is sent anyway (ms). */
const MAX_HOLD_MS = 10_000;

/** One webview document's connection. Create one per webview; dispose with it. */
export class WebviewChannel implements Disposable {
  private seq = 0;
  private ready = false;
  private snapshotDue = false;
  /** A snapshot is being built: everything else waits for it (the snapshot covers it). */
  private building = false;
  private pendingDeltas = new Map<RunId, Delta>();
  /** What the last snapshot left out (afterSnapshot), sent whole before the pending deltas. */
  private followUps: Delta[] = [];
  private queued: QueuedBody[] = [];
  /** The seq of the last snapshot sent (what follows a snapshot belongs to it). */
  private lastSnapshotSeq = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPush = 0;
  /** Messages posted whose delivery VS Code has not confirmed yet, and since when the oldest is out. */
  private inFlight = 0;
  private inFlightSince = 0;
  /** The seq of the snapshot handed out for the page's HTML ({@link firstSnapshot}), until `ready`. */
  private embedded: number | undefined;
  /** Something was for the page between that snapshot and `ready`: the page gets a fresh snapshot instead. */
  private embeddedStale = false;
  /** A flush found messages still in flight: it runs again once they are delivered. */
  private flushWaits = false;
  private readonly subscription: Disposable;
  private readonly intervalMs: number;
  private disposed = false;
  private readonly o: ChannelOptions;

  constructor(options: ChannelOptions) {
    this.o = options;
    this.intervalMs = options.intervalMs ?? 100;
    this.subscription = options.webview.onDidReceiveMessage((raw) => this.receive(raw));
  }

  /** True once the webview said `ready` (with a matching protocol version). */
  get isReady(): boolean {
    return this.ready;
  }

  /**
   * The first snapshot, to embed in the page's HTML instead of posting it after `ready` (the page draws it as soon as
   * its script runs). Sequenced like a posted one; what the owner leaves for later (afterSnapshot) follows `ready`. If
   * anything else is for the page before its `ready` (it cannot take messages yet), or the page did not draw it,
   * `ready` gets a fresh snapshot as usual.
   */
  async firstSnapshot(): Promise<Snapshot | undefined> {
    const message = await this.buildSnapshot();
    if (message) {
      this.embedded = message.seq;
      this.embeddedStale = false;
    }
    return message;
  }

  /** Queues new data for a run; merged and pushed with the next flush. */
  append(delta: Delta): void {
    this.noteEmbeddedStale();
    if (!this.accepting()) return;
    const p = this.pendingDeltas.get(delta.runId);
    if (!p) {
      const curves = Object.create(null) as Record<string, CurveSeries>;
      appendCurves(curves, delta.curves);
      this.pendingDeltas.set(delta.runId, {
        ...delta,
        curves,
        frames: [...delta.frames],
        histograms: [...delta.histograms],
      });
    } else {
      if (delta.info) p.info = delta.info;
      appendCurves(p.curves, delta.curves);
      p.frames.push(...delta.frames);
      // Histogram frames are thinned hardest in the webview: per push only the newest one is worth sending.
      if (delta.histograms.length > 0) p.histograms = delta.histograms.slice(-1);
    }
    this.schedule();
  }

  /** Queues a sequenced message for the next flush (sent before the appended data, in order). */
  queue(body: QueuedBody): void {
    this.noteEmbeddedStale();
    if (!this.accepting()) return;
    this.queued.push(body);
    this.schedule();
  }

  /** Asks for a flush: the owner's `pending` hook has something to send. */
  poke(): void {
    if (this.accepting()) this.schedule();
  }

  /** Replaces anything pending with a full snapshot at the next flush. */
  invalidate(): void {
    this.noteEmbeddedStale();
    this.snapshotDue = true;
    this.pendingDeltas.clear();
    this.queued = [];
    if (this.ready) this.schedule();
  }

  /** Sends an unsequenced message (showTab, notice, study, predictions) now. */
  post(message: Extract<HostToWebview, { type: 'showTab' | 'notice' | 'study' | 'predictions' }>): void {
    void this.send(message);
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    if (this.timer) clearTimeout(this.timer);
    this.pendingDeltas.clear();
    this.followUps = [];
    this.queued = [];
  }

  private noteEmbeddedStale(): void {
    if (!this.ready && this.embedded !== undefined) this.embeddedStale = true;
  }

  /** Whether incremental data is wanted now (not before `ready`, not while a snapshot is due or being built). */
  private accepting(): boolean {
    return this.ready && !this.snapshotDue && !this.building && !this.disposed;
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewToHost(raw);
    if (!parsed.ok) {
      this.o.log.warn(`${this.o.view} webview: ignored a bad message: ${parsed.error}`);
      return;
    }
    const m = parsed.value;
    if (m.type === 'ready') {
      if (m.protocolVersion !== PROTOCOL_VERSION) {
        const text = `${this.o.view} webview speaks protocol ${m.protocolVersion}, the host ${PROTOCOL_VERSION}: rebuild (npm run build) and reload the window`;
        this.o.log.error(text);
        this.post({ type: 'notice', level: 'error', message: text });
        return;
      }
      this.ready = true;
      this.o.onReady?.();
      const embedded = this.embedded;
      this.embedded = undefined;
      if (embedded !== undefined && m.shown === embedded && !this.embeddedStale && !this.snapshotDue) {
        // The page drew the snapshot of its HTML and nothing came since: only what follows it is sent.
        if (this.followUps.length > 0) this.schedule();
      } else void this.flushSnapshot();
    } else if (m.type === 'resync') {
      this.o.log.info(`${this.o.view} webview: resync after seq ${m.lastSeq}`);
      void this.flushSnapshot();
    } else {
      this.o.onMessage(m);
    }
  }

  private schedule(): void {
    if (this.timer || this.disposed) return;
    const wait = Math.max(0, this.lastPush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (!this.ready || this.disposed || this.building) return;
    // Back-pressure: while the workbench has not taken the last push, new data is merged into the next one instead of
    // queueing behind it, so a busy window shows the newest state (a stopped run) when it catches up rather than
    // working through seconds of stale pushes. A delivery that never confirms stops holding data back after a while.
    if (this.inFlight > 0 && Date.now() - this.inFlightSince < MAX_HOLD_MS) {
      this.flushWaits = true;
      return;
    }
    if (this.snapshotDue) {
      void this.flushSnapshot();
      return;
    }
    const bodies = [...this.queued, ...(this.o.pending?.() ?? [])];
    this.queued = [];
    for (const body of bodies) void this.send({ ...body, seq: ++this.seq } as HostToWebview);
    // The appended data of a push is one message (the statistics a snapshot left out first): VS Code dispatches one
    // `message` event per postMessage, and a push spread over several events could be drawn over two frames.
    const runs = [...this.followUps, ...this.pendingDeltas.values()];
    this.followUps = [];
    this.pendingDeltas.clear();
    if (runs.length > 0) void this.send({ type: 'appended', seq: ++this.seq, runs });
    this.lastPush = Date.now();
  }

  /** Builds and sends a snapshot; an asynchronous builder holds back everything else until it is sent. */
  private async flushSnapshot(): Promise<void> {
    const message = await this.buildSnapshot();
    if (message) void this.send(message);
  }

  /**
   * Builds the next snapshot (sequenced) and takes what follows it (afterSnapshot); undefined when a build is already
   * running (it is built again once that one is out), it failed, or the channel went.
   */
  private async buildSnapshot(): Promise<Snapshot | undefined> {
    if (this.building) {
      this.snapshotDue = true; // build again once this one is sent: something changed meanwhile
      return undefined;
    }
    this.snapshotDue = false;
    this.pendingDeltas.clear();
    this.followUps = [];
    this.queued = [];
    this.o.pending?.(); // what the owner had pending is part of the snapshot
    let body: SnapshotBody | undefined;
    try {
      const built = this.o.snapshot();
      if (built instanceof Promise) {
        this.building = true;
        body = await built;
      } else body = built;
    } catch (error) {
      this.o.log.error(`${this.o.view} webview: cannot build a snapshot: ${String(error)}`);
    } finally {
      this.building = false;
    }
    if (!body || this.disposed) return undefined;
    this.seq += 1;
    const message = { ...body, seq: this.seq, protocolVersion: PROTOCOL_VERSION } as Snapshot;
    this.lastPush = Date.now();
    const later = this.o.afterSnapshot?.() ?? [];
    const snapshotSeq = this.seq;
    if (later instanceof Promise) {
      this.followUps = [];
      later.then(
        (deltas) => {
          // Dropped when the page was sent a newer snapshot (or the channel went) meanwhile.
          if (this.disposed || this.lastSnapshotSeq !== snapshotSeq) return;
          this.followUps.push(...deltas);
          if (this.followUps.length > 0) this.schedule();
        },
        (error: unknown) =>
          this.o.log.error(`${this.o.view} webview: cannot read what follows a snapshot: ${String(error)}`),
      );
    } else this.followUps = later;
    this.lastSnapshotSeq = snapshotSeq;
    if (this.snapshotDue || this.followUps.length > 0) this.schedule();
    return message;
  }

  private async send(message: HostToWebview): Promise<void> {
    if (this.disposed) return;
    if (this.inFlight === 0) this.inFlightSince = Date.now();
    this.inFlight += 1;
    try {
      const delivered = await this.o.webview.postMessage(message);
      // A hidden (torn down) document misses messages; it re-sends `ready` when shown and gets a snapshot.
      if (!delivered && message.type !== 'showTab' && message.type !== 'notice') this.ready = false;
    } catch (error) {
      this.o.log.warn(`${this.o.view} webview: postMessage failed: ${String(error)}`);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0 && this.flushWaits) {
        this.flushWaits = false;
        this.schedule();
      }
    }
  }
}

/** Convenience for owners: a run's info-only delta. */
export function infoDelta(info: RunInfo): Delta {
  return { runId: info.runId, info, curves: {}, frames: [], histograms: [] };
}
