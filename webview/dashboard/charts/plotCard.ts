/**
 * A chart card drawn by our own canvas plotter (shared/plot/draw.ts) instead of chart.js: a sharp canvas sized by a
 * ResizeObserver, a legend whose entries hide/show their series on click, a tooltip for the point nearest the
 * pointer, and PNG/CSV export. Each card reports what it painted last to the test hook (plotRegistry).
 */
import type { Frame, Painted, PlotLine, PlotSpec, PlotStyle } from '../../shared/plot/draw';
import { nearestPoint, paintPlot } from '../../shared/plot/draw';
import { formatTick, fromPixel } from '../../shared/plot/scale';
import type { CardOptions } from './card';
import { cardShell } from './card';

/** What a plot painted last: read by the browser tests through window.__snnLab.charts(). */
export interface PlotSummary {
  type: string;
  datasets: number;
  points: number[];
  labels: string[];
  bands?: number;
  cells?: number;
  arrows?: number;
}

/** Every live plot card by chart id (the test hook lists them next to the chart.js charts). */
export const plotRegistry = new Map<string, PlotCard>();

interface Hit {
  line: PlotLine;
  index: number;
  x: number;
  y: number;
}

export class PlotCard {
  readonly element: HTMLElement;
  /** Counts the last paint adds to the summary (heatmap cells); set by chart kinds before `draw`. */
  extra: Pick<PlotSummary, 'cells' | 'arrows'> = {};
  /** Called with the data coordinates of a click inside the plot area (not on the legend). */
  onClick: ((x: number, y: number) => void) | undefined;
  private readonly caption: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly box: HTMLElement;
  private readonly style: PlotStyle;
  private readonly observer: ResizeObserver;
  private spec: PlotSpec | undefined;
  private painted: Painted | undefined;
  private width = 0;
  private height = 0;
  private readonly hidden = new Set<string>();
  /** The pointer over the canvas (CSS px), kept across updates so the tooltip follows live data. */
  private pointerAt: { x: number; y: number } | undefined;
  private hit: Hit | undefined;
  private pending = 0;
  private last: PlotSummary = { type: 'plot', datasets: 0, points: [], labels: [] };

  /** `describe` writes the tooltip of a hovered point (default: "label: x, y"). */
  constructor(
    private readonly o: CardOptions,
    private readonly describe: (line: PlotLine, index: number) => string[] = defaultDescribe,
  ) {
    const shell = cardShell(o, () => this.canvas.toDataURL('image/png'));
    this.element = shell.element;
    this.caption = shell.caption;
    this.canvas = shell.canvas;
    this.box = shell.box;
    this.canvas.style.position = 'absolute';
    this.canvas.style.left = '0';
    this.canvas.style.top = '0';
    const t = o.theme;
    this.style = {
      foreground: t.foreground,
      grid: t.grid,
      background: t.background,
      fontFamily: t.fontFamily,
      fontSize: Math.max(10, t.fontSize - 2),
    };
    this.observer = new ResizeObserver((entries) => {
      const r = entries.at(-1)?.contentRect;
      if (!r || (r.width === this.width && r.height === this.height)) return;
      this.width = r.width;
      this.height = r.height;
      this.paint();
    });
    this.observer.observe(this.box);
    this.canvas.addEventListener('mousemove', (e) => this.pointer(e.offsetX, e.offsetY));
    this.canvas.addEventListener('mouseleave', () => this.pointer(undefined, undefined));
    this.canvas.addEventListener('click', (e) => this.click(e.offsetX, e.offsetY));
    plotRegistry.set(o.id, this);
  }

  /** The plot's frame (axes in pixels) at the last paint, for click-to-value conversions. */
  get frame(): Frame | undefined {
    return this.painted?.frame;
  }

  /** Shows `spec`, painting at once when the card has a size (else when it gets one). */
  draw(spec: PlotSpec): void {
    this.spec = spec;
    if (this.width === 0) {
      const r = this.box.getBoundingClientRect();
      this.width = r.width;
      this.height = r.height;
    }
    this.paint();
  }

