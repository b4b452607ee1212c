/**
 * The (mean, variance) plane of SNN theory: trajectories of layer statistics, the fixed point, a shaded box (the
 * Theorem 1 domain) and the arrow field of the map g, drawn behind by a plugin from a caller-supplied map.
 */
import type { ChartDataset, Plugin, ScatterDataPoint } from 'chart.js';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { ChartCard } from './card';

/** One application of g: (mu, nu) -> (mu~, nu~); undefined where g is not defined. */
export type PlaneMap = (mu: number, nu: number) => { mean: number; variance: number } | undefined;

export interface PlaneSeries {
  label: string;
  color: string;
  points: ScatterDataPoint[];
  /** Connect the points (a trajectory) or only mark them. */
  line?: boolean;
  dashed?: boolean;
  alpha?: number;
  radius?: number;
  pointStyle?: 'circle' | 'triangle' | 'rectRot' | 'star' | 'crossRot';
}

interface FieldOptions {
  map?: PlaneMap;
  box?: { mu: readonly [number, number]; nu: readonly [number, number] };
  color?: string;
  boxColor?: string;
  density?: number;
}

/** Draws an arrow from (x0, y0) to (x1, y1) in pixels. */
function arrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const head = Math.min(5, Math.hypot(x1 - x0, y1 - y0) / 2);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle - 0.5), y1 - head * Math.sin(angle - 0.5));
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle + 0.5), y1 - head * Math.sin(angle + 0.5));
  ctx.stroke();
}

/** Number of arrows drawn at the last paint, per chart (read by the tests through the chart's plugin state). */
export const arrowCounts = new WeakMap<object, number>();

const fieldPlugin: Plugin<'scatter'> = {
  id: 'snnField',
  beforeDatasetsDraw(chart, _args, o: FieldOptions) {
    const { ctx, chartArea: area } = chart;
    const x = chart.scales.x;
    const y = chart.scales.y;
    if (!x || !y) return;
    ctx.save();
    if (o.box && o.boxColor) {
      const left = x.getPixelForValue(o.box.mu[0]);
      const right = x.getPixelForValue(o.box.mu[1]);
      const top = y.getPixelForValue(o.box.nu[1]);
      const bottom = y.getPixelForValue(o.box.nu[0]);
      ctx.fillStyle = withAlpha(o.boxColor, 0.14);
      ctx.strokeStyle = withAlpha(o.boxColor, 0.7);
      ctx.fillRect(left, top, right - left, bottom - top);
      ctx.strokeRect(left, top, right - left, bottom - top);
    }
    let drawn = 0;
    if (o.map && o.color) {
      const n = o.density ?? 14;
      const cw = (area.right - area.left) / n;
      const ch = (area.bottom - area.top) / n;
      ctx.strokeStyle = withAlpha(o.color, 0.55);
      ctx.lineWidth = 1;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const px = area.left + (i + 0.5) * cw;
          const py = area.top + (j + 0.5) * ch;
          const mu = x.getValueForPixel(px) ?? 0;
          const nu = y.getValueForPixel(py) ?? 0;
          if (!(nu > 0)) continue;
          const next = o.map(mu, nu);
          if (!next || !Number.isFinite(next.mean) || !Number.isFinite(next.variance)) continue;
          const dx = x.getPixelForValue(next.mean) - px;
          const dy = y.getPixelForValue(next.variance) - py;
          const len = Math.hypot(dx, dy);
          if (len < 1e-9) continue;
          // Arrows point where g sends the state, shortened to fit their cell (length grows with the step, capped).
          const scale = (Math.min(len, 0.45 * Math.min(cw, ch) * 3) / len) * 0.33;
          arrow(ctx, px, py, px + dx * scale, py + dy * scale);
          drawn++;
        }
      }
    }
    arrowCounts.set(chart, drawn);
    ctx.restore();
  },
};

export class PhasePlaneChart {
  readonly card: ChartCard<'scatter'>;
  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new ChartCard<'scatter'>(o, {
      type: 'scatter',
      data: { datasets: [] },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'mean μ' } },
          y: { type: 'linear', title: { display: true, text: 'variance ν' } },
        },
        plugins: { legend: { labels: { boxWidth: 12 } } },
      },
      plugins: [fieldPlugin],
    });
  }

  /** Draws `series`; `map` (if any) drives the arrow field; `bounds` fixes the visible window. */
  set(
    series: readonly PlaneSeries[],
    o: { map?: PlaneMap; box?: FieldOptions['box']; bounds: { mu: [number, number]; nu: [number, number] } },
  ): void {
    const datasets: ChartDataset<'scatter'>[] = series.map((s) => ({
      label: s.label,
      data: s.points,
      showLine: s.line ?? false,
      borderColor: withAlpha(s.color, s.alpha ?? 1),
      backgroundColor: withAlpha(s.color, s.alpha ?? 1),
      borderDash: s.dashed ? [5, 4] : [],
      borderWidth: 1.5,
      pointRadius: s.radius ?? 3,
      pointStyle: s.pointStyle ?? 'circle',
    }));
    const chart = this.card.chart;
    this.card.setDatasets(
      datasets,
      (old, d) =>
        old.label !== d.label || old.borderColor !== d.borderColor || old.pointRadius !== d.pointRadius,
    );
    chart.options.scales = {
      x: {
        type: 'linear',
        min: o.bounds.mu[0],
        max: o.bounds.mu[1],
        title: { display: true, text: 'mean μ' },
      },
      y: {
        type: 'linear',
        min: o.bounds.nu[0],
        max: o.bounds.nu[1],
        title: { display: true, text: 'variance ν' },
      },
    };
    const field: FieldOptions = { color: this.theme.muted, boxColor: this.theme.reference };
    if (o.map) field.map = o.map;
    if (o.box) field.box = o.box;
    (chart.options.plugins as Record<string, unknown>).snnField = field;
    chart.update('none');
  }
}

/** A window around the points that always contains the fixed point and the box, padded by 10 %. */
export function planeBounds(
  points: readonly ScatterDataPoint[],
  include: { mu: readonly [number, number]; nu: readonly [number, number] },
): { mu: [number, number]; nu: [number, number] } {
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);
  const xs = [...points.map((p) => p.x), ...include.mu].filter(finite);
  const ys = [...points.map((p) => p.y), ...include.nu].filter(finite);
  const pad = (lo: number, hi: number): [number, number] => {
    const d = Math.max(hi - lo, 1e-3) * 0.1;
    return [lo - d, hi + d];
  };
  const nu = pad(Math.min(...ys), Math.max(...ys));
  return { mu: pad(Math.min(...xs), Math.max(...xs)), nu: [Math.max(0, nu[0]), nu[1]] };
}
