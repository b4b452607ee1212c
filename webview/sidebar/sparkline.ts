/** Draws a loss sparkline on a small canvas (a chart.js instance per run would cost more than the whole sidebar). */

/** Strokes `values` across the canvas in `color` (the run's colour); fewer than 2 finite values draw nothing. */
export function drawSparkline(canvas: HTMLCanvasElement, values: readonly number[], color: string): void {
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
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let started = false;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const x = (i / (values.length - 1)) * (width - 2) + 1;
    const y = height - 1 - ((v - lo) / span) * (height - 2);
    if (!started) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
    started = true;
  });
  ctx.stroke();
}
