/**
 * A chart card rendered by chart.js: chart.js lays out the card and draws the axes (linear or logarithmic scales,
 * ticks, titles, grid) and the legend (click to hide a series), and exports the PNG. The data itself — up to 16 runs
 * × 1,000 points, bands, ridges, bitmaps — is painted by a chart.js plugin (`snnSeries`, beforeDatasetsDraw) with
 * our canvas path code (plotPainter.ts, shared/plot/series.ts) in chart.js's chart area and scales: chart.js's own
 * line elements resolve options per point, which at 16 runs cost more than the 16 ms frame budget
 * (docs/performance.md). Each card reports what it painted last (plotSummary.ts) to the test hook (plotRegistry).
 */
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
} from 'chart.js';
import type { ChartDataset, ChartOptions, Plugin } from 'chart.js';
import type { Frame, PlotLine, PlotSpec } from '../../shared/plot/spec';
import { fromPixel } from '../../shared/plot/scale';
import { nearestPoint } from '../../shared/plot/series';
import { runFocus } from '../runFocus';
import type { CardOptions, CardShell } from './card';
import { cardShell } from './card';
import { dataTable, describe, exportPng } from './cardExport';
import type { Hit } from './plotAxes';
import { chartOptions, dataExtent, defaultDescribe, drawTooltip, fitDomain, scaleOptions } from './plotAxes';
import { chartFrame, lit, paintLines, paintSeries } from './plotPainter';
import { paintedSeries, type PlotSummary } from './plotSummary';
import { SeriesLayer } from './seriesLayer';

// Only what is used (chart.js 4 is tree-shakable): a line chart type for the layout, two scale kinds, the legend.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend);

/** Every live plot card by chart id. */
export const plotRegistry = new Map<string, PlotCard>();

export class PlotCard {
  readonly element: HTMLElement;
  /** Counts the last paint adds to the summary (heatmap cells, arrows); set by chart kinds before `draw`. */
  extra: Pick<PlotSummary, 'cells' | 'arrows'> = {};
  /** Called with the data coordinates of a click inside the plot area (not on the legend). */
  onClick: ((x: number, y: number) => void) | undefined;
  readonly canvas: HTMLCanvasElement;
  private readonly shell: CardShell;
  /** Made at the first draw (see `make`). */
  private chart: Chart<'line'> | undefined;
  private subtitle = '';
  private readonly unsubscribe: () => void;
  private spec: PlotSpec | undefined;
  private readonly hidden = new Set<string>();
  private pointerAt: { x: number; y: number } | undefined;
  private hit: Hit | undefined;
  private pending = 0;
  private legendKey = '';
  /** What the last chart.js layout was made for (axis specs and ranges). */
  private layoutKey: unknown[] = [];
  private last: PlotSummary = { type: 'plot', datasets: 0, points: [], labels: [] };
  /** The last full render without the recently changed lines, for redraws that repaint only those. */
  private readonly layer = new SeriesLayer();
  private paint: PlotSummary['paint'] = 'full';

