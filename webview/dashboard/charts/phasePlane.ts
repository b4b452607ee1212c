/**
 * The (mean, variance) plane of SNN theory: trajectories of layer statistics, the fixed point, a shaded box (the
 * Theorem 1 domain) and the arrow field of the map g from a caller-supplied map, drawn by our canvas plotter.
 */
import type { Frame, PlotLine } from '../../shared/plot/spec';
import { fromPixel, toPixel } from '../../shared/plot/scale';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { PlotCard } from './plotCard';

/** A point of the plane: x = mean, y = variance. */
export interface PlanePoint {
  x: number;
  y: number;
}

/** One application of g: (mu, nu) -> (mu~, nu~); undefined where g is not defined. */
export type PlaneMap = (mu: number, nu: number) => { mean: number; variance: number } | undefined;

export interface PlaneSeries {
  label: string;
  color: string;
  points: PlanePoint[];
  /** Connect the points (a trajectory) or only mark them. */
  line?: boolean;
  dashed?: boolean;
  alpha?: number;
  radius?: number;
  pointStyle?: 'circle' | 'rectRot' | 'star';
  /** Left out of the legend (the run header's swatches name the runs). */
  noLegend?: boolean;
}

interface FieldOptions {
  map?: PlaneMap;
  box?: { mu: readonly [number, number]; nu: readonly [number, number] };
  color: string;
  boxColor: string;
  density?: number;
}

/** Draws an arrow from (x0, y0) to (x1, y1) in pixels (into the current path). */
function arrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const head = Math.min(5, Math.hypot(x1 - x0, y1 - y0) / 2);
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle - 0.5), y1 - head * Math.sin(angle - 0.5));
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle + 0.5), y1 - head * Math.sin(angle + 0.5));
}

/** Paints the Theorem 1 box and g's arrow field (a grid of `density`² cells); returns the arrows drawn. */
export function paintField(ctx: CanvasRenderingContext2D, f: Frame, o: FieldOptions): number {
  if (o.box) {
    const left = toPixel(f.x, o.box.mu[0]);
    const right = toPixel(f.x, o.box.mu[1]);
    const top = toPixel(f.y, o.box.nu[1]);
    const bottom = toPixel(f.y, o.box.nu[0]);
    ctx.fillStyle = withAlpha(o.boxColor, 0.14);
    ctx.strokeStyle = withAlpha(o.boxColor, 0.7);
    ctx.lineWidth = 1;
    ctx.fillRect(left, top, right - left, bottom - top);
    ctx.strokeRect(left, top, right - left, bottom - top);
  }
  if (!o.map) return 0;
  let drawn = 0;
  const n = o.density ?? 14;
  const cw = (f.right - f.left) / n;
  const ch = (f.bottom - f.top) / n;
  ctx.strokeStyle = withAlpha(o.color, 0.55);
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const px = f.left + (i + 0.5) * cw;
      const py = f.top + (j + 0.5) * ch;
      const mu = fromPixel(f.x, px);
      const nu = fromPixel(f.y, py);
      if (!(nu > 0)) continue;
      const next = o.map(mu, nu);
      if (!next || !Number.isFinite(next.mean) || !Number.isFinite(next.variance)) continue;
      const dx = toPixel(f.x, next.mean) - px;
      const dy = toPixel(f.y, next.variance) - py;
      const len = Math.hypot(dx, dy);
      if (len < 1e-9) continue;
      // Arrows point where g sends the state, shortened to fit their cell (length grows with the step, capped).
      const scale = (Math.min(len, 0.45 * Math.min(cw, ch) * 3) / len) * 0.33;
      arrow(ctx, px, py, px + dx * scale, py + dy * scale);
      drawn++;
    }
  }
  ctx.stroke();
  return drawn;
}

export class PhasePlaneChart {
  readonly card: PlotCard;
  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new PlotCard(o, (line, i) => [
      line.label,
      `μ = ${(line.xs[i] as number).toPrecision(4)}, ν = ${(line.ys[i] as number).toPrecision(4)}`,
    ]);
  }

  /** Draws `series`; `map` (if any) drives the arrow field; `bounds` fixes the visible window. */
  set(
    series: readonly PlaneSeries[],
    o: { map?: PlaneMap; box?: FieldOptions['box']; bounds: { mu: [number, number]; nu: [number, number] } },
  ): void {
    const lines: PlotLine[] = series.map((s) => ({
      label: s.label,
      color: withAlpha(s.color, s.alpha ?? 1),
      xs: s.points.map((p) => p.x),
      ys: s.points.map((p) => p.y),
      line: s.line ?? false,
      ...(s.dashed ? { dash: [5, 4] } : {}),
      width: 1.5,
      radius: s.radius ?? 3,
      marker: s.pointStyle ?? 'circle',
      noLegend: s.noLegend ?? false,
    }));
    const field: FieldOptions = { color: this.theme.muted, boxColor: this.theme.reference };
    if (o.map) field.map = o.map;
    if (o.box) field.box = o.box;
    const card = this.card;
    this.card.draw({
      x: { title: 'mean μ', min: o.bounds.mu[0], max: o.bounds.mu[1] },
      y: { title: 'variance ν', min: o.bounds.nu[0], max: o.bounds.nu[1] },
      lines,
      legend: true,
      under: (ctx, f) => {
        card.extra = { arrows: paintField(ctx, f, field) };
      },
    });
  }
}

/** A window around the points that always contains the fixed point and the box, padded by 10 %. */
export function planeBounds(
  points: readonly PlanePoint[],
  include: { mu: readonly [number, number]; nu: readonly [number, number] },
): { mu: [number, number]; nu: [number, number] } {
  let [x0, x1] = [Math.min(...include.mu), Math.max(...include.mu)];
  let [y0, y1] = [Math.min(...include.nu), Math.max(...include.nu)];
  for (const p of points) {
    if (Number.isFinite(p.x)) {
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
    }
    if (Number.isFinite(p.y)) {
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
    }
  }
  const pad = (lo: number, hi: number): [number, number] => {
    const d = Math.max(hi - lo, 1e-3) * 0.1;
    return [lo - d, hi + d];
  };
  const nu = pad(y0, y1);
  return { mu: pad(x0, x1), nu: [Math.max(0, nu[0]), nu[1]] };
}
