/**
 * DashboardFeed and the payload builders over a REAL RunStore in a temp directory: what the dashboard receives
 * (snapshot budgets, thinning, histograms split off), that a snapshot reads no file once a run is loaded and a first
 * load reads a bounded sample, and which store change becomes which message.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { expandRuns } from '../../../src/core/config/expand';
import { parseExperiment } from '../../../src/core/config/parse';
import { RunStore } from '../../../src/runs/runStore';
import type { RunStoreApi } from '../../../src/runs/runTypes';
import { DashboardFeed, statisticsTab, type FeedSink } from '../../../src/host/webviews/dashboardFeed';
import { BUDGET, budgetFor, share } from '../../../src/host/webviews/payload';
import type { Delta, QueuedBody } from '../../../src/host/webviews/webviewChannel';
import { RunSeries } from '../../../src/host/webviews/runSeries';
import { SidebarRows } from '../../../src/host/webviews/sidebarRows';
import type { RunId } from '../../../src/protocol/ids';
import type { Distribution } from '../../../src/core/statisticsTypes';
import type { LayerStats } from '../../../src/protocol/stats';
import { schemaProblemsUnder, validateRunDir } from '../../shared/runStoreSchemas';

const fixture = join(process.cwd(), 'test', 'fixtures', 'streams', 'snn-vs-relu.snn.json');
const parsed = parseExperiment(readFileSync(fixture, 'utf8'), fixture);
if (!parsed.file) throw new Error(JSON.stringify(parsed.problems));
const plans = expandRuns(parsed.file);
const dirs: string[] = [];
/** Runs a test damaged on purpose (left out of the schema check at the end). */
const damaged = new Set<string>();
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

/** Waits (polling) until `done()` holds: the feed loads runs asynchronously, in slices. */
async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A sink recording what the feed sends. */
function recorder(): FeedSink & { deltas: Delta[]; bodies: QueuedBody[] } {
  const deltas: Delta[] = [];
  const bodies: QueuedBody[] = [];
  return { deltas, bodies, append: (d) => deltas.push(d), queue: (b) => bodies.push(b) };
}

/** The store with its file-reading calls counted (what a snapshot must not do once runs are loaded). */
function counting(store: RunStore): { api: RunStoreApi; reads: Record<string, number> } {
  const reads: Record<string, number> = {
    readRecords: 0,
    planLayerSamples: 0,
    readLayersAt: 0,
    layersRead: 0,
    planFrameSamples: 0,
    readFramesAt: 0,
    framesRead: 0,
    read: 0,
  };
  const api = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof key === 'string' && key in reads) reads[key] = (reads[key] ?? 0) + 1;
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (key === 'readLayersAt') reads.layersRead = (reads.layersRead ?? 0) + (result as unknown[]).length;
        if (key === 'readFramesAt') reads.framesRead = (reads.framesRead ?? 0) + (result as unknown[]).length;
        return result;
      };
    },
  });
  return { api, reads };
}

describe('payload budgets', () => {
  test('the budgets are shared by the compared runs within [min, max]', () => {
    assert.equal(share(960, 1, { min: 8, max: 300 }), 300);
    assert.equal(share(960, 16, { min: 8, max: 300 }), 60);
    assert.equal(share(960, 200, { min: 8, max: 300 }), 8);
    assert.deepEqual(budgetFor(2), { frames: 300, histograms: 32, curvePoints: 1000 });
    assert.deepEqual(budgetFor(16), { frames: 60, histograms: 6, curvePoints: 1000 });
    assert.deepEqual(budgetFor(100), { frames: 9, histograms: 2, curvePoints: 400 });
  });
});

