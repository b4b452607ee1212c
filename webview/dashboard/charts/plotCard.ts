/**
 * A chart card drawn entirely by our code: the plot frame (plotFrame.ts: canvas sizing, axes, ticks, grid, titles)
 * and the series (plotPainter.ts, shared/plot/series.ts: up to 100 runs x 1,000 points, bands, ridges, bitmaps) on
 * its canvas (plotSurface.ts), a DOM legend for reference lines (plotLegend.ts), the hover tooltip and the PNG
 * export. chart.js drew the frame until its construction cost ~200 ms of a cold first render of 3 cards
 * (docs/dashboard.md). Each card reports what it painted last (plotSummary.ts) to the test hook (plotRegistry).
 */
import { fromPixel } from '../../shared/plot/scale';
import type { Frame, PlotLine, PlotSpec } from '../../shared/plot/spec';
import { runFocus } from '../runFocus';
import type { CardOptions, CardShell } from './card';
import { cardShell } from './card';
import { dataTable, describe, exportPng } from './cardExport';
import { dataExtent, defaultDescribe, fitDomain } from './plotAxes';
import { legendEntries, PlotLegend } from './plotLegend';
import { paintedSeries, type PlotSummary } from './plotSummary';
import { PlotSurface } from './plotSurface';

/** Every live plot card by chart id. */
export const plotRegistry = new Map<string, PlotCard>();

export class PlotCard {
  readonly element: HTMLElement;
  /** Counts the last paint adds to the summary (heatmap cells, arrows); set by chart kinds before `draw`. */
  extra: Pick<PlotSummary, 'cells' | 'arrows'> = {};
  /** Called with the data coordinates of a click inside the plot area. */
  onClick: ((x: number, y: number) => void) | undefined;
  readonly canvas: HTMLCanvasElement;
  private readonly shell: CardShell;
  private readonly legend: PlotLegend;
  private readonly surface: PlotSurface;
  private subtitle = '';
  private readonly unsubscribe: () => void;
  private spec: PlotSpec | undefined;
  /** Labels hidden in the card's own legend. */
  private readonly hidden = new Set<string>();
  private pending = 0;
  private last: PlotSummary = { type: 'plot', datasets: 0, points: [], labels: [] };

  /** `describe` writes the tooltip of a hovered point (default: "label: x, y"). */
  constructor(
    private readonly o: CardOptions,
    describePoint: (line: PlotLine, index: number) => string[] = defaultDescribe,
  ) {
    this.shell = cardShell(o, () => this.png());
    this.element = this.shell.element;
    this.canvas = this.shell.canvas;
    this.legend = new PlotLegend(this.shell.box, this.canvas, (label) => this.toggle(label));
    const shows = (line: PlotLine): boolean => this.shows(line);
    this.surface = new PlotSurface(this.canvas, o.theme, this.hidden, shows, describePoint);
    this.shell.data.addEventListener('toggle', () => this.fillTable());
    this.canvas.addEventListener('mousemove', (e) => this.pointer(e.offsetX, e.offsetY));
    this.canvas.addEventListener('mouseleave', () => this.pointer(undefined, undefined));
    this.canvas.addEventListener('click', (e) => this.click(e.offsetX, e.offsetY));
    this.unsubscribe = runFocus.onChange((change) => {
      if (!this.spec || !this.element.isConnected) return;
      if (change === 'visibility') this.draw(this.spec);
      else this.repaint();
    });
    plotRegistry.set(o.id, this);
  }

  /** A line is drawn unless its run is hidden (run legend) or its label was hidden in the card's own legend. */
  private shows(line: PlotLine): boolean {
    return !this.hidden.has(line.label) && runFocus.visible(line.run);
  }

