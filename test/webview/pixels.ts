/**
 * Pixel checks of the dashboard's canvases: whether a series' colour is drawn along its path, and how many pixels
 * of a colour a chart shows. Paths come from the chart's own data->pixel mapping (window.__snnLab.charts()); the
 * colours are read back from the canvas, so a broken painter fails these checks.
 */
import type { Page } from 'playwright-core';

/** [r, g, b] of '#rrggbb' or 'rgb(a)(r, g, b, ...)'. */
export function rgbOf(color: string): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    return [0, 2, 4].map((i) => Number.parseInt(hex[1]!.slice(i, i + 2), 16)) as [number, number, number];
  }
  const fn = /rgba?\(([^)]*)\)/.exec(color);
  if (fn) {
    return fn[1]!
      .split(',')
      .slice(0, 3)
      .map((v) => Number(v.trim())) as [number, number, number];
  }
  throw new Error(`cannot read colour ${color}`);
}

/**
 * Share of the series' sampled path points that have a pixel within `tolerance` (sum of |dRGB|) of its colour
 * within `radius` px. Series are looked up by label (or run id) in the chart's last paint.
 */
export async function colorAlongPath(
  page: Page,
  chart: string,
  match: { label?: string; run?: string },
  o: { radius?: number; tolerance?: number; aboveBase?: boolean } = {},
): Promise<{ hits: number; total: number; color: string }> {
  return page.evaluate(
    ({ chart, match, radius, tolerance, aboveBase }) => {
      const summary = window.__snnLab!.charts()[chart];
      const path = summary?.paths?.find(
        (p) =>
          (match.label === undefined || p.label === match.label) &&
          (match.run === undefined || p.run === match.run),
      );
      if (!path) {
        throw new Error(
          `no path ${JSON.stringify(match)} in ${chart}: ${summary?.paths?.map((p) => p.label).join(' | ')}`,
        );
      }
      const canvas = document.querySelector(`[data-chart="${chart}"] canvas`) as HTMLCanvasElement;
      const ratio = canvas.width / canvas.clientWidth;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const hex = /^#([0-9a-f]{6})$/i.exec(path.color);
      const want = hex
        ? [0, 2, 4].map((i) => Number.parseInt(hex[1]!.slice(i, i + 2), 16))
        : path.color
            .replace(/[^\d,.]/g, '')
            .split(',')
            .slice(0, 3)
            .map(Number);
      let hits = 0;
      // aboveBase: only points above the series' lowest (a histogram's empty bins lie on y = 0, where series overlap).
      const base = Math.max(...path.pixels.map((p) => p[1]));
      const pixels = aboveBase ? path.pixels.filter((p) => p[1] < base - 3) : path.pixels;
      for (const [x, y] of pixels) {
        let found = false;
        for (let dy = -radius; dy <= radius && !found; dy++) {
          for (let dx = -radius; dx <= radius && !found; dx++) {
            const px = Math.round((x + dx) * ratio);
            const py = Math.round((y + dy) * ratio);
            if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) continue;
            const i = (py * canvas.width + px) * 4;
            const d =
              Math.abs(data[i]! - want[0]!) +
              Math.abs(data[i + 1]! - want[1]!) +
              Math.abs(data[i + 2]! - want[2]!);
            if (d <= tolerance && data[i + 3]! > 200) found = true;
          }
        }
        if (found) hits++;
      }
      return { hits, total: pixels.length, color: path.color };
    },
    { chart, match, radius: o.radius ?? 3, tolerance: o.tolerance ?? 40, aboveBase: o.aboveBase ?? false },
  );
}

/** Pixels of a chart's canvas within `tolerance` of `color`. */
export async function countColor(page: Page, chart: string, color: string, tolerance = 30): Promise<number> {
  const want = rgbOf(color);
  return page.evaluate(
    ({ chart, want, tolerance }) => {
      const canvas = document.querySelector(`[data-chart="${chart}"] canvas`) as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d =
          Math.abs(data[i]! - want[0]) + Math.abs(data[i + 1]! - want[1]) + Math.abs(data[i + 2]! - want[2]);
        if (d <= tolerance && data[i + 3]! > 200) n++;
      }
      return n;
    },
    { chart, want, tolerance },
  );
}

/** Asserts-friendly: true when at least `share` of the path carries the colour. */
export const mostly = (r: { hits: number; total: number }, share = 0.6): boolean =>
  r.total > 0 && r.hits / r.total >= share;

/**
 * How many of `points` (canvas CSS px) have a pixel within `tolerance` (sum of |dRGB|) of `color` within `radius`
 * px: for marks a chart reports by position rather than as a series path (error bars, caps, band interiors).
 */
export async function colorAtPoints(
  page: Page,
  chart: string,
  points: readonly (readonly [number, number])[],
  color: string,
  o: { radius?: number; tolerance?: number; minAlpha?: number } = {},
): Promise<number> {
  const want = rgbOf(color);
  return page.evaluate(
    ({ chart, points, want, radius, tolerance, minAlpha }) => {
      const canvas = document.querySelector(`[data-chart="${chart}"] canvas`) as HTMLCanvasElement;
      const ratio = canvas.width / canvas.clientWidth;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let hits = 0;
      for (const [x, y] of points) {
        let found = false;
        for (let dy = -radius; dy <= radius && !found; dy++) {
          for (let dx = -radius; dx <= radius && !found; dx++) {
            const px = Math.round((x + dx) * ratio);
            const py = Math.round((y + dy) * ratio);
            if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) continue;
            const i = (py * canvas.width + px) * 4;
            const d =
              Math.abs(data[i]! - want[0]) +
              Math.abs(data[i + 1]! - want[1]) +
              Math.abs(data[i + 2]! - want[2]);
            if (d <= tolerance && data[i + 3]! >= minAlpha) found = true;
          }
        }
        if (found) hits++;
      }
      return hits;
    },
    { chart, points, want, radius: o.radius ?? 1, tolerance: o.tolerance ?? 40, minAlpha: o.minAlpha ?? 200 },
  );
}