describe('DashboardFeed over a real RunStore', () => {
  test('the run list carries no layer shapes (every run of the store), the compared runs’ infos do', async () => {
    const store = newStore();
    const ids = startRuns(store);
    const feed = new DashboardFeed(store);
    feed.select([ids[0]!]);
    const snap = await feed.snapshot('curves');
    assert.equal(snap.type, 'snapshot');
    if (snap.type !== 'snapshot') return;
    assert.equal(snap.allRuns.length, 2);
    assert.ok(snap.allRuns.every((r) => r.layers.length === 0));
    assert.equal(snap.runs[0]!.info.layers.length, layers(0).length);
    assert.ok(layers(0).length > 0);
    // A run created later reaches the list without its layer shapes too.
    const queued: unknown[] = [];
    feed.attach({ append: () => undefined, queue: (b) => queued.push(b) });
    const id = store.create(plans[0]!, { experiment: fixture, mode: 'train' });
    store.record(id, {
      type: 'started',
      runId: id,
      layers: [{ layer: 0, units: 8, fanIn: 8, activation: 'selu', normalization: 'none', dropout: 'alpha' }],
      totalSteps: 10,
      stepsPerEpoch: 5,
      samples: { train: 10, validation: 0, test: 0 },
      features: 8,
      classes: 2,
    });
    feed.apply({ kind: 'created', runId: id });
    const upsert = queued.find((b) => (b as { type?: string }).type === 'runs') as {
      upsert: { layers: unknown[] }[];
    };
    assert.ok(upsert);
    assert.deepEqual(upsert.upsert[0]!.layers, []);
  });

  test('without a selection the newest runs are shown; a snapshot thins 1,000 reports to the budget', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 1000);
    const feed = new DashboardFeed(store);
    feed.select(undefined);
    assert.deepEqual([...feed.selection].sort(), [...ids].sort());
    const snap = await feed.snapshot('layers');
    assert.equal(snap.type, 'snapshot');
    if (snap.type !== 'snapshot') return;
    assert.equal(snap.tab, 'layers');
    assert.equal(snap.allRuns.length, 2);
    const run = snap.runs.find((r) => r.info.runId === ids[0])!;
    const budget = budgetFor(2);
    // Sampled by byte offset from a file of equal-sized lines: the budget, give or take a duplicate line.
    assert.ok(
      run.frames.length >= budget.frames - 2 && run.frames.length <= budget.frames,
      `${run.frames.length}`,
    );
    assert.equal(run.frames[0]!.step, 0);
    assert.equal(run.frames.at(-1)!.step, 999);
    const gaps = run.frames.slice(1).map((f, i) => f.step - run.frames[i]!.step);
    assert.ok(
      Math.max(...gaps) <= 2 * (999 / (budget.frames - 1)) + 1,
      `even over the steps: ${Math.max(...gaps)}`,
    );
    assert.ok(run.histograms.length <= budget.histograms && run.histograms.length >= budget.histograms - 2);
    assert.equal(run.frames[0]!.pre.mean.length, 8, 'one column entry per hidden layer');
    assert.ok(!('histogram' in run.frames[0]!.pre), 'frames carry no histograms');
    assert.equal(run.histograms[0]!.post.length, 8);
    assert.ok(run.curves.batch_loss!.value.length <= budget.curvePoints);
    // Fractional epoch = step / (totalSteps / epochs) = step / (2000 / 5).
    const c = run.curves.batch_loss!;
    assert.equal(c.epoch.at(-1), c.step.at(-1)! / 400);
    assert.equal(run.info.config?.model.depth, 8);
  });

  test('statisticsLater: the snapshot carries infos and curves; the statistics are taken once, whole', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 200);
    const feed = new DashboardFeed(store);
    feed.select(ids);
    assert.equal(feed.cached('curves'), false, 'nothing read yet: no snapshot from the caches alone');
    const whole = await feed.snapshot();
    assert.ok(
      feed.cached('curves') && feed.cached('layers'),
      'read: a reopened dashboard embeds its snapshot',
    );
    assert.deepEqual(feed.takeLater(), [], 'a whole snapshot leaves nothing out');
    const light = await feed.snapshot('curves', { statisticsLater: true });
    if (whole.type !== 'snapshot' || light.type !== 'snapshot') throw new Error('not a dashboard snapshot');
    const full = whole.runs.find((r) => r.info.runId === ids[0])!;
    const part = light.runs.find((r) => r.info.runId === ids[0])!;
    assert.deepEqual(part.curves, full.curves);
    assert.deepEqual(part.info, full.info);
    assert.equal(part.frames.length + part.histograms.length, 0);
    const later = await feed.takeLater();
    const held = later.find((d) => d.runId === ids[0])!;
    assert.ok(full.frames.length > 0);
    assert.deepEqual(held.frames, full.frames);
    assert.deepEqual(held.histograms, full.histograms);
    assert.deepEqual(held.curves, {});
    assert.deepEqual(feed.takeLater(), [], 'taken once');
    assert.equal(statisticsTab('curves') || statisticsTab(undefined) || statisticsTab('theory'), false);
    assert.ok(statisticsTab('layers') && statisticsTab('distributions') && statisticsTab('fixedPoint'));
  });

  test('a light snapshot waits for the curves only; the statistics follow whole, with what arrived meanwhile, once', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 300);
    report(store, ids[1]!, 300);
    const { api, reads } = counting(store);
    const feed = new DashboardFeed(api);
    const sink = recorder();
    store.onDidChange((c) => feed.apply(c));
    feed.select(ids);
    feed.attach(sink);
    const light = await feed.snapshot('curves', { statisticsLater: true });
    // The statistics are read after a turn of the event loop at least: none of layers.jsonl is read yet.
    assert.equal(reads.readLayersAt, 0, 'the snapshot did not wait for the statistics');
    if (light.type !== 'snapshot') throw new Error('not a dashboard snapshot');
    assert.equal(light.runs.length, 2);
    for (const run of light.runs) {
      assert.equal(run.curves.batch_loss?.step.at(-1), 299, 'every curve point is in the snapshot');
      assert.equal(run.frames.length + run.histograms.length, 0);
    }
    // Written while the statistics load: the curve point is sent at once, the frames come with the statistics.
    for (let step = 300; step < 305; step++) {
      store.record(ids[0]!, { type: 'layerStats', runId: ids[0]!, step, epoch: 0, layers: layers(step) });
      store.record(ids[0]!, { type: 'progress', runId: ids[0]!, step, epoch: 0, loss: 1, samplesPerSec: 1 });
    }
    const later = feed.takeLater();
    assert.ok(later instanceof Promise, 'the statistics were still loading');
    const held = await later;
    assert.ok(reads.readLayersAt! > 0);
    assert.deepEqual(
      sink.deltas.flatMap((d) => d.frames),
      [],
      'no frame was sent before the statistics that hold it',
    );
    assert.deepEqual(
      sink.deltas.flatMap((d) => d.curves.batch_loss?.step ?? []),
      [300, 301, 302, 303, 304],
    );
    const first = held.find((d) => d.runId === ids[0])!;
    const steps = first.frames.map((f) => f.step);
    assert.deepEqual(steps.slice(-5), [300, 301, 302, 303, 304]);
    assert.equal(new Set(steps).size, steps.length, 'no step twice');
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
      'in step order',
    );
    assert.ok(first.histograms.length > 0);
    assert.deepEqual(first.curves, {});
    // The second run's statistics are what a whole snapshot of a fresh feed holds.
    const whole = new DashboardFeed(store);
    whole.select(ids);
    const full = await whole.snapshot();
    if (full.type !== 'snapshot') throw new Error('not a dashboard snapshot');
    const second = held.find((d) => d.runId === ids[1])!;
    assert.deepEqual(second.frames, full.runs.find((r) => r.info.runId === ids[1])!.frames);
    assert.deepEqual(second.histograms, full.runs.find((r) => r.info.runId === ids[1])!.histograms);
    // From now on a new record is sent on its own.
    store.record(ids[0]!, { type: 'layerStats', runId: ids[0]!, step: 305, epoch: 0, layers: layers(305) });
    assert.deepEqual(
      sink.deltas.flatMap((d) => d.frames.map((f) => f.step)),
      [305],
    );
    assert.deepEqual(feed.takeLater(), [], 'taken once');
  });

  test('open reads the curves only for a tab without statistics; afterDrawn reads them once the page drew (or in time)', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 300);
    report(store, ids[1]!, 300);
    const { api, reads } = counting(store);
    const feed = new DashboardFeed(api, { drawnWaitMs: 60_000 });
    feed.select(ids);
    await feed.open('curves');
    assert.equal(reads.readLayersAt, 0, 'the Curves tab opens on metrics.jsonl alone');
    assert.equal(feed.cached('curves'), true);
    await feed.snapshot('curves', { statisticsLater: true, afterDrawn: true });
    const later = feed.takeLater();
    assert.ok(later instanceof Promise);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(reads.readLayersAt, 0, 'no statistics read before the page said it drew the snapshot');
    feed.pageDrew();
    const held = await later;
    assert.ok(reads.readLayersAt! > 0, 'read once the page drew it');
    assert.ok(held.find((d) => d.runId === ids[0])!.frames.length > 0);

    // A page that never says `drawn` (hidden, gone, an older page) gets them after the wait anyway.
    const other = counting(store);
    const patient = new DashboardFeed(other.api, { drawnWaitMs: 30 });
    patient.select(ids);
    await patient.snapshot('curves', { statisticsLater: true, afterDrawn: true });
    const late = await patient.takeLater();
    assert.ok(other.reads.readLayersAt! > 0);
    assert.ok(late.find((d) => d.runId === ids[0])!.frames.length > 0);

    // A tab that draws statistics reads them when the dashboard opens.
    const layers = counting(store);
    const eager = new DashboardFeed(layers.api);
    eager.select(ids);
    await eager.open('layers');
    assert.ok(layers.reads.readLayersAt! > 0);
    assert.equal(eager.cached('layers'), true);
  });

  test('a newer snapshot drops the statistics an older one left to follow', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 100);
    const feed = new DashboardFeed(store);
    feed.select([ids[0]!]);
    await feed.snapshot('curves', { statisticsLater: true });
    const stale = feed.takeLater();
    const fresh = await feed.snapshot();
    assert.deepEqual(await stale, [], 'the whole snapshot already carries them');
    assert.ok(fresh.type === 'snapshot' && fresh.runs[0]!.frames.length > 0);
  });

  test('a first load reads a bounded sample of layers.jsonl; later snapshots read no file at all', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 2000);
    const { api, reads } = counting(store);
    const feed = new DashboardFeed(api);
    feed.select(ids);
    await feed.snapshot();
    assert.equal(reads.read, 0, 'never the whole run');
    const budget = budgetFor(2);
    assert.ok(reads.framesRead! <= budget.frames, `${reads.framesRead} of 2,000 frames read (frames.jsonl)`);
    assert.ok(
      reads.layersRead! <= 2 * budget.histograms,
      `${reads.layersRead} statistics lines read for histograms`,
    );
    for (const key of Object.keys(reads)) reads[key] = 0;
    report(store, ids[0]!, 3); // live records reach the cache through change events
    store.onDidChange((c) => feed.apply(c));
    report(store, ids[1]!, 5);
    const again = await feed.snapshot();
    assert.ok(
      Object.values(reads).every((n) => n === 0),
      `no file read: ${JSON.stringify(reads)}`,
    );
    const second = again.type === 'snapshot' ? again.runs.find((r) => r.info.runId === ids[1]) : undefined;
    assert.deepEqual(
      second?.frames.map((f) => f.step),
      [0, 1, 2, 3, 4],
      'records recorded after the load arrived as events',
    );
  });

  test('a run without frames.jsonl (an older version, another writer) is sampled from layers.jsonl alone', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 500);
    rmSync(join(store.runDir(ids[0]!), 'frames.jsonl'));
    const { api, reads } = counting(store);
    const feed = new DashboardFeed(api);
    feed.select([ids[0]!]);
    const snap = await feed.snapshot();
    const run = snap.type === 'snapshot' ? snap.runs[0] : undefined;
    assert.equal(reads.framesRead, 0);
    assert.ok(reads.layersRead! <= budgetFor(1).frames);
    assert.equal(run?.frames[0]?.step, 0);
    assert.equal(run?.frames.at(-1)?.step, 499);
    assert.ok((run?.frames.length ?? 0) >= budgetFor(1).frames - 2);
    const withFrames = newStore();
    const other = startRuns(withFrames);
    report(withFrames, other[0]!, 500);
    const viaFrames = new DashboardFeed(withFrames);
    viaFrames.select([other[0]!]);
    const same = await viaFrames.snapshot();
    assert.deepEqual(
      same.type === 'snapshot' ? same.runs[0]!.frames.slice(0, 3) : [],
      run?.frames.slice(0, 3),
      'frames.jsonl holds exactly what encoding layers.jsonl gives',
    );
  });

  test('records written while a run is being loaded are neither lost nor doubled', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[0]!, 300);
    const feed = new DashboardFeed(store);
    store.onDidChange((c) => feed.apply(c));
    feed.select([ids[0]!]);
    const pending = feed.snapshot();
    // The load yields between slices: these records are written (and their events fire) in the middle of it.
    await new Promise((r) => setImmediate(r));
    for (let step = 300; step < 310; step++) {
      store.record(ids[0]!, { type: 'layerStats', runId: ids[0]!, step, epoch: 0, layers: layers(step) });
    }
    const snap = await pending;
    const steps = snap.type === 'snapshot' ? snap.runs[0]!.frames.map((f) => f.step) : [];
    assert.deepEqual(steps.slice(-10), [300, 301, 302, 303, 304, 305, 306, 307, 308, 309]);
    assert.equal(new Set(steps).size, steps.length, 'no step twice');
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
      'in step order',
    );
  });

  test('store changes: appended data for compared runs, info for others, a finished run brings its summary', async () => {
    const store = newStore();
    const ids = startRuns(store);
    const feed = new DashboardFeed(store);
    const sink = recorder();
    feed.select([ids[0]!]);
    feed.attach(sink);
    await feed.snapshot();
    store.onDidChange((c) => feed.apply(c));
    report(store, ids[0]!, 1);
    report(store, ids[1]!, 1);
    const own = sink.deltas.filter((d) => d.runId === ids[0]);
    const layersDelta = own.find((d) => d.frames.length > 0)!;
    assert.equal(layersDelta.frames.length, 1);
    assert.equal(layersDelta.histograms.length, 1);
    assert.ok(!('histogram' in layersDelta.frames[0]!.post));
    assert.deepEqual(layersDelta.frames[0]!.gradNorm, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(own.find((d) => d.curves.batch_loss)?.curves.batch_loss?.step, [0]);
    assert.ok(
      sink.deltas.every(
        (d) => d.runId === ids[0] || (d.frames.length === 0 && Object.keys(d.curves).length === 0),
      ),
      'a run that is not compared gets no series',
    );
    sink.deltas.length = 0;
    store.record(ids[0]!, {
      type: 'finished',
      runId: ids[0]!,
      summary: {
        steps: 1,
        epochs: 1,
        durationMs: 5,
        final: { loss: 1 },
        test: { test_accuracy: 0.9 },
        stoppedEarly: false,
        samplesPerSec: 10,
      },
    });
    store.setStatus(ids[1]!, 'finished');
    const finished = sink.deltas.find((d) => d.runId === ids[0] && d.info?.status === 'finished');
    assert.equal(finished?.info?.summary?.test.test_accuracy, 0.9, 'the summary travels with the info');
    assert.ok(sink.deltas.some((d) => d.runId === ids[1] && d.info?.status === 'finished'));
    assert.deepEqual(sink.bodies, [], 'no snapshot, no selection change');
  });

  test('new runs: an empty dashboard picks them up; a comparison takes runs of its experiments only', async () => {
    const store = newStore();
    const feed = new DashboardFeed(store);
    const sink = recorder();
    feed.select(undefined);
    feed.attach(sink);
    store.onDidChange((c) => feed.apply(c));
    const empty = await feed.snapshot();
    assert.equal(empty.type === 'snapshot' && empty.runs.length, 0);
    const ids = startRuns(store);
    const sentRuns = (): number =>
      sink.bodies.reduce((n, b) => n + (b.type === 'selection' ? b.runs.length : 0), 0);
    await until(() => sentRuns() >= ids.length, 'the new runs');
    const selections = sink.bodies.filter((b) => b.type === 'selection');
    assert.deepEqual(
      selections.flatMap((b) => (b.type === 'selection' ? b.runs.map((r) => r.info.runId) : [])).sort(),
      [...ids].sort(),
      'each new run is sent once, with its payload',
    );
    assert.deepEqual([...feed.selection].sort(), [...ids].sort());
    report(store, ids[1]!, 2);
    assert.ok(
      sink.deltas.some((d) => d.runId === ids[1] && d.frames.length === 1),
      'and then streams',
    );

    const explicit = new DashboardFeed(store);
    const other = recorder();
    explicit.select([ids[0]!]);
    explicit.attach(other);
    await explicit.snapshot();
    store.onDidChange((c) => explicit.apply(c));
    const same = store.create(plans[0]!, { experiment: fixture, mode: 'train' });
    const elsewhere = store.create(plans[0]!, { experiment: '/elsewhere/other.snn.json', mode: 'train' });
    await until(() => other.bodies.some((b) => b.type === 'selection'), 'the joining run');
    assert.deepEqual(explicit.selection, [ids[0], same], 'a run of a compared experiment joins');
    const upserts = other.bodies.flatMap((b) => (b.type === 'runs' ? b.upsert.map((i) => i.runId) : []));
    assert.deepEqual(upserts, [same, elsewhere], 'every new run reaches the run list');
    store.setStatus(elsewhere, 'cancelled');
    store.delete(elsewhere);
    assert.deepEqual(other.bodies.at(-1), { type: 'runs', upsert: [], removed: [elsewhere] });

    await explicit.changeSelection([]);
    assert.deepEqual(explicit.selection, [], 'the user unticked every run');
    const next = store.create(plans[0]!, { experiment: '/elsewhere/third.snn.json', mode: 'train' });
    const sentNext = (): boolean =>
      other.bodies.some((b) => b.type === 'selection' && b.runs.some((r) => r.info.runId === next));
    await until(sentNext, 'a run started into an emptied dashboard');
    const last = other.bodies.filter((b) => b.type === 'selection').at(-1);
    assert.deepEqual(explicit.selection, [next]);
    assert.deepEqual(
      last?.type === 'selection' && last.runs.map((r) => r.info.runId),
      [next],
      'it is sent with its payload, as in a dashboard that follows new runs',
    );
  });

  test('picking runs in the dashboard sends only the new runs, not a snapshot', async () => {
    const store = newStore();
    const ids = startRuns(store);
    report(store, ids[1]!, 50);
    const feed = new DashboardFeed(store);
    const sink = recorder();
    feed.select([ids[0]!]);
    feed.attach(sink);
    await feed.snapshot();
    await feed.changeSelection([ids[0]!, ids[1]!]);
    assert.equal(sink.bodies.length, 1);
    const body = sink.bodies[0]!;
    assert.equal(body.type, 'selection');
    if (body.type !== 'selection') return;
    assert.deepEqual(body.selected, [ids[0], ids[1]]);
    assert.deepEqual(
      body.runs.map((r) => r.info.runId),
      [ids[1]],
    );
    assert.equal(body.runs[0]!.frames.length, 50);
    await feed.changeSelection([ids[1]!]);
    assert.deepEqual(sink.bodies.at(-1), { type: 'selection', selected: [ids[1]], runs: [] });
  });

  test('metrics named like Object.prototype members are ordinary curves', async () => {
    const store = newStore();
    const ids = startRuns(store);
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const metrics = JSON.parse(`{${names.map((n, i) => `"${n}": ${i + 1}`).join(',')}}`) as Record<
      string,
      number
    >;
    store.record(ids[0]!, { type: 'epochEnd', runId: ids[0]!, epoch: 0, step: 3, metrics });
    const feed = new DashboardFeed(store);
    feed.select([ids[0]!]);
    const snap = await feed.snapshot();
    const curves = snap.type === 'snapshot' ? snap.runs[0]!.curves : {};
    assert.deepEqual(Object.keys(curves).sort(), [...names].sort());
    assert.deepEqual(Object.getOwnPropertyDescriptor(curves, '__proto__')?.value?.value, [2]);
    const wire = JSON.parse(JSON.stringify(snap)) as {
      runs: { curves: Record<string, { value: number[] }> }[];
    };
    assert.deepEqual(Object.getOwnPropertyDescriptor(wire.runs[0]!.curves, 'constructor')?.value?.value, [1]);
  });
});