  /** `describe` writes the tooltip of a hovered point (default: "label: x, y"). */
  constructor(
    private readonly o: CardOptions,
    private readonly describe: (line: PlotLine, index: number) => string[] = defaultDescribe,
  ) {
    const shell = cardShell(o, () =>
      exportPng(
        this.chart ?? this.make([], {}),
        o.theme,
        this.shell.caption.textContent ?? '',
        this.subtitle,
      ),
    );
    this.shell = shell;
    this.element = shell.element;
    this.canvas = shell.canvas;
    shell.data.addEventListener('toggle', () => this.fillTable());
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

  /** A line is drawn unless its run is hidden (legend) or it was hidden in the chart's own legend. */
  private shows(line: PlotLine): boolean {
    return !this.hidden.has(line.label) && runFocus.visible(line.run);
  }

  /**
   * chart.js's chart, made at the first draw with that draw's axes and legend: made with the card, it would lay out
   * and render default axes once more per card (their ticks formatted by Intl.NumberFormat, whose first use costs
   * 20-100 ms) before the first draw's own layout.
   */
  private make(datasets: ChartDataset<'line'>[], scales: ChartOptions<'line'>['scales']): Chart<'line'> {
    const options = chartOptions(this.o.theme, (label) => this.toggle(label));
    options.scales = { ...options.scales, ...scales };
    const legend = options.plugins?.legend;
    if (legend) legend.display = datasets.length > 0;
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { datasets },
      options,
      plugins: [this.painter()],
    });
    return this.chart;
  }

  private repaint(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.redraw();
    });
  }

  /** The plot area and scales of the last layout, for click-to-value conversions. */
  get frame(): Frame | undefined {
    return this.frameOf(this.chart);
  }

  /** chart.js's chart area and scales as our plotter's frame (the chart is passed in: it draws while constructed). */
  private frameOf(chart: Chart<'line'> | undefined): Frame | undefined {
    return this.spec ? chartFrame(chart) : undefined;
  }

  /** Shows `spec`: a chart.js update (layout) when axes or legend changed, else only a redraw (no animation). */
  draw(spec: PlotSpec): void {
    this.spec = spec;
    this.layer.next(spec, (l) => this.shows(l));
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
    const xRange = fitDomain(spec.x, xData, false);
    const yRange = fitDomain(spec.y, yData, true);
    // Same axes and legend as the last layout (the usual live push: nice ranges rarely move): chart.js only redraws.
    const axes = [spec.x, spec.y].flatMap((a) => [a.title, a.log, a.grid, a.integer, a.format]);
    const key = [...axes, ...xRange, ...yRange];
    const datasets = this.legendData(spec);
    const chart = this.chart;
    const scales = (): ChartOptions<'line'>['scales'] => ({
      x: scaleOptions(spec.x, xRange, this.o.theme, true),
      y: scaleOptions(spec.y, yRange, this.o.theme, false),
    });
    if (!chart) {
      this.layoutKey = key;
      this.make(datasets ?? [], scales());
    } else if (!datasets && chart.chartArea && key.every((v, i) => v === this.layoutKey[i])) {
      this.redraw();
    } else {
      this.layoutKey = key;
      if (datasets) {
        const legend = chart.options.plugins?.legend;
        if (legend) legend.display = datasets.length > 0;
        chart.data.datasets = datasets;
      }
      chart.options.scales = scales();
      chart.update('none');
    }
    this.last = {
      type: 'plot',
      datasets: spec.lines.length,
      points: spec.lines.map((l) => Math.min(l.xs.length, l.ys.length)),
      labels: spec.lines.map((l) => l.label),
      ...(spec.areas ? { bands: spec.areas.length } : {}),
      x: xRange,
      y: yRange,
    };
    const drawn = spec.lines.filter((l) => !l.quiet && this.shows(l));
    const text = describe(drawn, spec.x.title, spec.y.title, this.note);
    if (this.shell.description.textContent !== text) this.shell.description.textContent = text;
    if (this.shell.data.open) this.fillTable();
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
    const spec = this.spec;
    const f = this.frame;
    return {
      ...this.last,
      ...this.extra,
      ...paintedSeries(spec, f, (l) => this.shows(l)),
      title: this.shell.caption.textContent ?? '',
      subtitle: this.subtitle,
      paint: this.paint,
    };
  }

  destroy(): void {
    this.unsubscribe();
    this.chart?.destroy();
    if (plotRegistry.get(this.o.id) === this) plotRegistry.delete(this.o.id);
    this.element.remove();
  }

  /**
   * chart.js datasets carry only the legend entries (label, colour, hidden); the plugin paints the data. Undefined
   * when they are the same as at the last draw.
   */
  private legendData(spec: PlotSpec): ChartDataset<'line'>[] | undefined {
    const entries = spec.legend
      ? [
          ...new Map(
            spec.lines.filter((l) => !l.quiet && !l.noLegend && !l.run).map((l) => [l.label, l.color]),
          ).entries(),
        ]
      : [];
    const key = JSON.stringify([entries, [...this.hidden]]);
    if (key === this.legendKey) return undefined;
    this.legendKey = key;
    return entries.map(([label, color]): ChartDataset<'line'> => ({
      label,
      data: [],
      borderColor: color,
      backgroundColor: color,
      hidden: this.hidden.has(label),
    }));
  }

  private toggle(label: string): void {
    if (this.hidden.has(label)) this.hidden.delete(label);
    else this.hidden.add(label);
    if (this.spec) this.draw(this.spec);
  }

  /**
   * Redraws without a new layout: the kept bitmap and the hot lines when the bitmap still holds every other line as
   * a full render would paint it (seriesLayer.ts), else chart.js's whole render.
   */
  private redraw(): void {
    const spec = this.spec;
    const chart = this.chart;
    const f = this.frameOf(chart);
    if (!chart) return;
    if (spec && f && this.layer.active(lit(spec)) && this.layer.restore(this.canvas, chart.ctx)) {
      paintLines(chart.ctx, spec, f, (l) => this.shows(l) && this.layer.isHot(l));
      this.tooltip(chart);
      this.paint = 'cached';
    } else {
      chart.draw();
    }
  }

  /**
   * Paints areas, then lines and markers, inside chart.js's chart area; then the hovered point's tooltip. With the
   * series layer on, the hot lines are left out, the render is kept as the bitmap, and they are painted above it.
   */
  private painter(): Plugin<'line'> {
    return {
      id: 'snnSeries',
      beforeDatasetsDraw: (chart) => {
        const spec = this.spec;
        const f = this.frameOf(chart);
        if (!spec || !f) return;
        const layered = this.layer.active(lit(spec));
        paintSeries(chart, spec, f, (l) => this.shows(l) && !(layered && this.layer.isHot(l)));
      },
      afterDraw: (chart) => {
        const spec = this.spec;
        const f = this.frameOf(chart);
        if (spec && f && this.layer.active(lit(spec))) {
          this.layer.take(chart.canvas);
          paintLines(chart.ctx, spec, f, (l) => this.shows(l) && this.layer.isHot(l));
        } else {
          this.layer.drop();
        }
        this.tooltip(chart);
        this.paint = 'full';
      },
    };
  }

  /** The tooltip of the point nearest the pointer, if any. */
  private tooltip(chart: Chart<'line'>): void {
    const spec = this.spec;
    const f = this.frameOf(chart);
    const at = this.pointerAt;
    this.hit =
      spec && f && at ? nearestPoint(spec, f, at.x, at.y, this.hidden, (l) => this.shows(l)) : undefined;
    if (this.hit) {
      drawTooltip(chart, this.o.theme, this.describe(this.hit.line, this.hit.index), this.hit);
    }
  }

  private pointer(x: number | undefined, y: number | undefined): void {
    this.pointerAt = x !== undefined && y !== undefined ? { x, y } : undefined;
    const spec = this.spec;
    const f = this.frame;
    const at = this.pointerAt;
    const next =
      spec && f && at ? nearestPoint(spec, f, at.x, at.y, this.hidden, (l) => this.shows(l)) : undefined;
    if (next?.line === this.hit?.line && next?.index === this.hit?.index) return;
    this.repaint();
  }

  private click(x: number, y: number): void {
    const f = this.frame;
    if (f && this.onClick && x >= f.left && x <= f.right && y >= f.top && y <= f.bottom) {
      this.onClick(fromPixel(f.x, x), fromPixel(f.y, y));
    }
  }
}
