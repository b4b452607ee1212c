/**
 * Draws loss sparklines on small canvases (a chart.js instance per run would cost more than the whole sidebar), each
 * when its row comes into view: an IntersectionObserver hands over the canvas's size with the notice, so drawing
 * forces no layout, and 500 rows draw the dozen on screen instead of all of them.
 */

interface Pending {
  values: readonly number[];
  color: string;
}

const pending = new WeakMap<HTMLCanvasElement, Pending>();
let observer: IntersectionObserver | undefined;

function onVisible(entries: IntersectionObserverEntry[]): void {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const canvas = entry.target as HTMLCanvasElement;
    observer?.unobserve(canvas);
    const job = pending.get(canvas);
    if (!job) continue;
    pending.delete(canvas);
    const { width, height } = entry.boundingClientRect;
    drawSparkline(canvas, job.values, job.color, { width: width || 160, height: height || 24 });
  }
}

/** Draws `values` in `color` on `canvas` once it is in (or near) view; the latest request per canvas wins. */
export function queueSparkline(canvas: HTMLCanvasElement, values: readonly number[], color: string): void {
  pending.set(canvas, { values, color });
  observer ??= new IntersectionObserver(onVisible, { rootMargin: '200px 0px' });
  // Observing again reports the current state: a canvas in view is drawn with the next notice.
  observer.unobserve(canvas);
  observer.observe(canvas);
}

/**
 * Draws now the queued sparklines of `canvases` (the rows of a first screen), all at the size of the first one's box
 * (every sparkline is as wide as the list): one layout for the lot, and the first frame shows them instead of the
 * frame after the observer's notice. When the first is not laid out (a hidden view) they stay with the observer.
 */
export function drawQueuedNow(canvases: readonly HTMLCanvasElement[]): void {
  const first = canvases.find((canvas) => pending.has(canvas) && canvas.isConnected);
  if (!first) return;
  const { width, height } = first.getBoundingClientRect();
  if (width === 0 || height === 0) return;
  for (const canvas of canvases) {
    const job = pending.get(canvas);
    if (!job || !canvas.isConnected) continue;
    pending.delete(canvas);
    observer?.unobserve(canvas);
    drawSparkline(canvas, job.values, job.color, { width, height });
  }
}

/** Strokes `values` across the canvas in `color` (the run's colour); fewer than 2 finite values draw nothing. */
export function drawSparkline(
  canvas: HTMLCanvasElement,
  values: readonly number[],
  color: string,
  size: { width: number; height: number } = {
    width: canvas.clientWidth || 160,
    height: canvas.clientHeight || 24,
  },
): void {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = size;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.dataset.drawn = 'true';
  const ctx = canvas.getContext('2d');
  const finite = values.filter(Number.isFinite);
  if (!ctx || finite.length < 2) return;
  ctx.scale(ratio, ratio);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of finite) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
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
