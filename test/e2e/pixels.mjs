// @ts-check
// Pixel checks on the dashboard's canvases inside a real VS Code webview (a playwright Frame): whether a series'
// colour is drawn along its path. The path comes from the chart's own data->pixel mapping (window.__snnLab.charts());
// the colour is read back from the canvas, so a broken painter fails the check. The browser tier has the same check
// for pages (test/webview/pixels.ts); this one runs from plain Node ES modules on frames.

/** @typedef {import('playwright-core').Frame} Frame */
/** window.__snnLab of the dashboard webview (declares it on Window). */
/** @typedef {import('../../webview/dashboard/testHook.ts').TestHook} TestHook */

/**
 * Share of the series' sampled path points with a pixel within `tolerance` (sum of |dRGB|) of its colour within
 * `radius` CSS px. The series is looked up by label and/or run id in the chart's last paint; throws when absent.
 * @param {Frame} frame the dashboard webview's content frame
 * @param {string} chart chart id, e.g. 'curves:batch_loss'
 * @param {{ label?: string, run?: string }} match
 * @param {{ radius?: number, tolerance?: number }} [options]
 * @returns {Promise<{ hits: number, total: number, color: string }>}
 */
export function colorAlongPath(frame, chart, match, { radius = 3, tolerance = 40 } = {}) {
  return frame.evaluate(
    ({ chart, match, radius, tolerance }) => {
      const summary = window.__snnLab?.charts()[chart];
      const path = summary?.paths?.find(
        (p) =>
          (match.label === undefined || p.label === match.label) &&
          (match.run === undefined || p.run === match.run),
      );
      if (!path) {
        const seen = summary?.paths?.map((p) => `${p.label} (${p.run})`).join(' | ');
        throw new Error(`no path ${JSON.stringify(match)} in ${chart}: ${seen}`);
      }
      const canvas = /** @type {HTMLCanvasElement} */ (
        document.querySelector(`[data-chart="${chart}"] canvas`)
      );
      const ratio = canvas.width / canvas.clientWidth;
      const data = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      ).data;
      // The painter reports '#rrggbb' or 'rgba(r, g, b, a)'.
      const hex = /^#([0-9a-f]{6})$/i.exec(path.color);
      const want = hex
        ? [0, 2, 4].map((i) => Number.parseInt(hex[1].slice(i, i + 2), 16))
        : path.color
            .replace(/[^\d,.]/g, '')
            .split(',')
            .slice(0, 3)
            .map(Number);
      if (want.length !== 3 || want.some((v) => !Number.isFinite(v))) {
        throw new Error(`${chart}: cannot read path colour ${path.color}`);
      }
      let hits = 0;
      for (const [x, y] of path.pixels) {
        let found = false;
        for (let dy = -radius; dy <= radius && !found; dy++) {
          for (let dx = -radius; dx <= radius && !found; dx++) {
            const px = Math.round((x + dx) * ratio);
            const py = Math.round((y + dy) * ratio);
            if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) continue;
            const i = (py * canvas.width + px) * 4;
            const d =
              Math.abs(data[i] - want[0]) + Math.abs(data[i + 1] - want[1]) + Math.abs(data[i + 2] - want[2]);
            if (d <= tolerance && data[i + 3] > 200) found = true;
          }
        }
        if (found) hits++;
      }
      return { hits, total: path.pixels.length, color: path.color };
    },
    { chart, match, radius, tolerance },
  );
}

/**
 * True when at least `share` of the sampled path carries the colour (and the path has points).
 * @param {{ hits: number, total: number }} r
 * @param {number} [share]
 */
export const mostly = (r, share = 0.6) => r.total > 0 && r.hits / r.total >= share;

/**
 * '#rrggbb' of a CSS colour: '#rrggbb' as it is, 'rgb(r, g, b)' / 'rgba(…)' converted (what style.backgroundColor
 * and the painter report).
 * @param {string} rgb
 */
export function hexOf(rgb) {
  if (/^#[0-9a-f]{6}$/i.test(rgb)) return rgb.toLowerCase();
  const parts = rgb.match(/[\d.]+/g);
  if (!parts || parts.length < 3) throw new Error(`cannot read colour ${rgb}`);
  return `#${parts
    .slice(0, 3)
    .map((v) => Number(v).toString(16).padStart(2, '0'))
    .join('')}`;
}
