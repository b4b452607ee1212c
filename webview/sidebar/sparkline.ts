/** Draws a loss sparkline on a small canvas (a chart.js instance per run would cost more than the whole sidebar). */
import type { Theme } from '../shared/theme';

export function drawSparkline(canvas: HTMLCanvasElement, values: readonly number[], theme: Theme): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 160;
  const height = canvas.clientHeight || 24;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  const finite = values.filter(Number.isFinite);
  if (!ctx || finite.length < 2) return;
  ctx.scale(ratio, ratio);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  ctx.strokeStyle = theme.palette[0] ?? theme.foreground;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const x = (i / (values.length - 1)) * (width - 2) + 1;
    const y = height - 1 - ((v - lo) / span) * (height - 2);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}