describe('a run cache whose read failed', () => {
  test('reads the files again on the next load, and then streams', async () => {
    const store = newStore();
    const [id] = startRuns(store) as [RunId];
    report(store, id, 3);
    const budget = budgetFor(1);
    let failures = 1;
    // The store as the cache sees it, with one failing read of frames.jsonl (a disk error, a file swapped mid-read).
    const flaky = Object.create(store) as RunStore;
    flaky.planFrameSamples = (...args) => {
      if (failures-- > 0) throw new Error('EIO: i/o error, read');
      return store.planFrameSamples(...args);
    };
    const series = new RunSeries(id, store.readMeta(id)!, flaky);
    await assert.rejects(series.load(budget), /EIO/);
    // Before, the failed read stayed the cache's chain: every later load was rejected with it, and records arriving
    // meanwhile piled up as pending without bound.
    await series.load(budget);
    assert.ok(series.covers(budget));
    assert.deepEqual(
      series.payload(budget).frames.map((f) => f.step),
      [0, 1, 2],
    );
    store.record(id, { type: 'layerStats', runId: id, step: 3, epoch: 0, layers: layers(3) });
    const record = store.readLayersAt(id, store.planLayerSamples(id, 100).starts).at(-1);
    assert.equal(record?.step, 3);
    assert.equal(series.add(record)?.frames.length, 1, 'a new record streams after the reload');
  });
});