  private repaint(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.surface.redraw();
    });
  }

  /** The plot area and axes of the last layout, for click-to-value conversions. */
  get frame(): Frame | undefined {
    return this.surface.frame;
  }

  /** Shows `spec`: a new layout when the axes, their ranges or the canvas size changed, else only a repaint. */
  draw(spec: PlotSpec): void {
    this.spec = spec;
    const shown = spec.lines.filter((l) => runFocus.visible(l.run));
    const areas = spec.areas ?? [];
    const xData = dataExtent(
      shown,
      'xs',
      areas.map((a) => a.xs),
      spec.x.log ?? false,
    );
    const yData = dataExtent(
      shown,
      'ys',
      areas.flatMap((a) => [a.lower, a.upper]),
      spec.y.log ?? false,
    );
    const x = fitDomain(spec.x, xData, false);
    const y = fitDomain(spec.y, yData, true);
    // A legend row that came, went or changed its entries moves the canvas below it.
    const moved = this.legend.set(legendEntries(spec), this.hidden);
    this.surface.show(spec, x, y, moved);
    this.last = {
      type: 'plot',
      datasets: spec.lines.length,
      points: spec.lines.map((l) => Math.min(l.xs.length, l.ys.length)),
      labels: spec.lines.map((l) => l.label),
      ...(spec.areas ? { bands: spec.areas.length } : {}),
      x,
      y,
    };
    const drawn = spec.lines.filter((l) => !l.quiet && this.shows(l));
    const text = describe(drawn, spec.x.title, spec.y.title, this.note);
    if (this.shell.description.textContent !== text) this.shell.description.textContent = text;
    if (this.shell.data.open) this.fillTable();
  }

  /** The PNG export: the plot laid out and painted again at the export's scale, below the titles and legend. */
  private png(): string {
    const spec = this.spec ?? { x: { title: '' }, y: { title: '' }, lines: [] };
    const { width, height } = this.surface.cssSize;
    return exportPng({
      width: width || this.canvas.clientWidth || 600,
      height: height || this.canvas.clientHeight || 240,
      theme: this.o.theme,
      title: this.shell.caption.textContent ?? '',
      subtitle: this.subtitle,
      legend: legendEntries(spec),
      hidden: this.hidden,
      plot: (ctx, w, h) => this.surface.paintInto(ctx, spec, w, h),
    });
  }

  /** Extra words for the accessible description (e.g. why a chart is empty). */
  note = '';
  private emptyText: HTMLElement | undefined;

  /** Shows `text` over the plot (what is missing and why), or removes it (''); also read out with the chart. */
  setEmpty(text: string): void {
    if (text === '' && !this.emptyText) return;
    if (!this.emptyText) {
      this.emptyText = document.createElement('p');
      this.emptyText.className = 'card-empty';
      this.shell.box.append(this.emptyText);
    }
    this.emptyText.textContent = text;
    this.emptyText.hidden = text === '';
    this.note = text;
  }

  /** Sets the title and the subtitle (step, run: what changes while the title stays); both wrap, never cut. */
  setTitle(title: string, subtitle = ''): void {
    const { caption, subtitle: sub } = this.shell;
    if (caption.textContent !== title) caption.textContent = title;
    this.subtitle = subtitle;
    if (sub.textContent !== subtitle) sub.textContent = subtitle;
    sub.hidden = subtitle === '';
  }

  private fillTable(): void {
    const spec = this.spec;
    if (!this.shell.data.open || !spec) return;
    const lines = spec.lines.filter((l) => !l.quiet && this.shows(l));
    this.shell.table.replaceChildren(dataTable(lines, spec.x.title, spec.y.title));
  }

  /** What was painted last; `extra` is read now, since chart kinds count it while painting (e.g. on a resize). */
  summary(): PlotSummary {
    const f = this.frame;
    return {
      ...this.last,
      ...this.extra,
      ...paintedSeries(this.spec, this.frame, (l) => this.shows(l)),
      title: this.shell.caption.textContent ?? '',
      subtitle: this.subtitle,
      paint: this.surface.paint,
      ...(f ? { frame: { left: f.left, top: f.top, right: f.right, bottom: f.bottom } } : {}),
    };
  }

  destroy(): void {
    this.unsubscribe();
    this.surface.destroy();
    if (this.pending) cancelAnimationFrame(this.pending);
    if (plotRegistry.get(this.o.id) === this) plotRegistry.delete(this.o.id);
    this.element.remove();
  }

  private toggle(label: string): void {
    if (this.hidden.has(label)) this.hidden.delete(label);
    else this.hidden.add(label);
    if (this.spec) this.draw(this.spec);
  }

  private pointer(x: number | undefined, y: number | undefined): void {
    this.surface.pointerAt = x !== undefined && y !== undefined ? { x, y } : undefined;
    if (this.surface.hitChanged()) this.repaint();
  }

  private click(x: number, y: number): void {
    const f = this.frame;
    if (f && this.onClick && x >= f.left && x <= f.right && y >= f.top && y <= f.bottom) {
      this.onClick(fromPixel(f.x, x), fromPixel(f.y, y));
    }
  }
}
