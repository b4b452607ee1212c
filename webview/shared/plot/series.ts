/**
 * Paths of one plot series or area on a 2D canvas context (straight or stepped lines, fills to a base line,
 * markers), and the hit test of the hover tooltip.
 */
import type { Frame, PlotArea, PlotLine, PlotSpec } from './spec';
import { toPixel } from './scale';

const finite = (v: number): boolean => Number.isFinite(v);

function tracePath(ctx: CanvasRenderingContext2D, line: PlotLine, f: Frame): { first: number; last: number } {
  let first = NaN;
  let last = NaN;
  let prevX = NaN;
  let prevY = NaN;
  const n = Math.min(line.xs.length, line.ys.length);
  for (let i = 0; i < n; i++) {
    const px = toPixel(f.x, line.xs[i] as number);
    const py = toPixel(f.y, line.ys[i] as number);
    if (!finite(px) || !finite(py)) continue;
    if (!finite(first)) {
      first = px;
      ctx.moveTo(px, py);
    } else if (line.stepped) {
      const mid = (prevX + px) / 2;
      ctx.lineTo(mid, prevY);
      ctx.lineTo(mid, py);
      ctx.lineTo(px, py);
    } else {
      ctx.lineTo(px, py);
    }
    prevX = px;
    prevY = py;
    last = px;
  }
  if (line.stepped && finite(first) && n > 1) {
    // Half a step past the end points, so the first and last bins are as wide as the others.
    const half = (last - first) / (2 * (n - 1));
    ctx.lineTo(last + half, prevY);
    last += half;
  }
  return { first, last };
}

function marker(
  ctx: CanvasRenderingContext2D,
  kind: PlotLine['marker'],
  x: number,
  y: number,
  r: number,
): void {
  if (kind === 'rectRot') {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
  } else if (kind === 'rect') {
    ctx.rect(x - r * 0.85, y - r * 0.85, 1.7 * r, 1.7 * r);
  } else if (kind === 'triangle') {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y + r * 0.8);
    ctx.lineTo(x - r, y + r * 0.8);
    ctx.closePath();
  } else if (kind === 'cross') {
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x + r, y - r);
    ctx.lineTo(x - r, y + r);
  } else if (kind === 'star') {
    for (let k = 0; k < 4; k++) {
      const a = (k * Math.PI) / 4;
      ctx.moveTo(x - r * Math.cos(a), y - r * Math.sin(a));
      ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
    }
  } else if (r < 2) {
    // A circle under 4 px across is a few antialiased pixels: a square looks the same and costs far less than an
    // arc (16 runs x 300 trajectory markers per Fixed point update).
    ctx.rect(x - r, y - r, 2 * r, 2 * r);
  } else {
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
}

export function drawLine(ctx: CanvasRenderingContext2D, line: PlotLine, f: Frame): void {
  if (line.fill) {
    ctx.beginPath();
    const { first, last } = tracePath(ctx, line, f);
    if (finite(first)) {
      const base = Math.max(f.top, Math.min(f.bottom, toPixel(f.y, line.fill.base)));
      ctx.lineTo(last, base);
      ctx.lineTo(first, base);
      ctx.closePath();
      ctx.fillStyle = line.fill.color;
      ctx.fill();
    }
  }
  ctx.strokeStyle = line.color;
  ctx.lineWidth = line.width ?? 1.5;
  if (line.line ?? true) {
    ctx.setLineDash(line.dash ?? []);
    ctx.beginPath();
    tracePath(ctx, line, f);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  const r = line.radius ?? 0;
  if (r > 0) {
    ctx.beginPath();
    const n = Math.min(line.xs.length, line.ys.length);
    for (let i = 0; i < n; i++) {
      const px = toPixel(f.x, line.xs[i] as number);
      const py = toPixel(f.y, line.ys[i] as number);
      if (finite(px) && finite(py)) marker(ctx, line.marker, px, py, r);
    }
    ctx.fillStyle = line.color;
    if (line.marker === 'star' || line.marker === 'cross') ctx.stroke();
    else ctx.fill();
  }
}

export function drawArea(ctx: CanvasRenderingContext2D, a: PlotArea, f: Frame): void {
  const n = Math.min(a.xs.length, a.lower.length, a.upper.length);
  const px = new Float64Array(n);
  for (let i = 0; i < n; i++) px[i] = toPixel(f.x, a.xs[i] as number);
  ctx.beginPath();
  let started = false;
  for (let i = 0; i < n; i++) {
    const py = toPixel(f.y, a.upper[i] as number);
    if (!finite(py) || !finite(px[i] as number)) continue;
    if (started) ctx.lineTo(px[i] as number, py);
    else ctx.moveTo(px[i] as number, py);
    started = true;
  }
  for (let i = n - 1; i >= 0; i--) {
    const py = toPixel(f.y, a.lower[i] as number);
    if (finite(py) && finite(px[i] as number)) ctx.lineTo(px[i] as number, py);
  }
  ctx.closePath();
  ctx.fillStyle = a.color;
  ctx.fill();
}

/** The visible, non-quiet point nearest to pixel (px, py) within `radius` px, if any. */
export function nearestPoint(
  spec: PlotSpec,
  frame: Frame,
  px: number,
  py: number,
  hidden: ReadonlySet<string>,
  visible: (line: PlotLine) => boolean = () => true,
  radius = 24,
): { line: PlotLine; index: number; x: number; y: number } | undefined {
  let best: { line: PlotLine; index: number; x: number; y: number } | undefined;
  let bestD = radius * radius;
  for (const line of spec.lines) {
    if (line.quiet || hidden.has(line.label) || !visible(line)) continue;
    const n = Math.min(line.xs.length, line.ys.length);
    for (let i = 0; i < n; i++) {
      const x = toPixel(frame.x, line.xs[i] as number);
      const y = toPixel(frame.y, line.ys[i] as number);
      const d = (x - px) ** 2 + (y - py) ** 2;
      if (d < bestD) {
        bestD = d;
        best = { line, index: i, x, y };
      }
    }
  }
  return best;
}
