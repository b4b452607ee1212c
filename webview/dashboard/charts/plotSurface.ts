/**
 * The canvas side of a plot card: the canvas's size (read at the first draw, then kept by a ResizeObserver), the
 * layout of the axes, the whole render (frame, series, tooltip), and the repaint of a live push whose axes did not
 * move — from the series layer's bitmap plus the lines that changed when it applies (seriesLayer.ts).
 */
import type { PlotLayout } from '../../shared/plot/layout';
import { nearestPoint } from '../../shared/plot/series';
import type { Frame, PlotLine, PlotSpec } from '../../shared/plot/spec';
import type { Theme } from '../../shared/theme';
import type { Hit } from './plotAxes';
import { drawTooltip } from './plotAxes';
import { drawFrame, fitCanvas, layoutPlot, observeSize, unobserveSize, type CanvasSize } from './plotFrame';
import { lit, paintLines, paintSeries } from './plotPainter';
import type { PlotSummary } from './plotSummary';
import { SeriesLayer } from './seriesLayer';

export type Range = [number, number];

export class PlotSurface {
  /** How the last paint was made (the test hook asserts cached repaints). */
  paint: PlotSummary['paint'] = 'full';
  /** The pointer over the canvas (CSS px), for the tooltip. */
  pointerAt: { x: number; y: number } | undefined;
  private spec: PlotSpec | undefined;
  private ranges: { x: Range; y: Range } = { x: [0, 1], y: [0, 1] };
  private hit: Hit | undefined;
  /** The canvas's CSS size and pixel ratio. */
  private size: CanvasSize | undefined;
  private layout: PlotLayout | undefined;
  /** What the last layout was made for (axis specs, ranges, canvas size). */
  private layoutKey: unknown[] = [];
  /** The last full render without the recently changed lines, for repaints that paint only those. */
  private readonly layer = new SeriesLayer();