describe("a run's curves", () => {
  test('read from metrics.jsonl are the curves the same records give when added live (duplicates, thinning)', async () => {
    const store = newStore();
    const [a, b] = startRuns(store) as [RunId, RunId];
    // 4 x 40 points thin a curve: 1,500 progress reports thin batch_loss many times over.
    const budget = { ...budgetFor(1), curvePoints: 40 };
    for (let step = 0; step < 1500; step++) {
      const epoch = Math.floor(step / 300);
      const loss = Math.sin(step / 37) + (step % 7) / 10;
      store.record(a, { type: 'progress', runId: a, step, epoch, loss, samplesPerSec: 1000 });
      // A repeated step (a resumed writer): not a new point on either path.
      if (step % 250 === 0) {
        store.record(a, { type: 'progress', runId: a, step, epoch, loss: 9, samplesPerSec: 1 });
      }
      if (step % 300 === 299) {
        const metrics = { loss: loss / 2, val_loss: loss, val_accuracy: step / 1500 };
        store.record(a, { type: 'epochEnd', runId: a, epoch, step, metrics });
      }
    }
    const read = new RunSeries(a, store.readMeta(a)!, store);
    await read.loadCurves(budget);
    const live = new RunSeries(b, store.readMeta(b)!, store);
    await live.loadCurves(budget);
    let added = 0;
    store.readRecords(a, 'metrics', (record) => {
      if (live.add(record)) added++;
    });
    assert.equal(added, 1500 + 5, 'every new record was a delta live; the repeated steps were not');
    const curves = read.payload(budget).curves;
    assert.deepEqual(Object.keys(curves).sort(), ['batch_loss', 'loss', 'val_accuracy', 'val_loss']);
    assert.deepEqual(live.payload(budget).curves, curves);
    assert.ok(curves.batch_loss!.step.length <= budget.curvePoints);
  });
});

