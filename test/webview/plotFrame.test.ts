/**
 * The plot cards' own frame (webview/dashboard/charts/plotFrame.ts, plotSurface.ts, plotLegend.ts), read back from
 * the canvas pixels of the replayed real run pair: axis borders, grid lines and tick labels drawn where the layout
 * says, a log axis on decades, the DOM legend of reference lines hiding and showing its series (mouse and keyboard),
 * a resized window laid out again, and the PNG export at >= 2x with the series and the legend in it (kept as
 * test-artifacts/webview/export-fixed-point.png).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, readStream, useBrowser, waitSettled, watchProblems } from './harness';
import { colorAlongPath, colorAtPoints, mostly, rgbOf } from '../shared/pixels.mjs';

const STREAM = 'snn-vs-relu';
const messages = readStream(STREAM);
const fx = useBrowser();

async function open(tab?: string): Promise<{ page: Page; problems: string[] }> {
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('dashboard', STREAM));
  await waitSettled(page, messages.length);
  if (tab) {
    await page.click(`[role="tab"][data-tab="${tab}"]`);
    await page.waitForFunction((t) => window.__snnLab?.ui().tab === t, tab);
    await waitSettled(page, messages.length);
  }
  return { page, problems };
}

const summaryOf = (page: Page, chart: string) => page.evaluate((id) => window.__snnLab!.charts()[id]!, chart);
const nextFrame = (page: Page) =>
  page.evaluate(() => new Promise<void>((ok) => requestAnimationFrame(() => ok())));

/** Counts of frame pixels on a chart's canvas: its borders, full-width grid rows and label ink beside the area. */
function frameInk(page: Page, chart: string, grid: string) {
  return page.evaluate(
    ({ chart, want }) => {
      const canvas = document.querySelector(`[data-chart="${chart}"] canvas`) as HTMLCanvasElement;
      const f = window.__snnLab!.charts()[chart]!.frame!;
      const r = canvas.width / canvas.clientWidth;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const px = (x: number, y: number) => (Math.floor(y * r) * canvas.width + Math.floor(x * r)) * 4;
      const isGrid = (i: number) =>
        Math.abs(data[i]! - want[0]) + Math.abs(data[i + 1]! - want[1]) + Math.abs(data[i + 2]! - want[2]) <
          30 && data[i + 3]! > 200;
      const inked = (x0: number, x1: number, y0: number, y1: number) => {
        let n = 0;
        for (let y = Math.max(0, y0); y < y1; y++) {
          for (let x = Math.max(0, x0); x < x1; x++) if (data[px(x, y) + 3]! > 100) n++;
        }
        return n;
      };
      let left = 0;
      for (let y = Math.ceil(f.top); y < f.bottom; y++) if (isGrid(px(f.left, y))) left++;
      let bottom = 0;
      for (let x = Math.ceil(f.left); x < f.right; x++) if (isGrid(px(x, f.bottom))) bottom++;
      let rows = 0;
      for (let y = Math.ceil(f.top); y < f.bottom - 2; y++) {
        let n = 0;
        for (let x = Math.ceil(f.left) + 1; x < f.right; x++) if (isGrid(px(x, y))) n++;
        if (n > 0.8 * (f.right - f.left - 1)) rows++;
      }
      return {
        height: f.bottom - f.top,
        width: f.right - f.left,
        left,
        bottom,
        rows,
        yLabels: inked(Math.floor(f.left) - 30, Math.floor(f.left) - 7, f.top - 6, f.bottom + 6),
        xLabels: inked(f.left, f.right, Math.ceil(f.bottom) + 7, Math.ceil(f.bottom) + 22),
      };
    },
    { chart, want: rgbOf(grid) },
  );
}