  /** `shows` says which lines are drawn, `describe` writes the tooltip of a point. */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly theme: Theme,
    private readonly hidden: ReadonlySet<string>,
    private readonly shows: (line: PlotLine) => boolean,
    private readonly describe: (line: PlotLine, index: number) => string[],
  ) {
    observeSize(canvas, (w, h) => this.resized(w, h));
  }

  /** The plot area and axes of the last layout (undefined before one, or while the canvas has no size). */
  get frame(): Frame | undefined {
    return this.spec ? this.layout?.frame : undefined;
  }

  /** The CSS size of the plot (0 x 0 before the first draw or while hidden). */
  get cssSize(): { width: number; height: number } {
    return { width: this.size?.width ?? 0, height: this.size?.height ?? 0 };
  }

  /**
   * Shows `spec` over ranges `x` and `y`: a new layout when the axes, the ranges or the canvas size changed, else a
   * repaint. `moved`: the canvas may have moved or changed size (a legend row came or went): its size is read.
   */
  show(spec: PlotSpec, x: Range, y: Range, moved: boolean): void {
    this.spec = spec;
    this.ranges = { x, y };
    this.layer.next(spec, this.shows);
    // Also read again when the pixel ratio changed (a window moved to another screen: no resize is reported).
    if (!this.size || moved || this.size.ratio !== (window.devicePixelRatio || 1)) this.measure();
    const axes = [spec.x, spec.y].flatMap((a) => [a.title, a.log, a.grid, a.integer, a.format]);
    const s = this.size;
    const key = [...axes, ...x, ...y, s?.width, s?.height, s?.ratio];
    if (this.layout && key.every((v, i) => v === this.layoutKey[i])) {
      this.redraw();
    } else {
      this.layoutKey = key;
      this.relayout();
    }
  }

  /** Reads the canvas's CSS size (a forced layout: only at the first draw and when the legend row changed). */
  private measure(): void {
    // The border box in fractional CSS px, as the ResizeObserver reports it: its first report then changes nothing.
    const box = this.canvas.getBoundingClientRect();
    this.size = { width: box.width, height: box.height, ratio: window.devicePixelRatio || 1 };
    fitCanvas(this.canvas, this.size);
  }

  /** The ResizeObserver's report: a new size is laid out and rendered at once (before the next frame). */
  private resized(width: number, height: number): void {
    const ratio = window.devicePixelRatio || 1;
    const s = this.size;
    if (s && s.width === width && s.height === height && s.ratio === ratio) return;
    this.size = { width, height, ratio };
    fitCanvas(this.canvas, this.size);
    this.layoutKey = [];
    if (this.spec) this.relayout();
  }

  private relayout(): void {
    const { spec, size } = this;
    const ctx = this.canvas.getContext('2d');
    this.layout =
      spec && size && ctx && size.width > 0 && size.height > 0
        ? layoutPlot(ctx, size.width, size.height, spec, this.ranges.x, this.ranges.y, this.theme)
        : undefined;
    this.render();
  }

  /**
   * The whole render: frame, areas, lines and markers, then the tooltip. With the series layer on, the hot lines
   * are left out, the canvas is kept as the bitmap, and they are painted above it.
   */
  private render(): void {
    const { spec, size, layout } = this;
    const ctx = this.canvas.getContext('2d');
    if (!spec || !size || !layout || !ctx) return;
    ctx.setTransform(size.ratio, 0, 0, size.ratio, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    drawFrame(ctx, layout, spec, this.theme);
    const layered = this.layer.active(lit(spec));
    paintSeries(ctx, spec, layout.frame, (l) => this.shows(l) && !(layered && this.layer.isHot(l)));
    if (layered) {
      this.layer.take(this.canvas);
      paintLines(ctx, spec, layout.frame, (l) => this.shows(l) && this.layer.isHot(l));
    } else {
      this.layer.drop();
    }
    this.tooltip(ctx, size);
    this.paint = 'full';
  }

  /**
   * Repaints without a new layout: the kept bitmap and the hot lines when the bitmap still holds every other line
   * as a full render would paint it, else the whole render.
   */
  redraw(): void {
    const { spec, size, layout } = this;
    const ctx = this.canvas.getContext('2d');
    if (!spec || !size || !layout || !ctx) return;
    if (this.layer.active(lit(spec)) && this.layer.restore(this.canvas, ctx)) {
      ctx.setTransform(size.ratio, 0, 0, size.ratio, 0, 0);
      paintLines(ctx, spec, layout.frame, (l) => this.shows(l) && this.layer.isHot(l));
      this.tooltip(ctx, size);
      this.paint = 'cached';
    } else {
      this.render();
    }
  }

  /** The point nearest the pointer (CSS px), if any. */
  hitAt(at: { x: number; y: number } | undefined): Hit | undefined {
    const { spec, frame: f } = this;
    return spec && f && at ? nearestPoint(spec, f, at.x, at.y, this.hidden, this.shows) : undefined;
  }

  /** Whether the point under the pointer differs from the one whose tooltip is drawn. */
  hitChanged(): boolean {
    const next = this.hitAt(this.pointerAt);
    return next?.line !== this.hit?.line || next?.index !== this.hit?.index;
  }

  private tooltip(ctx: CanvasRenderingContext2D, size: CanvasSize): void {
    this.hit = this.hitAt(this.pointerAt);
    if (this.hit) {
      const text = this.describe(this.hit.line, this.hit.index);
      drawTooltip(ctx, size.width, size.height, this.theme, text, this.hit);
    }
  }

  /** Lays out and paints `spec` (every shown line, no tooltip) into a `width` x `height` box of `ctx` (PNG export). */
  paintInto(ctx: CanvasRenderingContext2D, spec: PlotSpec, width: number, height: number): void {
    const l = layoutPlot(ctx, width, height, spec, this.ranges.x, this.ranges.y, this.theme);
    drawFrame(ctx, l, spec, this.theme);
    paintSeries(ctx, spec, l.frame, this.shows);
  }

  destroy(): void {
    unobserveSize(this.canvas);
  }
}