describe('sidebar rows', () => {
  test('loss sparkline and key metric from the run, without reading layers.jsonl; only changed rows are sent', () => {
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
    // A FIFO in place of the statistics file: a reader that opened it would hang.
    const layersFile = join(store.runDir(ids[0]!), 'layers.jsonl');
    rmSync(layersFile);
    execFileSync('mkfifo', [layersFile]);
    damaged.add(store.runDir(ids[0]!));
    const rows = new SidebarRows(store);
    store.onDidChange((c) => rows.apply(c));
    const first = rows.all().find((r) => r.info.runId === ids[0])!;
    assert.ok(first.spark.length <= BUDGET.sparkPoints && first.spark.length > 10, `${first.spark.length}`);
    assert.deepEqual(first.keyMetric, { name: 'val_accuracy', value: 0.8 });
    assert.equal(first.info.config, undefined, 'the sidebar does not ship configs');
    assert.equal(rows.takeUpdate(), undefined, 'nothing changed since the snapshot');
    store.record(ids[0]!, {
      type: 'progress',
      runId: ids[0]!,
      step: 200,
      epoch: 0,
      loss: 0.25,
      samplesPerSec: 1,
    });
    const update = rows.takeUpdate();
    assert.deepEqual(
      update?.upsert.map((r) => r.info.runId),
      [ids[0]],
      'only the run that reported',
    );
    assert.equal(update?.upsert[0]!.spark.at(-1), 0.25, 'the newest loss is the last sparkline point');
    store.setStatus(ids[1]!, 'stopped');
    rows.takeUpdate();
    store.delete(ids[1]!);
    assert.deepEqual(rows.takeUpdate(), { upsert: [], removed: [ids[1]] });
  });
});

test('every run these tests wrote satisfies the run-store schemas (docs/run-store.md)', () => {
  const { runs, problems } = schemaProblemsUnder(dirs, damaged);
  assert.ok(runs >= 2, `runs checked: ${runs}`);
  assert.deepEqual(problems, []);
  // The run whose layers.jsonl became a FIFO is reported, not opened (opening it blocked this file for good).
  assert.equal(damaged.size, 1);
  for (const dir of damaged) {
    assert.match(validateRunDir(dir).problems.join('\n'), /layers\.jsonl: not a regular file \(a FIFO\)/);
  }
});
