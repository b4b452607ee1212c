/**
 * The series layer of the plot cards (webview/dashboard/charts/seriesLayer.ts): a live push that extends 2 of 12
 * compared runs repaints the Curves card from its kept bitmap plus those runs' lines, and what that draws is what a
 * whole render draws; a run hidden in the legend stays gone after pushes, whether its lines were in the
 * bitmap or painted above it. A push is one `appended` message: 4 runs' new data is drawn in one render.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { sweepSnapshot } from './fixtures';
import { useBrowser, waitSettled } from './harness';
import { colorAlongPath, countColor, mostly } from '../shared/pixels.mjs';

const fx = useBrowser();
const CHART = 'curves:batch_loss';
const snapshot = sweepSnapshot();

async function open(name: string): Promise<Page> {
  fx.server.addStream(name, [snapshot]);
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(fx.server.url('dashboard', name));
  await waitSettled(page, 1);
  return page;
}

/** One push (one message) appending a point to `runs`' batch_loss at `step` (their last value: the y axis stays). */
async function push(page: Page, runs: readonly number[], step: number): Promise<void> {
  const seq = await page.evaluate(() => window.__snnLab!.data().seq);
  const received = await page.evaluate(() => window.__snnLab!.received.length);
  const message: HostToWebview = {
    type: 'appended',
    seq: seq + 1,
    runs: runs.map((k) => {
      const c = snapshot.runs[k]!.curves.batch_loss!;
      return {
        runId: snapshot.runs[k]!.info.runId,
        curves: { batch_loss: { step: [step], epoch: [c.epoch.at(-1)!], value: [c.value.at(-1)!] } },
        frames: [],
        histograms: [],
      };
    }),
  };
  await page.evaluate((msg) => window.__snnLabReplayTransport!.emit(msg), message);
  await waitSettled(page, received + 1);
}

const paintOf = (page: Page): Promise<string | undefined> =>
  page.evaluate((chart) => window.__snnLab!.charts()[chart]?.paint, CHART);

/** Keeps the card's canvas pixels (RGBA, device pixels) in the page, for {@link differing}. */
const keepPixels = (page: Page): Promise<void> =>
  page.evaluate((chart) => {
    const canvas = document.querySelector(`[data-chart="${chart}"] canvas`) as HTMLCanvasElement;
    (window as unknown as { kept: ImageData }).kept = canvas
      .getContext('2d')!
      .getImageData(0, 0, canvas.width, canvas.height);
  }, CHART);

/** Pixels now whose colour differs from the kept ones by more than `by` in any channel, and the pixel count. */
const differing = (page: Page, by: number): Promise<{ diff: number; total: number }> =>
  page.evaluate(
    ({ chart, by }) => {
      const canvas = document.querySelector(`[data-chart="${chart}"] canvas`) as HTMLCanvasElement;
      const a = (window as unknown as { kept: ImageData }).kept;
      const b = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      if (a.width !== b.width || a.height !== b.height) throw new Error('the canvas changed size');
      let diff = 0;
      for (let i = 0; i < a.data.length; i += 4) {
        for (let c = 0; c < 4; c++) {
          if (Math.abs(a.data[i + c]! - b.data[i + c]!) > by) {
            diff++;
            break;
          }
        }
      }
      return { diff, total: a.data.length / 4 };
    },
    { chart: CHART, by },
  );

/** A whole render with nothing changed: hover a run in the legend (full render, others faded), leave it. */
async function fullRender(page: Page, runId: string): Promise<void> {
  await page.hover(`.legend-item[data-run-id="${runId}"] .legend-entry`);
  await page.waitForTimeout(50);
  await page.mouse.move(0, 0);
  await page.waitForFunction((chart) => window.__snnLab!.charts()[chart]?.paint === 'full', CHART);
  await page.evaluate(() => new Promise<void>((ok) => requestAnimationFrame(() => ok())));
}

