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
  pointStyle?: PlotLine['marker'];
  /** Dash pattern (the run's second channel); `dashed` picks a fixed one. */
  dash?: readonly number[];
  /** The run the series belongs to (the dashboard legend names, hides and highlights it). */
  run?: string;
  /** Left out of the chart's own legend. */
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
  const n = o.density ?? 14;
  const cw = (f.right - f.left) / n;
  const ch = (f.bottom - f.top) / n;
  const vectors: { px: number; py: number; dx: number; dy: number; len: number }[] = [];
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
      if (len > 1e-9 && Number.isFinite(len)) vectors.push({ px, py, dx, dy, len });
    }
  }
  // Arrows point where g sends the state; their length grows with the step on a log scale (1 px .. the longest
  // step of the view -> 15 % .. 90 % of a cell), so short and long steps both read and none leaves its cell.
  const longest = Math.max(1, ...vectors.map((v) => v.len));
  const cell = Math.min(cw, ch);
  ctx.strokeStyle = withAlpha(o.color, 0.6);
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const v of vectors) {
    const t = Math.log1p(v.len) / Math.log1p(longest);
    const drawnLength = cell * (0.15 + 0.75 * t);
    arrow(ctx, v.px, v.py, v.px + (v.dx / v.len) * drawnLength, v.py + (v.dy / v.len) * drawnLength);
  }
  ctx.stroke();
  return vectors.length;
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
    o: {
      map?: PlaneMap;
      box?: FieldOptions['box'];
      bounds: { mu: [number, number]; nu: [number, number] };
      /** Mark run points outside `bounds` on the plot's edge. */
      edges?: boolean;
    },
  ): void {
    const lines: PlotLine[] = series.map((s) => ({
      label: s.label,
      color: withAlpha(s.color, s.alpha ?? 1),
      xs: s.points.map((p) => p.x),
      ys: s.points.map((p) => p.y),
      line: s.line ?? false,
      ...(s.dash && s.dash.length > 0 ? { dash: [...s.dash] } : s.dashed ? { dash: [5, 4] } : {}),
      width: 1.5,
      radius: s.radius ?? 3,
      marker: s.pointStyle ?? 'circle',
      noLegend: s.noLegend ?? false,
      ...(s.run !== undefined ? { run: s.run } : {}),
    }));
    if (o.edges) lines.push(...edgeMarkers(series, o.bounds));
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

/** Run points outside `bounds`, clamped onto the edge (2 % inside) as triangles in the run's colour. */
export function edgeMarkers(
  series: readonly PlaneSeries[],
  bounds: { mu: [number, number]; nu: [number, number] },
): PlotLine[] {
  const [x0, x1] = bounds.mu;
  const [y0, y1] = bounds.nu;
  const dx = (x1 - x0) * 0.02;
  const dy = (y1 - y0) * 0.02;
  const out: PlotLine[] = [];
  for (const s of series) {
    if (s.run === undefined) continue;
    const off = s.points.filter(
      (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (p.x < x0 || p.x > x1 || p.y < y0 || p.y > y1),
    );
    if (off.length === 0) continue;
    out.push({
      label: `${s.label} (off the plot)`,
      color: s.color,
      run: s.run,
      line: false,
      radius: 5,
      marker: 'triangle',
      xs: off.map((p) => Math.min(x1 - dx, Math.max(x0 + dx, p.x))),
      ys: off.map((p) => Math.min(y1 - dy, Math.max(y0 + dy, p.y))),
    });
  }
  return out;
}
