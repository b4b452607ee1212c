/**
 * A PyTorch run (test/fixtures/run-store/pytorch, written by the snn_lab package) beside a real SNN Lab run (the
 * recorded snn-vs-relu stream) in one dashboard: the payload is built by the host's own code (RunStore ->
 * RunSeries, as the dashboard feed does), then every tab is checked in headless Chromium — header facts (source, versions, device, pitfalls),
 * the model's layers and hyperparameters as colour-by keys, Curves, Layers (every Linear layer), Distributions and the Fixed point plane.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { toRunInfo } from '../../src/host/webviews/payload';
import { RunSeries } from '../../src/host/webviews/runSeries';
import type { HostToWebview, RunPayload } from '../../src/protocol/webview';
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import { RunStore } from '../../src/runs/runStore';
import { repoRoot } from '../shared/runStoreSchemas';
import { readStream, screenshot, useBrowser, waitSettled, watchProblems } from './harness';
import { join } from 'node:path';

const recorded = readStream('snn-vs-relu').at(-1);
if (recorded?.type !== 'snapshot') throw new Error('snn-vs-relu.jsonl must end with its final snapshot');
const tfjs = recorded.runs[0] as RunPayload;
const store = new RunStore(join(repoRoot(), 'test', 'fixtures', 'run-store', 'pytorch'));
const meta = store.list().find((m) => m.name === 'fixture-train');
const data = meta ? store.read(meta.runId) : undefined;
if (!data) throw new Error('the fixture-train PyTorch run is missing or unreadable');
const BUDGET = { frames: 300, histograms: 32, curvePoints: 1000 };
const series = new RunSeries(data.meta.runId, data.meta, store);
let torch: RunPayload;
let snapshot: HostToWebview;
before(async () => {
  await series.load(BUDGET);
  torch = series.payload(BUDGET);
  snapshot = {
    type: 'snapshot',
    seq: 1,
    protocolVersion: PROTOCOL_VERSION,
    allRuns: [tfjs.info, toRunInfo(data.meta)],
    selected: [tfjs.info.runId, torch.info.runId],
    runs: [tfjs, torch],
  };
});
const TORCH_LAYERS = 3;
const STREAM = 'tfjs-and-pytorch';

const fx = useBrowser();

async function open(): Promise<{ page: Page; problems: string[] }> {
  fx.server.addStream(STREAM, [snapshot]);
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('dashboard', STREAM));
  await waitSettled(page, 1);
  return { page, problems };
}

async function showTab(page: Page, id: string): Promise<void> {
  await page.click(`[role="tab"][data-tab="${id}"]`);
  await page.waitForFunction((tab) => window.__snnLab?.ui().tab === tab, id);
  await waitSettled(page, 1);
}

const charts = (page: Page) => page.evaluate(() => window.__snnLab!.charts());

describe('dashboard with a PyTorch run beside an SNN Lab run', () => {
  test('the header names the source, its versions and device and the pitfalls; setup keys colour runs', async () => {
    const { page, problems } = await open();
    const backends = await page.$$eval('.run-header table.runs td.backend', (cells) =>
      cells.map((c) => ({ text: c.textContent ?? '', title: (c as HTMLElement).title })),
    );
    assert.equal(backends[0]?.text, 'wasm');
    assert.match(backends[1]?.text ?? '', /^pytorch: torch \S+, python [\d.]+ · cpu$/);
    assert.match(backends[1]?.title ?? '', /snn_lab \d/);
    const warnings = await page.$$eval('.run-header ul.warnings li', (items) =>
      items.map((i) => i.textContent),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^fixture-train\b[^:]*: \[selu-batchnorm\] module '4' \(BatchNorm1d\)/);
    const keys = await page.evaluate(() => window.__snnLab!.styles().keys);
    assert.ok(keys.includes('hyperparameters.lr'), keys.join(', '));
    assert.ok(keys.includes('model.depth'), keys.join(', '));
    await screenshot(page, 'pytorch-header');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('curves: the logged loss and epoch metrics of both runs', async () => {
    const { page, problems } = await open();
    const all = await charts(page);
    assert.equal(all['curves:batch_loss']?.datasets, 6, 'raw + smoothed + last-value dot per run');
    const points = all['curves:batch_loss']?.points ?? [];
    assert.equal(points[3], torch.curves.batch_loss?.value.length, "the PyTorch run's raw loss, every point");
    assert.ok(all['curves:accuracy'], 'the PyTorch run logged accuracy');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('layers: every Linear layer of the PyTorch run, every hidden layer of the SNN Lab run', async () => {
    const { page, problems } = await open();
    await showTab(page, 'layers');
    const all = await charts(page);
    const tfjsLayers = tfjs.frames[0]?.units.length ?? 0;
    for (const id of ['layers:mean', 'layers:variance', 'layers:gradNorm']) {
      assert.deepEqual(all[id]?.points, [tfjsLayers, TORCH_LAYERS], id);
    }
    await screenshot(page, 'pytorch-layers');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('distributions and the fixed point plane draw the PyTorch run too', async () => {
    const { page, problems } = await open();
    await showTab(page, 'distributions');
    const dist = await charts(page);
    assert.equal(dist[`dist:bands:${tfjs.info.runId}`]?.points[0], tfjs.frames.length);
    assert.equal(dist[`dist:bands:${torch.info.runId}`]?.points[0], torch.frames.length);
    assert.equal(dist['dist:overlay']?.datasets, 3, 'one histogram per run + the reference');
    await showTab(page, 'fixedPoint');
    const plane = (await charts(page))['fixedPoint:plane'];
    // The plane shows layers followed by an activation: the PyTorch output layer (logits) is left out.
    assert.equal(plane?.points[2], TORCH_LAYERS - 1);
    await screenshot(page, 'pytorch-fixed-point');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
