/**
 * DashboardFeed and the payload builders over a REAL RunStore in a temp directory: what the dashboard receives
 * (snapshot budgets, thinning, histograms split off) and which store change becomes which delta.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { expandRuns } from '../../../src/core/config/expand';
import { parseExperiment } from '../../../src/core/config/parse';
import { RunStore } from '../../../src/runs/runStore';
import type { RunChange } from '../../../src/runs/runTypes';
import { DashboardFeed } from '../../../src/host/webviews/dashboardFeed';
import { BUDGET, budgetFor, share, toSidebarRun } from '../../../src/host/webviews/payload';
import { SidebarRows } from '../../../src/host/webviews/sidebarRows';
import type { RunId } from '../../../src/protocol/ids';
import type { Distribution } from '../../../src/core/statisticsTypes';
import type { LayerStats } from '../../../src/protocol/stats';

const fixture = join(process.cwd(), 'test', 'fixtures', 'streams', 'snn-vs-relu.snn.json');
const parsed = parseExperiment(readFileSync(fixture, 'utf8'), fixture);
if (!parsed.file) throw new Error(JSON.stringify(parsed.problems));
const plans = expandRuns(parsed.file);
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newStore(): RunStore {
  const dir = mkdtempSync(join(tmpdir(), 'snn-feed-'));
  dirs.push(dir);
  return new RunStore(dir, { progressFlushMs: 0 });
}

function dist(mean: number, variance: number): Distribution {
  const sd = Math.sqrt(variance);
  return {
    mean,
    variance,
    min: mean - 3 * sd,
    max: mean + 3 * sd,
    percentiles: [-3, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 3].map((z) => mean + z * sd),
    histogram: {
      lo: -5,
      hi: 5,
      counts: Array.from({ length: 40 }, (_, i) => 100 - Math.abs(20 - i)),
      under: 0,
      over: 1,
    },
  };
}

function layers(step: number): LayerStats[] {
  return Array.from({ length: 8 }, (_, layer) => ({
    layer,
    units: 64,
    pre: dist(0, 1 + step * 1e-4),
    post: dist(0.01 * layer, 1),
    saturated: 0,
    dead: 0,
    weights: { mean: 0, variance: 1 / 64, omegaMean: 0.01, omegaStd: 0.1, tauMean: 1, tauStd: 0.05 },
    gradNorm: 1 + layer,
    updateRatio: 1e-3,
  }));
}

function startRuns(store: RunStore): RunId[] {
  return plans.map((plan) => {
    const id = store.create(plan, { experiment: fixture, mode: 'train' });
    store.setStatus(id, 'running');
    store.record(id, {
      type: 'started',
      runId: id,
      layers: layers(0).map((l) => ({
        layer: l.layer,
        units: 64,
        fanIn: 64,
        activation: 'selu',
        normalization: 'none',
        dropout: 'alpha',
      })),
      totalSteps: 2000,
      stepsPerEpoch: 400,
      samples: { train: 800, validation: 100, test: 200 },
      features: 784,
      classes: 10,
    });
    return id;
  });
}

function report(store: RunStore, id: RunId, steps: number): void {
  for (let step = 0; step < steps; step++) {
    store.record(id, {
      type: 'progress',
      runId: id,
      step,
      epoch: Math.floor(step / 400),
      loss: 2 - step / steps,
      samplesPerSec: 1000,
    });
    store.record(id, {
      type: 'layerStats',
      runId: id,
      step,
      epoch: Math.floor(step / 400),
      layers: layers(step),
    });
  }
}

describe('payload budgets', () => {
  test('the frame budget is shared by the compared runs within [min, max]', () => {
    assert.equal(share(640, 1, { min: 32, max: 300 }), 300);
    assert.equal(share(640, 16, { min: 32, max: 300 }), 40);
    assert.equal(share(640, 64, { min: 32, max: 300 }), 32);
    assert.deepEqual(budgetFor(2), { frames: 300, histograms: 32 });
    assert.deepEqual(budgetFor(16), { frames: 40, histograms: 6 });
  });
});

describe('DashboardFeed over a real RunStore', () => {
  test('without a selection the newest runs are shown; a snapshot thins 1,000 reports to the budget', () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 1000);
    const feed = new DashboardFeed(store);
    feed.select(undefined);
    assert.deepEqual([...feed.selection].sort(), [...ids].sort());
    const snap = feed.snapshot('layers');
    assert.equal(snap.type, 'snapshot');
    if (snap.type !== 'snapshot') return;
    assert.equal(snap.tab, 'layers');
    assert.equal(snap.allRuns.length, 2);
    const run = snap.runs.find((r) => r.info.runId === ids[0])!;
    const budget = budgetFor(2);
    assert.equal(run.frames.length, budget.frames);
    assert.equal(run.frames[0]!.step, 0);
    assert.equal(run.frames.at(-1)!.step, 999);
    assert.equal(run.histograms.length, budget.histograms);
    assert.equal(run.frames[0]!.pre.mean.length, 8, 'one column entry per hidden layer');
    assert.ok(!('histogram' in run.frames[0]!.pre), 'frames carry no histograms');
    assert.equal(run.histograms[0]!.post.length, 8);
    assert.ok(run.curves.batch_loss!.value.length <= BUDGET.curvePoints);
    // Fractional epoch = step / (totalSteps / epochs) = step / (2000 / 5).
    const c = run.curves.batch_loss!;
    assert.equal(c.epoch.at(-1), c.step.at(-1)! / 400);
    assert.equal(run.info.config?.model.depth, 8);
  });

  test('store changes become deltas for selected runs, info for others, snapshots for status changes', () => {
    const store = newStore();
    const ids = startRuns(store);
    const feed = new DashboardFeed(store);
    feed.select([ids[0]!]);
    feed.snapshot();
    const changes: RunChange[] = [];
    store.onDidChange((c) => changes.push(c));
    report(store, ids[0]!, 1);
    report(store, ids[1]!, 1);
    const deltas = changes.map(
      (c) => [c.kind, c.runId === ids[0] ? 'selected' : 'other', feed.deltaFor(c)] as const,
    );
    const layersDelta = deltas.find(([k, who]) => k === 'layers' && who === 'selected')![2];
    assert.ok(layersDelta && layersDelta !== 'snapshot');
    assert.equal(layersDelta.frames.length, 1);
    assert.equal(layersDelta.histograms.length, 1);
    assert.ok(!('histogram' in layersDelta.frames[0]!.post));
    assert.deepEqual(layersDelta.frames[0]!.gradNorm, [1, 2, 3, 4, 5, 6, 7, 8]);
    const metricsDelta = deltas.find(([k, who]) => k === 'metrics' && who === 'selected')![2];
    assert.ok(metricsDelta && metricsDelta !== 'snapshot');
    assert.deepEqual(metricsDelta.curves.batch_loss?.step, [0]);
    assert.equal(deltas.find(([k, who]) => k === 'layers' && who === 'other')![2], undefined);
    changes.length = 0;
    store.setStatus(ids[0]!, 'finished');
    store.setStatus(ids[1]!, 'finished');
    const [own, other] = changes.map((c) => feed.deltaFor(c));
    assert.equal(own, 'snapshot', 'a selected run that finished needs its summary: snapshot');
    assert.ok(
      other && other !== 'snapshot' && other.info?.status === 'finished',
      'others update their info only',
    );
  });

  test('sidebar rows: loss sparkline and key metric from the run, kept current by change events', () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 200);
    store.record(ids[0]!, {
      type: 'epochEnd',
      runId: ids[0]!,
      epoch: 0,
      step: 199,
      metrics: { loss: 1.5, val_accuracy: 0.8 },
    });
    const rows = new SidebarRows(store);
    store.onDidChange((c) => rows.apply(c));
    const first = rows.all().find((r) => r.info.runId === ids[0])!;
    assert.ok(first.spark.length <= BUDGET.sparkPoints + 1 && first.spark.length > 10);
    assert.deepEqual(first.keyMetric, { name: 'val_accuracy', value: 0.8 });
    assert.equal(first.info.config, undefined, 'the sidebar does not ship configs');
    report(store, ids[0]!, 3);
    const after = rows.all().find((r) => r.info.runId === ids[0])!;
    assert.equal(after.spark.at(-1), 2 - 2 / 3, 'the newest loss is the last sparkline point');
    const data = store.read(ids[0]!)!;
    assert.equal(toSidebarRun(data).keyMetric?.name, 'val_accuracy');
  });
});