describe('series layer: a live push repaints the changed runs over the kept bitmap', () => {
  test('pushes to 2 of 12 runs paint from the bitmap, with the pixels of a whole render', async () => {
    const page = await open('layer-equal');
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    // Step 151 grows the x axis to 155 (grownMax): the pushes at 152-154 keep the layout, the only case cached.
    await push(page, [0, 1], 151);
    assert.equal(await paintOf(page), 'full', 'the axis moved: the card is laid out and rendered whole');
    await push(page, [0, 1], 152);
    assert.equal(await paintOf(page), 'cached', 'same axes, only runs 0 and 1 changed');
    await keepPixels(page);
    for (const k of [0, 1, 7]) {
      assert.ok(
        mostly(await colorAlongPath(page, CHART, { label: styles[k]!.label }), 0.5),
        `${styles[k]!.label} is drawn`,
      );
    }
    await fullRender(page, styles[3]!.runId);
    // Tolerance: none needed in principle (the bitmap is copied 1:1 in device pixels and both paths paint the lines
    // in the same order; 0 pixels differed here); 8 levels per channel on 0.1 % of the pixels allow for rounding of
    // another rasteriser only.
    const { diff, total } = await differing(page, 8);
    assert.ok(diff <= total / 1000, `${diff} of ${total} pixels differ`);
    await page.close();
  });

  test('a hidden run stays gone after pushes, painted above the bitmap or in it', async () => {
    const page = await open('layer-hidden');
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    const [hot, cold] = [styles[0]!, styles[5]!];
    assert.ok((await countColor(page, CHART, hot.color, 12)) > 20, `${hot.label} drawn at first`);
    assert.ok((await countColor(page, CHART, cold.color, 12)) > 20, `${cold.label} drawn at first`);
    await push(page, [0, 1], 151);
    await push(page, [0, 1], 152);
    assert.equal(await paintOf(page), 'cached');
    // Run 0 is painted above the bitmap (it changed), run 5 is in it: hide each, then push again.
    await page.uncheck(`.legend-item[data-run-id="${hot.runId}"] input[type=checkbox]`);
    await page.uncheck(`.legend-item[data-run-id="${cold.runId}"] input[type=checkbox]`);
    await waitSettled(page, 1);
    await push(page, [0, 1], 153);
    await push(page, [0, 1], 154);
    assert.equal(await paintOf(page), 'cached', 'the pushes after the hide repaint from the bitmap again');
    assert.equal(await countColor(page, CHART, hot.color, 12), 0, `${hot.label} (hidden) is not drawn`);
    assert.equal(await countColor(page, CHART, cold.color, 12), 0, `${cold.label} (hidden) is not drawn`);
    assert.ok(
      mostly(await colorAlongPath(page, CHART, { label: styles[1]!.label }), 0.5),
      'the other pushed run is drawn',
    );
    // Shown again: back in the next paint.
    await page.check(`.legend-item[data-run-id="${cold.runId}"] input[type=checkbox]`);
    await waitSettled(page, 1);
    await page.evaluate(() => new Promise<void>((ok) => requestAnimationFrame(() => ok())));
    assert.ok((await countColor(page, CHART, cold.color, 12)) > 20, `${cold.label} drawn again`);
    await page.close();
  });
});

