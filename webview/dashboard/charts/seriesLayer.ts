/**
 * The series layer of a plot card: a live push that changes a few of a card's many series repaints those few, not
 * all (100 compared runs, 4 of them running: 8 of 200 lines). The card's last full render is kept as a
 * bitmap without the recently changed ("hot") series; while the layout, the canvas size, the hover highlight and
 * every other series are unchanged, a redraw copies that bitmap and paints the hot series on top. Both paths paint in
 * the same order — the other series in spec order, then the hot ones in spec order — so a cached redraw shows the
 * pixels a full one would (test/webview/seriesLayer.test.ts).
 */
import type { PlotLine, PlotSpec } from '../../shared/plot/spec';

/** A line's identity across pushes: its run and label (unique within a card; else the layer stays off). */
const lineId = (l: PlotLine): string => `${l.run ?? ''}\u0000${l.label}`;

/** What a line looks like: visibility, style and its data arrays by identity (a push makes new arrays only for
 * the runs whose data changed: curvesTab.ts keeps the others, and LineChart keeps their PlotLine objects). */
interface Look {
  line: PlotLine;
  shown: boolean;
}

function sameLook(a: Look, line: PlotLine, shown: boolean): boolean {
  const o = a.line;
  if (a.shown !== shown) return false;
  if (o === line) return true;
  return (
    o.xs === line.xs &&
    o.ys === line.ys &&
    o.color === line.color &&
    o.width === line.width &&
    (o.dash ?? []).join(',') === (line.dash ?? []).join(',') &&
    o.radius === line.radius &&
    o.marker === line.marker &&
    o.stepped === line.stepped &&
    o.fill?.base === line.fill?.base &&
    o.fill?.color === line.fill?.color &&
    o.line === line.line &&
    o.quiet === line.quiet
  );
}

/** Past this share of a card's lines the hot set is reset to the lines that just changed (the bitmap is rebuilt). */
const HOT_SHARE = 0.25;
/** ... but a few hot lines are always allowed (small cards). */
const HOT_MIN = 8;

export class SeriesLayer {
  private looks = new Map<string, Look>();
  private hot = new Set<string>();
  /** Off for specs with reference drawings or areas (closures and arrays rebuilt at every set) or duplicate ids. */
  private on = false;
  /** Whether the lines changed since the bitmap was taken include one painted into it. */
  private stale = true;
  private bitmap: HTMLCanvasElement | undefined;
  /** Most hot lines a bitmap is taken for (more, and copying it would not save enough drawing). */
  private limit = HOT_MIN;

  /** Records the lines of the next paint; their changes since the last one decide the hot set. */
  next(spec: PlotSpec, shows: (line: PlotLine) => boolean): void {
    const looks = new Map<string, Look>();
    const changed = new Set<string>();
    let unique = true;
    for (const line of spec.lines) {
      const id = lineId(line);
      if (looks.has(id)) unique = false;
      const shown = shows(line);
      looks.set(id, { line, shown });
      const old = this.looks.get(id);
      if (!old || !sameLook(old, line, shown)) changed.add(id);
    }
    const removedCold = [...this.looks.keys()].some((id) => !looks.has(id) && !this.hot.has(id));
    this.looks = looks;
    this.on = unique && spec.under === undefined && (spec.areas?.length ?? 0) === 0;
    if (!this.on) {
      this.hot.clear();
      this.stale = true;
      return;
    }
    const coldChanged = removedCold || [...changed].some((id) => !this.hot.has(id));
    const union = new Set([...this.hot, ...changed].filter((id) => looks.has(id)));
    this.limit = Math.max(HOT_MIN, spec.lines.length * HOT_SHARE);
    if (union.size > this.limit) {
      this.hot = changed;
      this.stale = true;
    } else {
      this.hot = union;
      if (coldChanged) this.stale = true;
    }
  }

  /** Whether the layer applies to paints now: not while a hovered run is drawn on top of the others (`lit`). */
  active(lit: boolean): boolean {
    return this.on && !lit;
  }

  /** True for lines painted above the bitmap. */
  isHot(line: PlotLine): boolean {
    return this.hot.has(lineId(line));
  }

  /**
   * Keeps the canvas as painted so far (a full render, before the hot lines) as the bitmap. Not when too many lines
   * are hot (a first render, all 100 runs appending): copying makes the canvas rasterise its paths at once, and
   * repainting that many lines over it would save little.
   */
  take(canvas: HTMLCanvasElement): void {
    if (this.hot.size > this.limit) {
      this.stale = true;
      return;
    }
    const b = (this.bitmap ??= document.createElement('canvas'));
    if (b.width !== canvas.width || b.height !== canvas.height) {
      b.width = canvas.width;
      b.height = canvas.height;
    }
    const ctx = b.getContext('2d');
    if (!ctx) {
      this.stale = true;
      return;
    }
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(canvas, 0, 0);
    this.stale = false;
  }

  /** Forgets the bitmap (a render that does not take one: under a hover highlight, or with the layer off). */
  drop(): void {
    this.stale = true;
  }

  /**
   * Copies the bitmap onto `canvas` when it still shows what a full render would (same size, no line painted into
   * it changed, taken by a render without a highlighted run); false when a full render is needed.
   */
  restore(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D): boolean {
    const b = this.bitmap;
    if (!this.on || this.stale || !b) return false;
    if (b.width !== canvas.width || b.height !== canvas.height) return false;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(b, 0, 0);
    ctx.restore();
    return true;
  }
}
