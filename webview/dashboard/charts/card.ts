/**
 * A chart card: title, PNG/CSV export buttons and a chart.js canvas, plus the registry the browser tests read
 * (window.__snnLab). Every chart kind under charts/ builds on it.
 */
import type { Chart as ChartT, ChartConfiguration, ChartType, Plugin } from 'chart.js';
import { Chart } from '../../shared/chartSetup';
import type { Theme } from '../../shared/theme';

/** Where exports go: the host shows a save dialog (see webviewActions.ts). */
export type SaveFile = (format: 'png' | 'csv', fileName: string, data: string) => void;

/** Every live chart by id, for the test hook and theme refreshes. */
type Datasets<T extends ChartType> = ChartT<T>['data']['datasets'];

export const chartRegistry = new Map<string, ChartT>();

/** Paints the theme background under a chart so exported PNGs are readable outside VS Code. */
const backgroundPlugin: Plugin = {
  id: 'snnBackground',
  beforeDraw(chart, _args, options: { color?: string }) {
    if (!options.color) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = options.color;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Quotes a CSV field when needed (RFC 4180). */
function field(value: unknown): string {
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document from a header and rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

/** A file-name-safe slug. */
export const slug = (s: string): string => s.replace(/[^\w.-]+/g, '_').slice(0, 80);

export interface CardOptions {
  id: string;
  title: string;
  parent: HTMLElement;
  save: SaveFile;
  theme: Theme;
  /** The data behind the chart as CSV (called on export). */
  csv: () => string;
  /** CSS class for size variants (e.g. 'tall'). */
  className?: string;
}

export class ChartCard<T extends ChartType = ChartType> {
  readonly chart: ChartT<T>;
  readonly element: HTMLElement;
  private readonly caption: HTMLElement;

  constructor(o: CardOptions, config: ChartConfiguration<T>) {
    this.element = document.createElement('figure');
    this.element.className = `card ${o.className ?? ''}`.trim();
    this.element.dataset.chart = o.id;
    const head = document.createElement('figcaption');
    this.caption = document.createElement('span');
    this.caption.className = 'card-title';
    this.caption.textContent = o.title;
    const png = button('PNG', `Save "${o.title}" as PNG`, () => {
      o.save('png', `${slug(o.id)}.png`, this.chart.toBase64Image('image/png', 1));
    });
    const csv = button('CSV', `Save the data of "${o.title}" as CSV`, () =>
      o.save('csv', `${slug(o.id)}.csv`, o.csv()),
    );
    head.append(this.caption, png, csv);
    const box = document.createElement('div');
    box.className = 'canvas-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', o.title);
    box.append(canvas);
    this.element.append(head, box);
    o.parent.append(this.element);
    const plugins = { ...(config.options?.plugins ?? {}), snnBackground: { color: o.theme.background } };
    this.chart = new Chart(canvas, {
      ...config,
      options: { ...config.options, plugins } as ChartConfiguration<T>['options'],
      plugins: [...(config.plugins ?? []), backgroundPlugin as unknown as Plugin<T>],
    });
    chartRegistry.set(o.id, this.chart as unknown as ChartT);
  }

  /**
   * Replaces the chart's datasets. With the same count, chart.js's dataset objects (and so their controllers) are
   * kept and only the points swapped; the rest of a dataset is copied when `restyled(old, next)` says it changed.
   */
  setDatasets(
    next: ChartT<T>['data']['datasets'],
    restyled: (old: Datasets<T>[number], next: Datasets<T>[number]) => boolean = () => true,
  ): void {
    const current = this.chart.data.datasets;
    if (current.length !== next.length) {
      this.chart.data.datasets = next;
      return;
    }
    next.forEach((d, i) => {
      const old = current[i];
      if (!old) return;
      old.data = d.data;
      if (restyled(old, d)) Object.assign(old, d);
    });
  }

  setTitle(title: string): void {
    this.caption.textContent = title;
  }

  destroy(): void {
    for (const [id, chart] of chartRegistry) if (chart === (this.chart as unknown)) chartRegistry.delete(id);
    this.chart.destroy();
    this.element.remove();
  }
}

function button(label: string, title: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('secondary', '');
  b.setAttribute('title', title);
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