describe('one-message push', () => {
  test("a push to 4 of 12 runs is rendered once, and every run's new segment is drawn", async () => {
    const page = await open('push-one');
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    const pushed = [0, 3, 6, 9];
    const idle = styles[5]!;
    // Right of the last old point: an unpushed run's painted path ends there (its last sampled pixel, + 3 px).
    const lastStep = Math.max(...snapshot.runs.map((r) => r.curves.batch_loss!.step.at(-1)!));
    const rendersBefore = await page.evaluate(() => window.__snnLab!.renders.length);
    // Twice the steps: the x axis doubles, so the right part of the plot holds only the new segments.
    await push(page, pushed, lastStep * 2);
    assert.equal(
      (await page.evaluate(() => window.__snnLab!.renders.length)) - rendersBefore,
      1,
      'the 4 runs of the push are drawn in one render',
    );
    const idlePath = await page.evaluate(
      ({ chart, label }) => window.__snnLab!.charts()[chart]?.paths?.find((p) => p.label === label)?.pixels,
      { chart: CHART, label: idle.label },
    );
    assert.ok(idlePath && idlePath.length > 0, `${idle.label} is painted`);
    const from = Math.max(...idlePath.map(([x]) => x)) + 3;
    /** Pixels of `color` (RGB within 40 summed, alpha > 200) right of x = `from` CSS px in the card's canvas. */
    const countRight = (color: string): Promise<number> =>
      page.evaluate(
        ({ chart, color, from }) => {
          const canvas = document.querySelector(`[data-chart="${chart}"] canvas`) as HTMLCanvasElement;
          const ratio = canvas.width / canvas.clientWidth;
          const x0 = Math.ceil(from * ratio);
          const { data } = canvas.getContext('2d')!.getImageData(x0, 0, canvas.width - x0, canvas.height);
          const want = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
          let n = 0;
          for (let i = 0; i < data.length; i += 4) {
            const d = [0, 1, 2].reduce((sum, c) => sum + Math.abs(data[i + c]! - want[c]!), 0);
            if (d <= 40 && data[i + 3]! > 200) n++;
          }
          return n;
        },
        { chart: CHART, color, from },
      );
    for (const k of pushed) {
      // A segment across the right part of the plot is hundreds of pixels long; 20 rules out stray antialiasing.
      const n = await countRight(styles[k]!.color);
      assert.ok(n > 20, `${styles[k]!.label}: ${n} pixels of its new segment`);
    }
    assert.equal(await countRight(idle.color), 0, `${idle.label} (not pushed) has nothing there`);
    await page.close();
  });

  test("a push's progress reaches the table rows of the runs it carries, in place; the other rows are untouched", async () => {
    const page = await open('push-table');
    const pushed = [1, 4];
    const ids = snapshot.runs.map((r) => r.info.runId);
    const stepText = (id: string): Promise<string> =>
      page.evaluate(
        (runId) =>
          [...document.querySelectorAll(`tr[data-run-id="${runId}"] td`)]
            .map((td) => td.textContent ?? '')
            .find((t) => t.endsWith('steps')) ?? '',
        id,
      );
    // Marks every row element: a rebuilt table would lose the marks.
    await page.evaluate(() => {
      for (const tr of document.querySelectorAll<HTMLElement>('tr[data-run-id]')) tr.dataset.kept = 'yes';
    });
    const before = await Promise.all(ids.map(stepText));
    const seq = await page.evaluate(() => window.__snnLab!.data().seq);
    const received = await page.evaluate(() => window.__snnLab!.received.length);
    const message: HostToWebview = {
      type: 'appended',
      seq: seq + 1,
      runs: pushed.map((k) => {
        const run = snapshot.runs[k]!;
        return {
          runId: run.info.runId,
          info: { ...run.info, step: 4_321, totalSteps: 9_000 },
          curves: {},
          frames: [],
          histograms: [],
        };
      }),
    };
    await page.evaluate((msg) => window.__snnLabReplayTransport!.emit(msg), message);
    await waitSettled(page, received + 1);
    const after = await Promise.all(ids.map(stepText));
    ids.forEach((id, k) => {
      if (pushed.includes(k)) assert.equal(after[k], '4322 / 9000 steps', id);
      else assert.equal(after[k], before[k], `${id} unchanged`);
    });
    const kept = await page.evaluate(
      () =>
        [...document.querySelectorAll<HTMLElement>('tr[data-run-id]')].filter((tr) => tr.dataset.kept).length,
    );
    assert.equal(kept, ids.length, 'the rows were updated in place, not rebuilt');
    await page.close();
  });
});
