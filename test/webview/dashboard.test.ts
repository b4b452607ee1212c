/**
 * Headless-Chromium tests of the dashboard webview (dist/webview/dashboard.js) under the extension's CSP, driven by
 * a REAL recorded stream (SNN vs ReLU+BN, depth 8; scripts/record-fixture.mjs) through the replay transport.
 * Expected counts come from the fixture's final snapshot, not from the webview's own reducer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview, RunPayload } from '../../src/protocol/webview';
import { readStream, screenshot, waitSettled, watchProblems, useBrowser } from './harness';

const STREAM = 'snn-vs-relu';
const messages = readStream(STREAM);
const last = messages.at(-1);
if (last?.type !== 'snapshot') throw new Error(`${STREAM}.jsonl must end with the final snapshot`);
const finalRuns: RunPayload[] = last.runs;
const LAYERS = 8;

const fx = useBrowser();

async function open(width = 1280, height = 900): Promise<{ page: Page; problems: string[] }> {
  const page = await fx.browser.newPage({ viewport: { width, height } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('dashboard', STREAM));
  await waitSettled(page, messages.length);
  return { page, problems };
}

async function showTab(page: Page, id: string): Promise<void> {
  await page.click(`vscode-tab-header[data-tab="${id}"]`);
  await page.waitForFunction((tab) => window.__snnLab?.ui().tab === tab, id);
  await waitSettled(page, messages.length);
}

const charts = (page: Page) => page.evaluate(() => window.__snnLab!.charts());

describe('dashboard webview (replayed real run pair)', () => {
  test('fixture is a real two-run recording with depth-8 layer statistics', () => {
    assert.equal(finalRuns.length, 2);
    for (const run of finalRuns) {
      assert.equal(run.info.status, 'finished');
      assert.ok(run.frames.length >= 10, `${run.info.name}: ${run.frames.length} frames`);
      assert.equal(run.frames[0]?.units.length, LAYERS);
    }
  });

  test('curves tab: one chart per metric, raw + smoothed line per run, points as recorded', async () => {
    const { page, problems } = await open();
    const all = await charts(page);
    const metrics = [...new Set(finalRuns.flatMap((r) => Object.keys(r.curves)))];
    assert.ok(metrics.includes('batch_loss') && metrics.includes('val_loss'), metrics.join(','));
    for (const metric of metrics) {
      const chart = all[`curves:${metric}`];
      assert.ok(chart, `missing chart for ${metric}`);
      assert.equal(chart.datasets, 2 * finalRuns.length, metric);
      const expected = finalRuns.flatMap((r) => [
        r.curves[metric]!.value.length,
        r.curves[metric]!.value.length,
      ]);
      assert.deepEqual(chart.points, expected, metric);
    }
    await screenshot(page, 'curves');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('layers tab: statistics vs depth for both runs and a layer x step heatmap', async () => {
    const { page, problems } = await open();
    await showTab(page, 'layers');
    const all = await charts(page);
    for (const id of ['layers:mean', 'layers:variance', 'layers:gradNorm']) {
      assert.equal(all[id]?.datasets, 2, id);
      assert.deepEqual(all[id]?.points, [LAYERS, LAYERS], id);
    }
    assert.equal(all['layers:heatmap']?.cells, finalRuns[0]!.frames.length * LAYERS);
    await screenshot(page, 'layers');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('distributions tab: 9 percentile lines per run, ridgeline per layer, cross-run overlay + reference', async () => {
    const { page, problems } = await open();
    await showTab(page, 'distributions');
    const all = await charts(page);
    // One median line per run; 8 probability-mass bands per run painted around it.
    assert.equal(all['dist:bands']?.datasets, finalRuns.length);
    assert.deepEqual(
      all['dist:bands']?.points,
      finalRuns.map((r) => r.frames.length),
    );
    assert.equal(all['dist:bands']?.bands, 8 * finalRuns.length);
    assert.equal(all['dist:ridgeline']?.datasets, LAYERS);
    const bins = finalRuns[0]!.histograms[0]!.post[0]!.counts.length;
    assert.deepEqual(all['dist:ridgeline']?.points, Array<number>(LAYERS).fill(bins));
    assert.equal(all['dist:overlay']?.datasets, finalRuns.length + 1);
    assert.equal(all['dist:overlay']?.labels.at(-1), 'selu(N(0, 1))');
    await screenshot(page, 'distributions');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('fixed point tab: depth and training trajectories per run, fixed point, arrow field of g', async () => {
    const { page, problems } = await open();
    await showTab(page, 'fixedPoint');
    const plane = (await charts(page))['fixedPoint:plane'];
    assert.ok(plane);
    // 2 trajectories per run + the (0, 1) target + g's fixed point for the measured (omega, tau).
    assert.equal(plane.datasets, 2 * finalRuns.length + 2);
    assert.equal(plane.points[0], LAYERS);
    assert.ok((plane.arrows ?? 0) > 100, `arrows: ${plane.arrows}`);
    const note = await page.textContent('.tab-fixed-point .note');
    assert.match(note ?? '', /ω = -?\d\.\d{3}, τ = \d\.\d{3}/);
    await screenshot(page, 'fixed-point');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('theory explorer: default SELU map contracts to (0, 1); the tau slider moves the fixed point', async () => {
    const { page, problems } = await open();
    await showTab(page, 'theory');
    const plane = (await charts(page))['theory:plane'];
    assert.equal(plane?.datasets, 5); // 4 default starts + the fixed point
    assert.equal(plane?.arrows, 14 * 14);
    const before = (await page.textContent('.tab-theory .readout')) ?? '';
    assert.match(before, /Fixed point \(μ\*, ν\*\) = \(0\.0000, 1\.0000\)/);
    assert.match(before, /< 1: contraction/);
    assert.match(before, /Theorem 1 \(stable and attracting fixed point\): conditions hold/);
    await page.focus('#theory-tau');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => window.__snnLab!.ui().theory.tau < 0.96);
    await waitSettled(page, messages.length);
    const afterText = (await page.textContent('.tab-theory .readout')) ?? '';
    assert.match(afterText, /τ = 0\.9500/);
    assert.doesNotMatch(afterText, /= \(0\.0000, 1\.0000\)/);
    await screenshot(page, 'theory');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('theory explorer: clicking the plane adds a trajectory starting where it was clicked', async () => {
    const { page, problems } = await open();
    await showTab(page, 'theory');
    const canvas = page.locator('[data-chart="theory:plane"] canvas');
    const box = (await canvas.boundingBox())!;
    // The middle of the canvas is inside the plot area (axes and legend take its edges).
    await canvas.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await page.waitForFunction(() => window.__snnLab!.charts()['theory:plane']?.datasets === 6);
    const plane = (await charts(page))['theory:plane']!;
    const start = /^from \((-?\d+\.\d+), (-?\d+\.\d+)\)$/.exec(plane.labels[4] ?? '');
    assert.ok(start, plane.labels.join(' | '));
    // The window is mu in [-0.8, 0.8], nu in [0, 3]: the centre of the plot is near (0, 1.5), give or take the
    // margins the axes and legend take from the canvas (a tenth of the window).
    assert.ok(Math.abs(Number(start[1])) < 0.16, start[1]);
    assert.ok(Math.abs(Number(start[2]) - 1.5) < 0.3, start[2]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('keyboard: arrow keys move between tabs', async () => {
    const { page } = await open();
    await page.focus('vscode-tab-header[data-tab="curves"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__snnLab!.ui().tab === 'layers', undefined, { timeout: 5000 });
    await page.close();
  });

  test('deselecting a run in the picker posts selectRuns and halves the datasets', async () => {
    const { page } = await open();
    const id = finalRuns[1]!.info.runId;
    await page.click('.picker summary');
    await page.click(`#pick-${id}`);
    await page.waitForFunction(() => window.__snnLab!.data().selected.length === 1);
    await waitSettled(page, messages.length + 1);
    const posted = await page.evaluate(() => window.__snnLabReplayTransport!.posted.map((m) => m.type));
    assert.ok(posted.includes('selectRuns'), posted.join(','));
    assert.equal((await charts(page))['curves:val_loss']?.datasets, 2);
    await page.close();
  });

  test('a seq gap triggers resync and a fresh snapshot; appended data then lands', async () => {
    const { page } = await open();
    const seq = await page.evaluate(() => window.__snnLab!.data().seq);
    const runId = finalRuns[0]!.info.runId;
    const frame = finalRuns[0]!.frames.at(-1)!;
    const appended = (s: number, step: number): HostToWebview => ({
      type: 'appended',
      seq: s,
      runId,
      curves: {},
      frames: [{ ...frame, step }],
      histograms: [],
    });
    // seq + 2 skips one message: the page must ask for a snapshot and ignore the out-of-order data.
    await page.evaluate((m) => window.__snnLabReplayTransport!.emit(m), appended(seq + 2, frame.step + 500));
    await page.waitForFunction(() => window.__snnLabReplayTransport!.posted.some((m) => m.type === 'resync'));
    await page.waitForFunction(
      (s) => window.__snnLab!.data().seq > s + 2 && !window.__snnLab!.data().needsResync,
      seq,
    );
    const resynced = await page.evaluate(
      (id) => window.__snnLab!.data().runs[id]!.frames.map((f) => f.step),
      runId,
    );
    assert.deepEqual(
      resynced,
      finalRuns[0]!.frames.map((f) => f.step),
      'the snapshot replaced the skipped data',
    );
    const now = await page.evaluate(() => window.__snnLab!.data().seq);
    await page.evaluate((m) => window.__snnLabReplayTransport!.emit(m), appended(now + 1, frame.step + 1000));
    await page.waitForFunction((s) => window.__snnLab!.data().seq === s + 1, now);
    const steps = await page.evaluate(
      (id) => window.__snnLab!.data().runs[id]!.frames.map((f) => f.step),
      runId,
    );
    assert.equal(steps.length, finalRuns[0]!.frames.length + 1);
    assert.equal(steps.at(-1), frame.step + 1000);
    await page.close();
  });

  test('theme change (body class) re-reads --vscode-* colours and redraws', async () => {
    const { page, problems } = await open();
    const darkBg = await page.evaluate(() => window.__snnLab!.theme().background);
    await page.evaluate(() => {
      document.body.className = 'vscode-light';
    });
    await page.waitForFunction((bg) => window.__snnLab!.theme().background !== bg, darkBg);
    await waitSettled(page, messages.length);
    assert.equal(await page.evaluate(() => window.__snnLab!.theme().background), '#ffffff');
    assert.equal((await charts(page))['curves:batch_loss']?.datasets, 4);
    await screenshot(page, 'curves-light');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('readable at sidebar width (360 px): one chart per row, no horizontal overflow', async () => {
    const { page, problems } = await open(360, 800);
    await showTab(page, 'layers');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page overflows by ${overflow}px`);
    const widths = await page.$$eval('.tab-layers .card', (cards) =>
      cards.map((c) => c.getBoundingClientRect().width),
    );
    assert.ok(
      widths.every((w) => w > 300),
      widths.join(','),
    );
    await screenshot(page, 'layers-narrow');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('PNG and CSV export post saveFile messages with the chart image and its data', async () => {
    const { page } = await open();
    await page.click('[data-chart="curves:val_loss"] vscode-button:has-text("CSV")');
    await page.click('[data-chart="curves:val_loss"] vscode-button:has-text("PNG")');
    const saved = await page.evaluate(() =>
      window.__snnLabReplayTransport!.posted.flatMap((m) => (m.type === 'saveFile' ? [m] : [])),
    );
    assert.equal(saved.length, 2);
    const csv = saved.find((m) => m.format === 'csv')!;
    assert.equal(csv.fileName, 'curves_val_loss.csv');
    const lines = csv.data.trim().split('\n');
    assert.equal(lines[0], 'run,step,epoch,val_loss');
    assert.equal(
      lines.length - 1,
      finalRuns.reduce((n, r) => n + r.curves.val_loss!.value.length, 0),
    );
    const png = saved.find((m) => m.format === 'png')!;
    assert.match(png.data, /^data:image\/png;base64,/);
    assert.ok(png.data.length > 5000, `png data URL of ${png.data.length} chars`);
    await page.close();
  });
});
