// @ts-check
/**
 * Pixel checks of the dashboard's canvases, for the browser tier (test/webview: pages) and the e2e tier (test/e2e:
 * frames of a VS Code webview): whether a series' colour is drawn along its path, at given points, and how many
 * pixels of a colour a chart shows. Paths come from the chart's own data->pixel mapping (window.__snnLab.charts());
 * colours are read back from the canvas, so a broken painter fails these checks. Plain JavaScript with JSDoc types:
 * the e2e tests (Node ES modules) import it as it is, esbuild bundles it into the browser tests.
 */

/** @typedef {import('../../webview/dashboard/testHook.ts').TestHook} TestHook */
/** A playwright Page or Frame: the pixels are read by a function evaluated inside it. */
/** @typedef {Pick<import('playwright-core').Page, 'evaluate'>} Target */
/** @typedef {{ label?: string, run?: string }} PathMatch */

/**
 * [r, g, b] of '#rrggbb' or 'rgb(a)(r, g, b, ...)'.
 * @param {string} color
 * @returns {[number, number, number]}
 */
export function rgbOf(color) {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  const fn = /rgba?\(([^)]*)\)/.exec(color)?.[1];
  const parts = hex
    ? [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
    : fn?.split(',').map((v) => Number(v.trim()));
  const [r, g, b] = parts ?? [];
  if (r === undefined || g === undefined || b === undefined) throw new Error(`cannot read colour ${color}`);
  return [r, g, b];
}

/**
 * '#rrggbb' of a CSS colour: '#rrggbb' as it is, 'rgb(r, g, b)' / 'rgba(…)' converted (what style.backgroundColor
 * and the painter report).
 * @param {string} color
 */
export function hexOf(color) {
  if (/^#[0-9a-f]{6}$/i.test(color)) return color.toLowerCase();
  return `#${rgbOf(color)
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('')}`;
}

/**
 * True when at least `share` of the sampled points carry the colour (and there are points).
 * @param {{ hits: number, total: number }} r
 * @param {number} [share]
 */
export const mostly = (r, share = 0.6) => r.total > 0 && r.hits / r.total >= share;

/**
 * @typedef {object} Sample what sampleInPage looks for
 * @property {string} chart chart id, e.g. 'curves:batch_loss'
 * @property {PathMatch} [match] a series of the chart's last paint: its path points and its colour
 * @property {[number, number][]} [points] else these points (canvas CSS px),
 * @property {[number, number, number]} [want] and this colour
 * @property {number} radius CSS px searched around each point
 * @property {number} tolerance largest sum of |dRGB| that counts as the colour
 * @property {number} minAlpha smallest alpha that counts as drawn
 * @property {boolean} aboveBase only path points above the series' lowest (a histogram's empty bins lie on y = 0,
 *   where series overlap)
 */

/**
 * Runs inside the page (playwright sends its source: it uses nothing from outside). Counts the points that have a
 * pixel of the colour within `radius`.
 * @param {Sample} s
 * @returns {{ hits: number, total: number, color: string }}
 */
function sampleInPage(s) {
  let points = s.points ?? [];
  let want = s.want ?? [0, 0, 0];
  let color = '';
  if (s.match) {
    const match = s.match;
    const summary = /** @type {TestHook} */ (window.__snnLab).charts()[s.chart];
    const path = summary?.paths?.find(
      (p) =>
        (match.label === undefined || p.label === match.label) &&
        (match.run === undefined || p.run === match.run),
    );
    if (!path) {
      const seen = summary?.paths?.map((p) => `${p.label} (${p.run})`).join(' | ');
      throw new Error(`no path ${JSON.stringify(match)} in ${s.chart}: ${seen}`);
    }
    color = path.color;
    // The painter reports '#rrggbb' or 'rgba(r, g, b, a)'.
    const hex = /^#([0-9a-f]{6})$/i.exec(color);
    const parts = hex
      ? [0, 2, 4].map((i) => Number.parseInt((hex[1] ?? '').slice(i, i + 2), 16))
      : color
          .replace(/[^\d,.]/g, '')
          .split(',')
          .slice(0, 3)
          .map(Number);
    if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v))) {
      throw new Error(`${s.chart}: cannot read path colour ${color}`);
    }
    want = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
    const base = Math.max(...path.pixels.map((p) => p[1]));
    points = s.aboveBase ? path.pixels.filter((p) => p[1] < base - 3) : path.pixels;
  }
  const canvas = /** @type {HTMLCanvasElement} */ (
    document.querySelector(`[data-chart="${s.chart}"] canvas`)
  );
  const ratio = canvas.width / canvas.clientWidth;
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  /** @param {number} i */
  const at = (i) => data[i] ?? 0;
  let hits = 0;
  for (const [x, y] of points) {
    let found = false;
    for (let dy = -s.radius; dy <= s.radius && !found; dy++) {
      for (let dx = -s.radius; dx <= s.radius && !found; dx++) {
        const px = Math.round((x + dx) * ratio);
        const py = Math.round((y + dy) * ratio);
        if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) continue;
        const i = (py * canvas.width + px) * 4;
        const d = Math.abs(at(i) - want[0]) + Math.abs(at(i + 1) - want[1]) + Math.abs(at(i + 2) - want[2]);
        if (d <= s.tolerance && at(i + 3) >= s.minAlpha) found = true;
      }
    }
    if (found) hits++;
  }
  return { hits, total: points.length, color };
}

