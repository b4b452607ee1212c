/**
 * The "Wx + b (before norm)" Values choice in headless Chromium: offered on Layers and Distributions only while a
 * compared run recorded W x + b before its BatchNorm/LayerNorm, and when chosen it draws that series (the pixels of
 * the run's colour along its path). The data: the real SNN vs ReLU+BN recording, whose ReLU+BN run gets a W x + b
 * series derived from its pre-activations (mean + 0.5, variance x 3: a line apart from the one "pre" draws).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { FrameColumns, HostToWebview, RunPayload } from '../../src/protocol/webview';
import { realSnapshot, type Snapshot } from './fixtures';
import { choose, screenshot, useBrowser, waitSettled, watchProblems } from './harness';
import { colorAlongPath, mostly } from '../shared/pixels.mjs';

const fx = useBrowser();

function withLinear(run: RunPayload): RunPayload {
  const frames = run.frames.map((f): FrameColumns => ({
    ...f,
    linear: {
      ...f.pre,
      mean: f.pre.mean.map((v) => v + 0.5),
      variance: f.pre.variance.map((v) => v * 3),
      percentiles: f.pre.percentiles.map((p) => p.map((v) => v + 0.5)),
    },
  }));
  return { ...run, frames, histograms: run.histograms.map((h) => ({ ...h, linear: h.pre })) };
}

function snapshots(): { normalised: Snapshot; plain: Snapshot; bnRun: string } {
  const real = realSnapshot();
  const isBn = (r: RunPayload): boolean => r.info.layers.some((l) => l.normalization !== 'none');
  const bn = real.runs.find(isBn);
  assert.ok(bn, 'the recording has a BatchNorm run');
  const plain = real.runs.filter((r) => !isBn(r));
  return {
    normalised: { ...real, runs: real.runs.map((r) => (isBn(r) ? withLinear(r) : r)) },
    plain: {
      ...real,
      allRuns: plain.map((r) => r.info),
      runs: plain,
      selected: plain.map((r) => r.info.runId),
    },
    bnRun: bn.info.runId,
  };
}

async function open(name: string, messages: HostToWebview[]): Promise<{ page: Page; problems: string[] }> {
  fx.server.addStream(name, messages);
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('dashboard', name));
  await waitSettled(page, messages.length);
  return { page, problems };
}

async function showTab(page: Page, id: string): Promise<void> {
  await page.click(`[role="tab"][data-tab="${id}"]`);
  await page.waitForFunction((tab) => window.__snnLab?.ui().tab === tab, id);
  await waitSettled(page, 1);
}

const options = (page: Page, selector: string): Promise<string[]> =>
  page.$eval(selector, (sel) => [...sel.querySelectorAll('option')].map((o) => o.value));

describe('Values: Wx + b (before norm)', () => {
  test('Layers draws W x + b of the normalised run when chosen; Distributions offers it with its own choice', async () => {
    const { normalised, bnRun } = snapshots();
    const { page, problems } = await open('linear-bn', [normalised]);
    await showTab(page, 'layers');
    assert.deepEqual(await options(page, '#layers-quantity'), ['post', 'pre', 'linear']);
    await choose(page, '#layers-quantity', 'linear');
    await page.waitForFunction(() => window.__snnLab!.ui().layersQuantity === 'linear');
    await waitSettled(page, 1);
    const all = await page.evaluate(() => window.__snnLab!.charts());
    assert.match(all['layers:variance']?.title ?? '', /Wx \+ b \(before norm\)/);
    for (const chart of ['layers:mean', 'layers:variance']) {
      const along = await colorAlongPath(page, chart, { run: bnRun });
      assert.ok(mostly(along), `${chart}: ${along.hits}/${along.total} points in ${along.color}`);
    }
    // The drawn values are the W x + b series (variance x 3 of pre), not the pre-activations.
    const drawn = await page.evaluate(
      (run) => window.__snnLab!.charts()['layers:variance']?.paths?.find((p) => p.run === run)?.pixels.length,
      bnRun,
    );
    assert.equal(drawn, 8, 'one point per hidden layer');
    await screenshot(page, 'layers-linear');

    await showTab(page, 'distributions');
    assert.deepEqual(await options(page, '#dist-quantity'), ['post', 'pre', 'linear']);
    assert.equal(await page.evaluate(() => window.__snnLab!.ui().distQuantity), 'post');
    await choose(page, '#dist-quantity', 'linear');
    await page.waitForFunction(() => window.__snnLab!.ui().distQuantity === 'linear');
    await waitSettled(page, 1);
    const bands = `dist:bands:${bnRun}`;
    const dist = await page.evaluate(() => window.__snnLab!.charts());
    assert.equal(dist[bands]?.bands, 8, bands);
    assert.match(dist[bands]?.subtitle ?? '', /Wx \+ b/);
    const median = await colorAlongPath(page, bands, { run: bnRun });
    assert.ok(mostly(median), `${bands} median: ${median.hits}/${median.total}`);
    const overlay = await colorAlongPath(page, 'dist:overlay', { run: bnRun }, { aboveBase: true });
    assert.ok(mostly(overlay, 0.5), `overlay: ${overlay.hits}/${overlay.total}`);
    await screenshot(page, 'distributions-linear');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('runs without a norm do not offer it; a choice made while one was compared falls back to pre-activations', async () => {
    const { normalised, plain } = snapshots();
    const { page, problems } = await open('linear-then-plain', [normalised]);
    await showTab(page, 'layers');
    await choose(page, '#layers-quantity', 'linear');
    await page.waitForFunction(() => window.__snnLab!.ui().layersQuantity === 'linear');
    // The normalised run leaves the comparison: only runs without a norm remain.
    await page.evaluate((m) => window.__snnLabReplayTransport!.emit(m), {
      ...plain,
      seq: normalised.seq + 1,
      tab: undefined,
    } as HostToWebview);
    await waitSettled(page, 2);
    assert.deepEqual(await options(page, '#layers-quantity'), ['post', 'pre']);
    const title = await page.evaluate(() => window.__snnLab!.charts()['layers:variance']?.title ?? '');
    assert.match(title, /pre-activations/);
    await showTab(page, 'distributions');
    assert.deepEqual(await options(page, '#dist-quantity'), ['post', 'pre']);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