describe('plot frame (our own axes, legend and export)', () => {
  test('axes: borders, grid rows and tick labels are drawn at the edges of the plot area', async () => {
    const { page, problems } = await open();
    const grid = await page.evaluate(() => window.__snnLab!.theme().grid);
    const ink = await frameInk(page, 'curves:batch_loss', grid);
    assert.ok(ink.left >= 0.9 * ink.height, `left border: ${ink.left} of ${ink.height} rows`);
    assert.ok(ink.bottom >= 0.9 * ink.width, `bottom border: ${ink.bottom} of ${ink.width} columns`);
    assert.ok(ink.rows >= 3, `${ink.rows} horizontal grid lines`);
    assert.ok(ink.yLabels > 40, `y tick label ink: ${ink.yLabels} px`);
    assert.ok(ink.xLabels > 40, `x tick label ink: ${ink.xLabels} px`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a log axis is laid out on whole decades and its series drawn along their paths', async () => {
    const { page, problems } = await open('layers');
    const s = await summaryOf(page, 'layers:gradNorm');
    const [lo, hi] = s.y!;
    assert.ok(Number.isInteger(Math.log10(lo)) && Number.isInteger(Math.log10(hi)), `y range ${lo}..${hi}`);
    for (const run of s.runs ?? []) {
      const along = await colorAlongPath(page, 'layers:gradNorm', { run });
      assert.ok(mostly(along), `${run}: ${along.hits}/${along.total}`);
    }
    const grid = await page.evaluate(() => window.__snnLab!.theme().grid);
    const ink = await frameInk(page, 'layers:gradNorm', grid);
    assert.ok(ink.rows >= 2 && ink.yLabels > 40, JSON.stringify(ink));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the legend of reference lines is a row of buttons: a click hides its series, another shows it', async () => {
    const { page, problems } = await open('fixedPoint');
    const chart = 'fixedPoint:plane';
    const entries = page.locator(`[data-chart="${chart}"] .plot-legend-entry`);
    const labels = await entries.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.label!));
    assert.ok(labels.includes('fixed point (0, 1)'), labels.join(' | '));
    for (const [k, label] of labels.entries()) {
      const path = (await summaryOf(page, chart)).paths!.find((p) => p.label === label)!;
      const at = (): Promise<number> => colorAtPoints(page, chart, path.pixels, path.color, { radius: 2 });
      assert.ok(path.pixels.length > 0 && (await at()) === path.pixels.length, `${label} drawn`);
      await entries.nth(k).click();
      await nextFrame(page);
      assert.equal(await entries.nth(k).getAttribute('aria-pressed'), 'false');
      assert.equal(await at(), 0, `${label} hidden: its colour is gone from its points`);
      // Back with the keyboard: the entry is a focusable button.
      await entries.nth(k).focus();
      await page.keyboard.press('Enter');
      await nextFrame(page);
      assert.equal(await entries.nth(k).getAttribute('aria-pressed'), 'true');
      assert.equal(await at(), path.pixels.length, `${label} shown again`);
    }
    // Run lines have no entry here: the dashboard's run legend names them.
    assert.equal(await page.locator('[data-chart="curves:batch_loss"] .plot-legend-entry').count(), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a resized window lays the cards out again: a new frame, the bitmap at the new size, series inside', async () => {
    const { page, problems } = await open();
    const chart = 'curves:val_loss';
    const first = await summaryOf(page, chart);
    const before = first.frame!;
    await page.setViewportSize({ width: 760, height: 900 });
    await page.waitForFunction(({ id, right }) => window.__snnLab!.charts()[id]!.frame!.right !== right, {
      id: chart,
      right: before.right,
    });
    await nextFrame(page);
    const s = await summaryOf(page, chart);
    const size = await page.evaluate((id) => {
      const c = document.querySelector(`[data-chart="${id}"] canvas`) as HTMLCanvasElement;
      const box = c.getBoundingClientRect();
      return { w: c.width, h: c.height, cssW: box.width, cssH: box.height, dpr: devicePixelRatio };
    }, chart);
    assert.ok(Math.abs(size.w - size.cssW * size.dpr) <= 1 && Math.abs(size.h - size.cssH * size.dpr) <= 1);
    assert.ok(s.frame!.right <= size.cssW && s.frame!.right !== before.right, JSON.stringify(s.frame));
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    for (const st of styles) {
      const path = s.paths!.find((p) => p.label === st.label)!;
      // Every sampled point still inside the plot area (the summary keeps only those), at new positions.
      const old = first.paths!.find((p) => p.label === st.label)!;
      assert.equal(path.pixels.length, old.pixels.length, `${st.label}: points inside the new frame`);
      assert.notDeepEqual(path.pixels, old.pixels);
      // The smoothed curve of each run (the faint raw ones are too light to match by colour).
      const along = await colorAlongPath(page, chart, { label: st.label });
      assert.ok(mostly(along), `${st.label}: ${along.hits}/${along.total}`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('PNG export: >= 2x the CSS size, with the series colours and the legend swatches', async () => {
    const { page } = await open('fixedPoint');
    const chart = 'fixedPoint:plane';
    await page.click(`[data-chart="${chart}"] button:has-text("PNG")`);
    const saved = await page.evaluate(() =>
      window.__snnLabReplayTransport!.posted.flatMap((m) => (m.type === 'saveFile' ? [m] : [])),
    );
    const png = saved.find((m) => m.format === 'png')!;
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'export-fixed-point.png'), Buffer.from(png.data.split(',')[1]!, 'base64'));
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    const warning = await page.evaluate(() => window.__snnLab!.theme().warning);
    const image = await page.evaluate(
      async ({ url, id, colors }) => {
        const img = new Image();
        img.src = url;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const box = document.querySelector(`[data-chart="${id}"] canvas`)!.getBoundingClientRect();
        const plotTop = img.height - Math.round(2 * box.height);
        const count = (rgb: number[], y0: number, y1: number) => {
          const d = ctx.getImageData(0, y0, c.width, y1 - y0).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) {
            const diff =
              Math.abs(d[i]! - rgb[0]!) + Math.abs(d[i + 1]! - rgb[1]!) + Math.abs(d[i + 2]! - rgb[2]!);
            if (diff < 30) n++;
          }
          return n;
        };
        return {
          w: img.width,
          h: img.height,
          cssW: box.width,
          cssH: box.height,
          runs: colors.runs.map((rgb) => count(rgb, plotTop, img.height)),
          swatch: count(colors.warning, 0, plotTop),
        };
      },
      {
        url: png.data,
        id: chart,
        colors: { runs: styles.map((s) => rgbOf(s.color)), warning: rgbOf(warning) },
      },
    );
    assert.ok(image.w >= 2 * image.cssW - 2, `${image.w} px wide for ${image.cssW} CSS px`);
    assert.ok(image.h >= 2 * image.cssH, `${image.h} px high for ${image.cssH} CSS px`);
    for (const n of image.runs) assert.ok(n > 100, `run colour pixels in the plot: ${image.runs.join(', ')}`);
    assert.ok(image.swatch > 100, `legend swatch pixels above the plot: ${image.swatch}`);
    await page.close();
  });
});
