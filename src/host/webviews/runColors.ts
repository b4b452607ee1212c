/**
 * Each run's colour slot (0..11 of the webview palettes), assigned once in creation order and stored in the
 * workspace state, so a run keeps its colour in the sidebar and the dashboard, across reloads and sessions. Any 12
 * runs created one after another (a sweep) get 12 different slots. Pure (no vscode): the state comes in through a
 * Memento-like interface.
 */
import type { RunId } from '../../protocol/ids';
import type { RunInfo } from '../../protocol/webview';

/** The part of vscode.Memento used here. */
export interface StateLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** Slots per palette (webview/shared/palette.ts PALETTE_SIZE). */
export const COLOR_SLOTS = 12;
/** The workspace-state key (the state is the extension's own, so no prefix is needed). */
const KEY = 'runColorSlots';

interface Stored {
  next: number;
  slots: Record<string, number>;
}

function load(state: StateLike | undefined): Stored {
  const raw = state?.get<unknown>(KEY);
  const out: Stored = { next: 0, slots: {} };
  if (typeof raw !== 'object' || raw === null) return out;
  const r = raw as { next?: unknown; slots?: unknown };
  if (typeof r.next === 'number' && Number.isSafeInteger(r.next) && r.next >= 0) {
    out.next = r.next % COLOR_SLOTS;
  }
  if (typeof r.slots === 'object' && r.slots !== null) {
    for (const [id, slot] of Object.entries(r.slots)) {
      if (Number.isInteger(slot) && (slot as number) >= 0 && (slot as number) < COLOR_SLOTS) {
        out.slots[id] = slot as number;
      }
    }
  }
  return out;
}

export class RunColors {
  private readonly stored: Stored;

  constructor(private readonly state?: StateLike) {
    this.stored = load(state);
  }

  /**
   * The slot of every listed run: stored ones as they are, new ones round-robin in (createdAt, runId) order.
   * Runs no longer listed are forgotten. Saves when anything changed.
   */
  slots(
    runs: readonly { runId: RunId; createdAt: string }[],
    opts: { forget: boolean } = { forget: true },
  ): Map<RunId, number> {
    let changed = false;
    const fresh = runs
      .filter((r) => this.stored.slots[r.runId] === undefined)
      .sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.runId < b.runId ? -1 : 1,
      );
    for (const r of fresh) {
      this.stored.slots[r.runId] = this.stored.next;
      this.stored.next = (this.stored.next + 1) % COLOR_SLOTS;
      changed = true;
    }
    const listed = new Set<string>(runs.map((r) => r.runId));
    for (const id of opts.forget ? Object.keys(this.stored.slots) : []) {
      if (!listed.has(id)) {
        delete this.stored.slots[id];
        changed = true;
      }
    }
    if (changed) void this.state?.update(KEY, { next: this.stored.next, slots: { ...this.stored.slots } });
    return new Map(runs.map((r) => [r.runId, this.stored.slots[r.runId] as number]));
  }

  /** Sets `color` on each RunInfo to its run's slot; `infos` must cover every run (others are forgotten). */
  paint(infos: readonly RunInfo[]): void {
    this.paintWith(infos, { forget: true });
  }

  /** Sets `color` on some runs (an incremental update): new runs get the next slots, no run is forgotten. */
  paintSome(infos: readonly RunInfo[]): void {
    this.paintWith(infos, { forget: false });
  }

  private paintWith(infos: readonly RunInfo[], opts: { forget: boolean }): void {
    const unique = new Map(infos.map((i) => [i.runId, i]));
    const slots = this.slots([...unique.values()], opts);
    for (const info of infos) {
      const slot = slots.get(info.runId);
      if (slot !== undefined) info.color = slot;
    }
  }
}
