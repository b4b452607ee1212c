#!/usr/bin/env node
// @ts-check
// `npm run demo`: trains an example headless with the CLI (dist/cli.js run … --json --runs-dir <tmp>) and writes a
// self-contained HTML report (inline SVG, no network): loss curves and per-layer variance/mean vs depth per run.
// Usage: node scripts/demo.mjs [experiment-file] [--out report.html] [--keep-runs]
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
/** The value after `--name`, if given. @param {string} name */
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = resolve(flag('--out') ?? join(ROOT, 'test-artifacts', 'demo', 'report.html'));
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
const DEFAULT_EXAMPLE = join(ROOT, 'examples', 'snn-vs-relu-bn-mnist.snn.json');
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** @typedef {import('../src/runs/runTypes.ts').RunMeta} RunMeta */
/** @typedef {import('../src/runs/runTypes.ts').MetricRecord} MetricRecord */
/** @typedef {import('../src/runs/runTypes.ts').LayerStatsRecord} LayerStatsRecord */
/** @typedef {import('../src/protocol/stats.ts').LayerStats} LayerStats */
/** @typedef {import('../src/protocol/stats.ts').RunSummary} RunSummary */
/**
 * One run directory as read from disk (docs/run-store.md).
 * @typedef {{ dir: string, meta: RunMeta, metrics: MetricRecord[], layers: LayerStatsRecord[],
 *   summary: RunSummary | undefined }} LoadedRun
 */
/**
 * One line of a chart: `points` are [x, y] pairs.
 * @typedef {{ name: string, color: string, points: [number, number][], dashed?: boolean }} Series
 */

/** The experiment to run: the argument, else examples/snn-vs-relu-bn-mnist.snn.json, else the first example. */
function pickExample() {
  if (positional[0]) return resolve(positional[0]);
  if (existsSync(DEFAULT_EXAMPLE)) return DEFAULT_EXAMPLE;
  const dir = join(ROOT, 'examples');
  const first = existsSync(dir) && readdirSync(dir).find((f) => /\.snn\.(json|ya?ml)$/.test(f));
  if (!first) throw new Error('no experiment file given and none found in examples/');
  return join(dir, first);
}

/**
 * Reads a JSON-lines file, skipping the header line and tolerating a truncated last line.
 * @param {string} path
 * @returns {object[]} the records, as written by the run store
 */
function readJsonl(path) {
  if (!existsSync(path)) return [];
  /** @type {(line: string) => object} */
  const parse = (l) =>
    JSON.parse(l, (_k, v) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [parse(l)];
      } catch {
        return [];
      }
    })
    .filter((r) => !('schemaVersion' in r));
}

/**
 * Every run directory (a folder holding meta.json) under `root`.
 * @param {string} root
 * @returns {string[]}
 */
function findRuns(root) {
  if (!existsSync(root)) return [];
  if (existsSync(join(root, 'meta.json'))) return [root];
  return readdirSync(root).flatMap((n) =>
    statSync(join(root, n)).isDirectory() ? findRuns(join(root, n)) : [],
  );
}

/**
 * Reads one run directory; the files are the run store's own (src/runs/runTypes.ts), so they are taken as typed.
 * @param {string} dir
 * @returns {LoadedRun}
 */
function loadRun(dir) {
  /** @type {RunMeta} */
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const metrics = /** @type {MetricRecord[]} */ (readJsonl(join(dir, 'metrics.jsonl')));
  const layers = /** @type {LayerStatsRecord[]} */ (readJsonl(join(dir, 'layers.jsonl')));
  /** @type {RunSummary | undefined} */
  const summary = existsSync(join(dir, 'summary.json'))
    ? JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))
    : undefined;
  return { dir, meta, metrics, layers, summary };
}

/** @type {Record<string, string>} */
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** HTML-escaped text of any value. @param {unknown} s */
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]);
/** A short label for a number (3 significant digits, exponent when very large or small). @param {number} v */
const fmt = (v) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(3));

/**
 * An inline SVG line chart. logY plots log10(y); integerX labels every integer x (hidden layers).
 * @param {string} title
 * @param {Series[]} series
 * @param {{ xLabel: string, yLabel: string, logY?: boolean, integerX?: boolean, width?: number,
 *   height?: number }} options
 */
function svgChart(
  title,
  series,
  { xLabel, yLabel, logY = false, integerX = false, width = 560, height = 320 },
) {
  const m = { l: 64, r: 16, t: 32, b: 44 };
  /** @param {number} y */
  const tf = (y) => (logY ? Math.log10(y) : y);
  const pts = series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(tf(y)));
  if (pts.length === 0) return `<figure><figcaption>${esc(title)}</figcaption><p>(no data)</p></figure>`;
  let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...pts.map((p) => tf(p[1]))), Math.max(...pts.map((p) => tf(p[1])))];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  /** @param {number} x */
  const sx = (x) => m.l + ((x - x0) / (x1 - x0)) * (width - m.l - m.r);
  /** @param {number} y */
  const sy = (y) => height - m.b - ((tf(y) - y0) / (y1 - y0)) * (height - m.t - m.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  // x ticks: every integer for a layer axis (integerX), else quarters of the range (rounded for steps).
  const xTicks = integerX
    ? Array.from({ length: x1 - x0 + 1 }, (_, i) => x0 + i)
    : ticks.map((t) => Math.round(x0 + t * (x1 - x0)));
  const xAxis = xTicks
    .map((xv) => `<text x="${sx(xv)}" y="${height - m.b + 16}" text-anchor="middle">${esc(fmt(xv))}</text>`)
    .join('');
  const grid = ticks
    .map((t) => {
      const yv = y0 + t * (y1 - y0);
      const y = height - m.b - t * (height - m.t - m.b);
      return (
        `<line x1="${m.l}" x2="${width - m.r}" y1="${y}" y2="${y}" stroke="#ddd"/>` +
        `<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${esc(fmt(logY ? 10 ** yv : yv))}</text>`
      );
    })
    .join('');
  const lines = series
    .map((s) => {
      const ok = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(tf(y)));
      const d = ok.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      const dots =
        ok.length <= 30
          ? ok
              .map(
                ([x, y]) =>
                  `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`,
              )
              .join('')
          : '';
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>${dots}`;
    })
    .join('');
  const legend = series
    .map((s) => `<span style="color:${s.color}">${s.dashed ? '- - -' : '———'} ${esc(s.name)}</span>`)
    .join(' ');
  return (
    `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="11" font-family="sans-serif">` +
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>${grid}${xAxis}` +
    `<text x="${(m.l + width - m.r) / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text transform="translate(14 ${height / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}${logY ? ' (log)' : ''}</text>` +
    `${lines}</svg><figcaption>${legend}</figcaption></figure>`
  );
}

