/**
 * Headless-Chromium tests of the dashboard webview (dist/webview/dashboard.js) under the extension's CSP, driven by
 * a REAL recorded stream (SNN vs ReLU+BN, depth 8; scripts/record-fixture.mjs) through the replay transport. Charts
 * are checked by their pixels: each series' colour must be on the canvas along its path (pixels.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview, RunPayload } from '../../src/protocol/webview';
import { heatRgba } from '../../webview/dashboard/charts/heatmap';
import { readStream, screenshot, waitSettled, watchProblems, useBrowser } from './harness';
import { colorAlongPath, countColor, mostly } from '../shared/pixels.mjs';

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
  await page.click(`[role="tab"][data-tab="${id}"]`);
  await page.waitForFunction((tab) => window.__snnLab?.ui().tab === tab, id);
  await waitSettled(page, messages.length);
}

const charts = (page: Page) => page.evaluate(() => window.__snnLab!.charts());
const ids = finalRuns.map((r) => r.info.runId as string);

describe('dashboard webview (replayed real run pair)', () => {
  test('fixture is a real two-run recording with depth-8 layer statistics', () => {
    assert.equal(finalRuns.length, 2);
    for (const run of finalRuns) {
      assert.equal(run.info.status, 'finished');
      assert.ok(run.frames.length >= 10, `${run.info.name}: ${run.frames.length} frames`);
      assert.equal(run.frames[0]?.units.length, LAYERS);
    }
  });

  test('curves: every run drawn in its colour along its path, with a dot on its last recorded value', async () => {
    const { page, problems } = await open();
    const metrics = [...new Set(finalRuns.flatMap((r) => Object.keys(r.curves)))];
    assert.ok(metrics.includes('batch_loss') && metrics.includes('val_loss'), metrics.join(','));
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    assert.notEqual(styles[0]!.color, styles[1]!.color);
    for (const metric of ['batch_loss', 'val_loss']) {
      for (const s of styles) {
        const along = await colorAlongPath(page, `curves:${metric}`, { label: s.label });
        assert.ok(
          mostly(along),
          `${metric} ${s.label}: ${along.hits}/${along.total} points in ${along.color}`,
        );
        const dot = await colorAlongPath(
          page,
          `curves:${metric}`,
          { label: `${s.label}: last value` },
          { radius: 1 },
        );
        assert.equal(dot.hits, 1, `${metric}: the last value of ${s.label} is marked`);
      }
    }
    await screenshot(page, 'curves');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('layers: statistics vs depth in each run colour, heatmap cells coloured by value, colour bar, step marker', async () => {
    const { page, problems } = await open();
    await showTab(page, 'layers');
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    for (const id of ['layers:mean', 'layers:variance', 'layers:gradNorm']) {
      for (const s of styles) {
        const along = await colorAlongPath(page, id, { run: s.runId });
        assert.ok(mostly(along), `${id} ${s.label}: ${along.hits}/${along.total}`);
      }
    }
    const all = await charts(page);
    assert.equal(all['layers:heatmap']?.cells, finalRuns[0]!.frames.length * LAYERS);
    // A cell's pixel is the colour of its value (the first run's variance of activations at its first step).
    const v0 = finalRuns[0]!.frames[0]!.post.variance[0]!;
    const expected = heatRgba('variance', v0, [0, 1]).slice(0, 3);
    const cell = await page.evaluate(() => {
      const canvas = document.querySelector('[data-chart="layers:heatmap"] canvas') as HTMLCanvasElement;
      const s = window.__snnLab!.charts()['layers:heatmap']!;
      return { s: s.subtitle, w: canvas.width, h: canvas.height };
    });
    assert.match(cell.s ?? '', /marker: step \d+/);
    const found = await countColor(page, 'layers:heatmap', `rgb(${expected.join(', ')})`, 6);
    assert.ok(found > 20, `${found} pixels of the first cell's colour`);
    assert.equal(await page.locator('.color-bar-ticks span').count(), 5);
    await screenshot(page, 'layers');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('distributions: one band chart per run, ridgeline and cross-run overlay in run colours', async () => {
    const { page, problems } = await open();
    await showTab(page, 'distributions');
    await screenshot(page, 'distributions');
    const all = await charts(page);
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    for (const s of styles) {
      const id = `dist:bands:${s.runId}`;
      assert.equal(all[id]?.bands, 8, id);
      const median = await colorAlongPath(page, id, { run: s.runId });
      assert.ok(mostly(median), `${id} median: ${median.hits}/${median.total}`);
      // Where histograms are empty the runs' stepped lines overlap at density 0: the bins above it are checked.
      const overlay = await colorAlongPath(page, 'dist:overlay', { run: s.runId }, { aboveBase: true });
      assert.ok(mostly(overlay, 0.5), `overlay ${s.label}: ${overlay.hits}/${overlay.total}`);
    }
    assert.equal(all['dist:ridgeline']?.datasets, LAYERS);
    const ridge = await colorAlongPath(page, 'dist:ridgeline', { label: 'layer 0' }, { aboveBase: true });
    assert.ok(mostly(ridge), `ridgeline: ${ridge.hits}/${ridge.total}`);
    assert.equal(all['dist:overlay']?.labels.at(-1), 'selu(N(0, 1))');
    await screenshot(page, 'distributions');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('fixed point: trajectories in run colours, fixed point, arrow field from the chosen run', async () => {
    const { page, problems } = await open();
    await showTab(page, 'fixedPoint');
    const plane = (await charts(page))['fixedPoint:plane'];
    assert.ok(plane);
    assert.equal(plane.datasets, 2 * finalRuns.length + 2);
    assert.ok((plane.arrows ?? 0) > 100, `arrows: ${plane.arrows}`);
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    for (const s of styles) {
      const depth = await colorAlongPath(page, 'fixedPoint:plane', { label: `${s.label}: depth` });
      assert.ok(mostly(depth), `${s.label}: ${depth.hits}/${depth.total}`);
    }
    const before = (await page.textContent('.tab-fixed-point .note')) ?? '';
    assert.match(
      before,
      new RegExp(`measured mean weight statistics of ${styles[0]!.label.replace(/[+()]/g, '\\$&')}`),
    );
    await page.selectOption('#fp-run', styles[1]!.runId).catch(async () => {
      await page.evaluate((id) => {
        const sel = document.querySelector('#fp-run') as HTMLElement & { value: string };
        sel.value = id;
        sel.dispatchEvent(new Event('change'));
      }, styles[1]!.runId);
    });
    await page.waitForFunction(() => window.__snnLab!.ui().fpRun !== '');
    await waitSettled(page, messages.length);
    const after = (await page.textContent('.tab-fixed-point .note')) ?? '';
    assert.match(after, new RegExp(`statistics of ${styles[1]!.label.replace(/[+()]/g, '\\$&')}`));
    await screenshot(page, 'fixed-point');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('theory explorer: default SELU map contracts to (0, 1); the tau slider moves the fixed point; no run table', async () => {
    const { page, problems } = await open();
    await showTab(page, 'theory');
    assert.equal(
      await page.locator('.run-header').isVisible(),
      false,
      'the run table is not shown on Theory',
    );
    assert.equal(await page.locator('.legend').isVisible(), false);
    const plane = (await charts(page))['theory:plane'];
    assert.equal(plane?.datasets, 5);
    assert.equal(plane?.arrows, 14 * 14);
    const before = (await page.textContent('.tab-theory .readout')) ?? '';
    assert.match(before, /Fixed point \(μ\*, ν\*\) = \(0, 1\)/);
    assert.match(before, /< 1: contraction/);
    assert.match(before, /Theorem 1 \(stable and attracting fixed point\): conditions hold/);
    await page.focus('#theory-tau');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => window.__snnLab!.ui().theory.tau < 0.96);
    await waitSettled(page, messages.length);
    const afterText = (await page.textContent('.tab-theory .readout')) ?? '';
    assert.match(afterText, /τ = 0\.95(?!\d)/);
    assert.doesNotMatch(afterText, /= \(0, 1\)/);
    await screenshot(page, 'theory');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('legend: hover dims the other run, click isolates (its colour alone stays), the checkbox hides a run', async () => {
    const { page, problems } = await open();
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    const [a, b] = styles as [(typeof styles)[0], (typeof styles)[0]];
    const chart = 'curves:val_loss';
    const bBefore = await countColor(page, chart, b.color);
    assert.ok(bBefore > 30, `${bBefore} px of ${b.label}`);
    await page.hover(`.legend-item[data-run-id="${a.runId}"] .legend-entry`);
    await page.waitForFunction(() => window.__snnLab!.charts()['curves:val_loss'] !== undefined);
    await page.waitForTimeout(100);
    const bDimmed = await countColor(page, chart, b.color);
    assert.ok(bDimmed < bBefore / 4, `hovering ${a.label} dims ${b.label}: ${bBefore} -> ${bDimmed} px`);
    assert.ok(mostly(await colorAlongPath(page, chart, { label: a.label })), 'the hovered run stays bright');
    await page.mouse.move(0, 0);
    await page.click(`.legend-item[data-run-id="${a.runId}"] .legend-entry`);
    await waitSettled(page, messages.length);
    assert.deepEqual((await charts(page))[chart]?.runs, [a.runId]);
    assert.equal(await countColor(page, chart, b.color), 0, 'the other run is gone');
    assert.ok((await countColor(page, chart, a.color)) > 30);
    await page.click(`.legend-item[data-run-id="${a.runId}"] .legend-entry`);
    await page.uncheck(`.legend-item[data-run-id="${b.runId}"] input[type=checkbox]`);
    await waitSettled(page, messages.length);
    assert.equal(await countColor(page, chart, b.color), 0, 'a hidden run is not drawn');
    assert.ok((await countColor(page, chart, a.color)) > 30);
    assert.match((await page.textContent('.legend-status')) ?? '', /1 of 2 runs shown/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('keyboard: the tabs follow the WAI-ARIA pattern (one tab stop, arrows and Home/End switch, Space selects)', async () => {
    const { page } = await open();
    const stops = await page.$$eval('[role="tab"]', (tabs) => tabs.map((t) => (t as HTMLElement).tabIndex));
    assert.deepEqual(stops, [0, -1, -1, -1, -1, -1]);
    await page.focus('[role="tab"][data-tab="curves"]');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.__snnLab!.ui().tab === 'layers');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-tab')), 'layers');
    await page.keyboard.press('End');
    await page.waitForFunction(() => window.__snnLab!.ui().tab === 'theory');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.__snnLab!.ui().tab === 'curves');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => window.__snnLab!.ui().tab === 'curves');
    assert.equal(await page.getAttribute('[data-tab="curves"][role="tab"]', 'aria-selected'), 'true');
    await page.close();
  });

  test('each statistics tab keeps its own "Values" choice; the step slider announces the step', async () => {
    const { page } = await open();
    await showTab(page, 'layers');
    await page.evaluate(() => {
      const sel = document.querySelector('#layers-quantity') as HTMLElement & { value: string };
      sel.value = 'pre';
      sel.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => window.__snnLab!.ui().layersQuantity === 'pre');
    assert.equal(await page.evaluate(() => window.__snnLab!.ui().distQuantity), 'post');
    await waitSettled(page, messages.length);
    assert.match((await charts(page))['layers:mean']?.title ?? '', /pre-activations/);
    // Issue 16 item 5: nets with BatchNorm/LayerNorm record the normalised value, so the label must not say "Wx + b".
    const preLabel = await page.$eval(
      '#layers-quantity',
      (sel) => [...sel.querySelectorAll('option')].find((o) => o.value === 'pre')?.textContent ?? '',
    );
    assert.match(preLabel, /after any norm/);
    assert.doesNotMatch(preLabel, /Wx \+ b/);
    const slider = await page.$eval('#layers-step', (i) => ({
      text: i.getAttribute('aria-valuetext'),
      shown: i.parentElement?.querySelector('output')?.textContent,
    }));
    assert.equal(slider.text, `step ${slider.shown}`);
    await page.close();
  });

  test('deselecting a run in the picker posts selectRuns and drops its lines', async () => {
    const { page } = await open();
    await page.click('.picker summary');
    await page.click(`#pick-${ids[1]}`);
    await page.waitForFunction(() => window.__snnLab!.data().selected.length === 1);
    await waitSettled(page, messages.length + 1);
    const posted = await page.evaluate(() => window.__snnLabReplayTransport!.posted.map((m) => m.type));
    assert.ok(posted.includes('selectRuns'), posted.join(','));
    assert.deepEqual((await charts(page))['curves:val_loss']?.runs, [ids[0]]);
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
      runs: [{ runId, curves: {}, frames: [{ ...frame, step }], histograms: [] }],
    });
    await page.evaluate((m) => window.__snnLabReplayTransport!.emit(m), appended(seq + 2, frame.step + 500));
    await page.waitForFunction(() => window.__snnLabReplayTransport!.posted.some((m) => m.type === 'resync'));
    await page.waitForFunction(
      (s) => window.__snnLab!.data().seq > s + 2 && !window.__snnLab!.data().needsResync,
      seq,
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

  test('theme change: the light palette is used and the charts are drawn in it', async () => {
    const { page, problems } = await open();
    await page.evaluate(() => {
      document.body.className = 'vscode-light';
    });
    await page.waitForFunction(() => window.__snnLab!.theme().kind === 'light');
    await waitSettled(page, messages.length);
    const { LIGHT_PALETTE } = await import('../../webview/shared/palette');
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    for (const s of styles) {
      assert.ok((LIGHT_PALETTE as readonly string[]).includes(s.color), s.color);
      assert.ok(mostly(await colorAlongPath(page, 'curves:batch_loss', { label: s.label })));
    }
    await screenshot(page, 'curves-light');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('readable at sidebar width (360 px): one chart per row, no horizontal overflow, titles wrap', async () => {
    const { page, problems } = await open(360, 800);
    await showTab(page, 'layers');
    await screenshot(page, 'layers-narrow');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page overflows by ${overflow}px`);
    const cut = await page.$$eval('.card-title, .card-subtitle', (els) =>
      els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent),
    );
    assert.deepEqual(cut, [], 'no title is cut');
    await screenshot(page, 'layers-narrow');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('PNG export: at least 2x device pixels, opaque theme background, title drawn; CSV of the data', async () => {
    const { page } = await open();
    await page.click('[data-chart="curves:val_loss"] button:has-text("CSV")');
    await page.click('[data-chart="curves:val_loss"] button:has-text("PNG")');
    const saved = await page.evaluate(() =>
      window.__snnLabReplayTransport!.posted.flatMap((m) => (m.type === 'saveFile' ? [m] : [])),
    );
    const csv = saved.find((m) => m.format === 'csv')!;
    assert.equal(csv.data.trim().split('\n')[0], 'run,step,epoch,val_loss');
    const png = saved.find((m) => m.format === 'png')!;
    const image = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const corner = [...ctx.getImageData(1, 1, 1, 1).data];
      const box = document.querySelector('[data-chart="curves:val_loss"] canvas')!.getBoundingClientRect();
      // Title text: some pixel in the top band differs from the background.
      const band = ctx.getImageData(0, 0, c.width, 30).data;
      let ink = 0;
      for (let i = 0; i < band.length; i += 4) if (Math.abs(band[i]! - corner[0]!) > 60) ink++;
      return { w: img.width, h: img.height, cssW: box.width, cssH: box.height, corner, ink };
    }, png.data);
    assert.ok(image.w >= 2 * image.cssW - 2, `${image.w} px wide for ${image.cssW} CSS px`);
    assert.ok(image.h >= 2 * image.cssH, `${image.h} px high (chart ${image.cssH} CSS px + title)`);
    assert.deepEqual(image.corner, [31, 31, 31, 255], 'opaque editor background (#1f1f1f)');
    assert.ok(image.ink > 50, `title drawn (${image.ink} ink pixels)`);
    await page.close();
  });
});