  setTitle(title: string): void {
    if (this.caption.textContent === title) return;
    this.caption.textContent = title;
    this.canvas.setAttribute('aria-label', title);
  }

  summary(): PlotSummary {
    return this.last;
  }

  destroy(): void {
    this.observer.disconnect();
    if (plotRegistry.get(this.o.id) === this) plotRegistry.delete(this.o.id);
    this.element.remove();
  }

  private paint(): void {
    const spec = this.spec;
    const ctx = this.canvas.getContext('2d');
    if (!spec || !ctx || this.width < 1 || this.height < 1) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.width * dpr);
    const h = Math.round(this.height * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.canvas.style.width = `${this.width}px`;
      this.canvas.style.height = `${this.height}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.painted = paintPlot(ctx, this.width, this.height, spec, this.style, this.hidden);
    const at = this.pointerAt;
    this.hit = at ? nearestPoint(spec, this.painted.frame, at.x, at.y, this.hidden) : undefined;
    if (this.hit) this.tooltip(ctx, this.hit);
    this.last = {
      type: 'plot',
      datasets: spec.lines.length,
      points: spec.lines.map((l) => Math.min(l.xs.length, l.ys.length)),
      labels: spec.lines.map((l) => l.label),
      ...(spec.areas ? { bands: spec.areas.length } : {}),
      ...this.extra,
    };
  }

  private pointer(x: number | undefined, y: number | undefined): void {
    this.pointerAt = x !== undefined && y !== undefined ? { x, y } : undefined;
    const spec = this.spec;
    const frame = this.painted?.frame;
    const at = this.pointerAt;
    const next = spec && frame && at ? nearestPoint(spec, frame, at.x, at.y, this.hidden) : undefined;
    if (next?.line === this.hit?.line && next?.index === this.hit?.index) return;
    if (!this.pending) {
      this.pending = requestAnimationFrame(() => {
        this.pending = 0;
        this.paint();
      });
    }
  }

  private click(x: number, y: number): void {
    const box = this.painted?.legend.find((b) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h);
    const f = this.painted?.frame;
    if (!box) {
      if (f && this.onClick && x >= f.left && x <= f.right && y >= f.top && y <= f.bottom) {
        this.onClick(fromPixel(f.x, x), fromPixel(f.y, y));
      }
      return;
    }
    if (this.hidden.has(box.label)) this.hidden.delete(box.label);
    else this.hidden.add(box.label);
    this.paint();
  }

  /** A chart.js-like tooltip box next to the hovered point, and a ring around it. */
  private tooltip(ctx: CanvasRenderingContext2D, hit: Hit): void {
    const lines = this.describe(hit.line, hit.index);
    const fs = this.style.fontSize;
    ctx.font = `${fs}px ${this.style.fontFamily}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 12;
    const h = lines.length * (fs + 4) + 8;
    let bx = hit.x + 10;
    if (bx + w > this.width - 2) bx = hit.x - 10 - w;
    const by = Math.max(2, Math.min(this.height - h - 2, hit.y - h / 2));
    ctx.strokeStyle = hit.line.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(hit.x, hit.y, 4, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.globalAlpha = 0.92;
    ctx.fillStyle = this.style.background;
    ctx.fillRect(bx, by, w, h);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = this.style.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(bx + 0.5, by + 0.5, w, h);
    ctx.fillStyle = this.style.foreground;
    lines.forEach((l, i) => ctx.fillText(l, bx + 6, by + 4 + (i + 0.5) * (fs + 4)));
  }
}

function defaultDescribe(line: PlotLine, index: number): string[] {
  const x = line.xs[index] as number;
  const y = line.ys[index] as number;
  return [line.label, `${formatTick(x)}, ${Number.isFinite(y) ? y.toPrecision(4) : String(y)}`];
}