/**
 * The report's HTML for the loaded runs.
 * @param {string} experiment path of the experiment file
 * @param {LoadedRun[]} runs
 * @param {number} seconds how long the training took
 */
export function renderReport(experiment, runs, seconds) {
  /** @param {number} i */
  const color = (i) => COLORS[i % COLORS.length];
  /** @type {Series[]} */
  const lossSeries = runs.map((r, i) => ({
    name: r.meta.name,
    color: color(i),
    points: r.metrics.filter((m) => m.kind === 'progress').map((m) => [m.step, m.loss]),
  }));
  /** @param {LoadedRun} r */
  const last = (r) => r.layers.at(-1);
  /**
   * One series per run: `get` of each hidden layer of its last statistics record.
   * @param {(l: LayerStats) => number} get
   * @returns {Series[]}
   */
  const depth = (get) =>
    runs.map((r, i) => ({
      name: `${r.meta.name} (step ${last(r)?.step ?? '-'})`,
      color: color(i),
      points: (last(r)?.layers ?? []).map((l) => [l.layer, get(l)]),
    }));
  const maxDepth = Math.max(1, ...runs.map((r) => last(r)?.layers.length ?? 0));
  /**
   * A dashed horizontal line at `y` across all layers.
   * @param {number} y
   * @returns {Series}
   */
  const target = (y) => ({
    name: `fixed point ${y}`,
    color: '#888',
    dashed: true,
    points: [
      [0, y],
      [maxDepth - 1, y],
    ],
  });
  const rows = runs
    .map((r) => {
      const final = r.summary?.final ?? {};
      const test = r.summary?.test ?? {};
      /** @param {Record<string, number>} o */
      const cell = (o) =>
        esc(
          Object.entries(o)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(', ') || '-',
        );
      return `<tr><td>${esc(r.meta.name)}</td><td>${esc(r.meta.status)}</td><td>${r.summary?.steps ?? '-'}</td><td>${cell(final)}</td><td>${cell(test)}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>SNN Lab demo: ${esc(basename(experiment))}</title>
<style>body{font:14px sans-serif;margin:24px;max-width:1200px}main{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:8px}figure{margin:0}figcaption{font-size:12px}figcaption span{margin-right:12px;white-space:nowrap}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body>
<h1>SNN Lab demo report</h1>
<p>Experiment <code>${esc(relative(ROOT, experiment))}</code>: ${runs.length} run(s), trained headless with
<code>dist/cli.js run</code> in ${seconds.toFixed(1)} s. Self-normalising networks keep every layer's activations
near mean 0 and variance 1 (the dashed lines); without normalisation the variance drifts with depth.</p>
<table><tr><th>run</th><th>status</th><th>steps</th><th>final metrics</th><th>test metrics</th></tr>${rows}</table>
<main>
${svgChart('Training loss', lossSeries, { xLabel: 'step', yLabel: 'loss', logY: lossSeries.every((s) => s.points.every((p) => p[1] > 0)) })}
${svgChart('Activation variance vs depth', [...depth((l) => l.post.variance), target(1)], { xLabel: 'hidden layer', yLabel: 'variance', logY: true, integerX: true })}
${svgChart('Activation mean vs depth', [...depth((l) => l.post.mean), target(0)], { xLabel: 'hidden layer', yLabel: 'mean', integerX: true })}
${svgChart(
  'Gradient norm vs depth',
  depth((l) => l.gradNorm),
  { xLabel: 'hidden layer', yLabel: '‖∂L/∂W‖', logY: true, integerX: true },
)}
</main>
</body></html>\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) process.exit(1);
  }
  const experiment = pickExample();
  const runsDir = mkdtempSync(join(tmpdir(), 'snn-lab-demo-'));
  const started = Date.now();
  console.log(`$ node dist/cli.js run ${relative(ROOT, experiment)} --json --runs-dir ${runsDir}`);
  const r = spawnSync(process.execPath, [cli, 'run', experiment, '--json', '--runs-dir', runsDir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  const runs = findRuns(runsDir).map(loadRun);
  if (runs.length === 0) {
    console.error(`the CLI produced no run directory (exit ${r.status}):\n${(r.stdout ?? '').slice(-2000)}`);
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(experiment, runs, seconds));
  for (const run of runs) {
    console.log(`  ${run.meta.name}: ${run.meta.status}, ${run.layers.length} layer-stat records`);
  }
  console.log(`report: ${out}`);
  if (args.includes('--keep-runs')) console.log(`runs kept in ${runsDir}`);
  else rmSync(runsDir, { recursive: true, force: true });
  process.exit(r.status === 0 ? 0 : 1);
}