/**
 * Share of a series' sampled path points (up to 60, from the chart's last paint; looked up by label and/or run id,
 * throws when absent) that have a pixel within `tolerance` (sum of |dRGB|) of its colour within `radius` CSS px.
 * @param {Target} target the page, or the dashboard webview's content frame
 * @param {string} chart chart id, e.g. 'curves:batch_loss'
 * @param {PathMatch} match
 * @param {{ radius?: number, tolerance?: number, aboveBase?: boolean }} [o]
 * @returns {Promise<{ hits: number, total: number, color: string }>}
 */
export function colorAlongPath(target, chart, match, o = {}) {
  /** @type {Sample} */
  const sample = {
    chart,
    match,
    radius: o.radius ?? 3,
    tolerance: o.tolerance ?? 40,
    minAlpha: 201,
    aboveBase: o.aboveBase ?? false,
  };
  return target.evaluate(sampleInPage, sample);
}

/**
 * How many of `points` (canvas CSS px) have a pixel within `tolerance` (sum of |dRGB|) of `color` within `radius`
 * px: for marks a chart reports by position rather than as a series path (error bars, caps, band interiors).
 * @param {Target} target
 * @param {string} chart
 * @param {readonly (readonly [number, number])[]} points
 * @param {string} color
 * @param {{ radius?: number, tolerance?: number, minAlpha?: number }} [o]
 * @returns {Promise<number>}
 */
export async function colorAtPoints(target, chart, points, color, o = {}) {
  /** @type {Sample} */
  const sample = {
    chart,
    points: points.map(([x, y]) => [x, y]),
    want: rgbOf(color),
    radius: o.radius ?? 1,
    tolerance: o.tolerance ?? 40,
    minAlpha: o.minAlpha ?? 200,
    aboveBase: false,
  };
  return (await target.evaluate(sampleInPage, sample)).hits;
}

/**
 * Pixels of a chart's canvas within `tolerance` (sum of |dRGB|) of `color`.
 * @param {Target} target
 * @param {string} chart
 * @param {string} color
 * @param {number} [tolerance]
 * @returns {Promise<number>}
 */
export function countColor(target, chart, color, tolerance = 30) {
  return target.evaluate(
    ({ chart, want, tolerance }) => {
      const canvas = /** @type {HTMLCanvasElement} */ (
        document.querySelector(`[data-chart="${chart}"] canvas`)
      );
      const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d =
          Math.abs((data[i] ?? 0) - want[0]) +
          Math.abs((data[i + 1] ?? 0) - want[1]) +
          Math.abs((data[i + 2] ?? 0) - want[2]);
        if (d <= tolerance && (data[i + 3] ?? 0) > 200) n++;
      }
      return n;
    },
    { chart, want: rgbOf(color), tolerance },
  );
}
