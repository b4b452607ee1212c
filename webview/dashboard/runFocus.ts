/**
 * Which compared runs the charts show and emphasise, shared by every chart and the legend: hidden runs, one
 * isolated run, the hovered (highlighted) run and the legend's filter text. Charts redraw on a change: a hover only
 * repaints, a visibility change lays the chart out again (axes fit the visible runs).
 */
export type FocusChange = 'hover' | 'visibility';

export class RunFocus {
  private readonly hidden = new Set<string>();
  private isolated: string | undefined;
  private highlighted: string | undefined;
  private filterText = '';
  /** Run id -> text the filter matches (label, name, key values); set by the legend. */
  private haystack = new Map<string, string>();
  private readonly listeners = new Set<(change: FocusChange) => void>();

  onChange(listener: (change: FocusChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: FocusChange): void {
    for (const l of this.listeners) l(change);
  }

  /** False for runs hidden, filtered out, or not the isolated one; lines without a run are always visible. */
  visible(runId: string | undefined): boolean {
    if (runId === undefined) return true;
    if (this.isolated !== undefined) return runId === this.isolated;
    if (this.hidden.has(runId)) return false;
    return this.matches(runId);
  }

  matches(runId: string): boolean {
    if (this.filterText === '') return true;
    return (this.haystack.get(runId) ?? '').includes(this.filterText);
  }

  get highlight(): string | undefined {
    return this.highlighted;
  }

  get isolatedRun(): string | undefined {
    return this.isolated;
  }

  get filter(): string {
    return this.filterText;
  }

  isHidden(runId: string): boolean {
    return this.hidden.has(runId);
  }

  setHighlight(runId: string | undefined): void {
    if (runId === this.highlighted) return;
    this.highlighted = runId;
    this.emit('hover');
  }

  setHidden(runId: string, hidden: boolean): void {
    if (hidden === this.hidden.has(runId)) return;
    if (hidden) this.hidden.add(runId);
    else this.hidden.delete(runId);
    this.emit('visibility');
  }

  /** Isolates `runId`, or shows all runs again when it is already the isolated one. */
  toggleIsolate(runId: string): void {
    this.isolated = this.isolated === runId ? undefined : runId;
    this.emit('visibility');
  }

  showAll(): void {
    this.isolated = undefined;
    this.hidden.clear();
    this.filterText = '';
    this.emit('visibility');
  }

  setFilter(text: string, haystack: Map<string, string>): void {
    const next = text.trim().toLowerCase();
    this.haystack = haystack;
    if (next === this.filterText) return;
    this.filterText = next;
    this.emit('visibility');
  }

  /** Takes back a persisted state (webview state after a reload) without notifying: nothing is drawn yet. */
  restore(saved: { hidden: readonly string[]; isolated: string; filter: string }): void {
    this.hidden.clear();
    for (const id of saved.hidden) this.hidden.add(id);
    this.isolated = saved.isolated === '' ? undefined : saved.isolated;
    this.filterText = saved.filter.trim().toLowerCase();
  }

  /** Hidden run ids and the isolated run ('' = none), for persisting. */
  get state(): { hidden: string[]; isolated: string } {
    return { hidden: [...this.hidden], isolated: this.isolated ?? '' };
  }

  /** Forgets runs that are no longer compared. */
  retain(runIds: ReadonlySet<string>): void {
    let changed = false;
    for (const id of [...this.hidden]) {
      if (!runIds.has(id)) {
        this.hidden.delete(id);
        changed = true;
      }
    }
    if (this.isolated !== undefined && !runIds.has(this.isolated)) {
      this.isolated = undefined;
      changed = true;
    }
    if (this.highlighted !== undefined && !runIds.has(this.highlighted)) this.highlighted = undefined;
    if (changed) this.emit('visibility');
  }
}

/** The dashboard's one focus state. */
export const runFocus = new RunFocus();
