// RunSeries with a CurveCache over a REAL RunStore: a cached read restores the curves and reads only what
// metrics.jsonl gained since, with exactly the curves and duplicate detection of a whole read; a rewritten or
// truncated file, another budget or a broken entry falls back to a whole read.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { CurveCache } from '../../../src/host/webviews/curveCache';
import { DashboardFeed } from '../../../src/host/webviews/dashboardFeed';
import type { RunBudget } from '../../../src/host/webviews/payload';
import { RunSeries } from '../../../src/host/webviews/runSeries';
import type { RunId } from '../../../src/protocol/ids';
import { RunStore } from '../../../src/runs/runStore';
import type { MetricRecord, RunStoreApi } from '../../../src/runs/runTypes';
import { tinyPlan } from '../runs/fixtures';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-series-cache-'));
  dirs.push(dir);
  return dir;
};

const BUDGET: RunBudget = { frames: 4, histograms: 4, curvePoints: 50 };
/** A budget larger than any curve here: its payload is the series' whole curves (nothing thinned away). */
const ALL: RunBudget = { frames: 4, histograms: 4, curvePoints: 1e6 };
const LOSSES = [Number.NaN, Infinity, -Infinity, -0];

/** Appends progress records for steps [from, to) (odd losses among them) and an epoch record every 100 steps. */
function report(store: RunStore, runId: RunId, from: number, to: number): void {
  for (let step = from; step < to; step++) {
    const loss =
      step % 37 === 5 ? (LOSSES[((step / 37) % 4) | 0] as number) : Math.sin(step / 7) + step / 1000;
    store.record(runId, {
      type: 'progress',
      runId,
      step,
      epoch: Math.floor(step / 100),
      loss,
      samplesPerSec: 9,
    });
    if (step % 100 === 99) {
      const metrics = {
        loss: 1 / step,
        accuracy: step % 300 === 99 ? Number.NaN : step / 1e4,
        val_loss: -Infinity,
      };
      store.record(runId, {
        type: 'epochEnd',
        runId,
        epoch: Math.floor(step / 100),
        step: step + 1,
        metrics,
      });
    }
  }
}

function newRun(steps: number): { store: RunStore; runId: RunId; metrics: string } {
  const store = new RunStore(tempDir(), { progressFlushMs: 0 });
  const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
  store.setStatus(runId, 'running');
  store.record(runId, {
    type: 'started',
    runId,
    layers: [],
    totalSteps: 4000,
    stepsPerEpoch: 100,
    samples: { train: 32, validation: 16, test: 16 },
    features: 4,
    classes: 2,
  });
  report(store, runId, 0, steps);
  return { store, runId, metrics: join(store.runDir(runId), 'metrics.jsonl') };
}

/** The store with the `offset` option of every readRecords call noted ('start' when absent). */
function spied(store: RunStore): { api: RunStoreApi; offsets: (number | 'start')[] } {
  const offsets: (number | 'start')[] = [];
  const api = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (key === 'readRecords') {
          offsets.push((args[3] as { offset?: number } | undefined)?.offset ?? 'start');
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { api, offsets };
}

interface Read {
  series: RunSeries;
  offsets: (number | 'start')[];
}

async function read(store: RunStore, runId: RunId, cache?: CurveCache, budget = BUDGET): Promise<Read> {
  const { api, offsets } = spied(store);
  const meta = store.readMeta(runId);
  assert.ok(meta);
  const series = new RunSeries(runId, meta, api, cache);
  await series.loadCurves(budget);
  await cache?.flush();
  return { series, offsets };
}

/** Asserts two series hold the same curves (element for element), curves to send and duplicate detection. */
function assertSame(actual: RunSeries, expected: RunSeries, budget = BUDGET): void {
  assert.deepEqual(actual.payload(ALL).curves, expected.payload(ALL).curves);
  assert.deepEqual(actual.payload(budget).curves, expected.payload(budget).curves);
  const lastStep = (s: RunSeries): unknown => (s as unknown as { lastStep: unknown }).lastStep;
  assert.deepEqual(lastStep(actual), lastStep(expected));
}

const keyOf = (store: RunStore, runId: RunId): string => resolve(store.runDir(runId));

describe('RunSeries with a curve cache', () => {
  it('a second read restores the curves from the cache and reads from the cached offset: the same as a whole read', async () => {
    const { store, runId } = newRun(1500);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    const cold = await read(store, runId, cache);
    assert.deepEqual(cold.offsets, ['start']);
    const entry = cache.get(keyOf(store, runId));
    assert.ok(entry && entry.offset > 0);
    const whole = await read(store, runId);
    const warm = await read(store, runId, cache);
    assert.deepEqual(warm.offsets, [entry.offset], 'the second read starts where the first stopped');
    assertSame(warm.series, whole.series);
    assertSame(cold.series, whole.series);
    // The test means something: batch_loss was thinned (LTTB), and odd values are in the curves.
    const curves = whole.series.payload(ALL).curves;
    const losses = curves.batch_loss?.value ?? [];
    assert.ok(losses.length > 0 && losses.length < 1500, `batch_loss holds ${losses.length} points`);
    for (const odd of [Number.NaN, Infinity, -Infinity]) {
      assert.ok(
        losses.some((v) => Object.is(v, odd)),
        `${odd}`,
      );
    }
    assert.ok(curves.accuracy?.value.some((v) => Number.isNaN(v)));
    assert.ok(curves.val_loss?.value.every((v) => v === -Infinity));
    // Duplicate detection goes on where it was: an old step is not added, a new one is.
    const old: MetricRecord = { kind: 'progress', step: 1000, epoch: 10, loss: 1, samplesPerSec: 1, time: 0 };
    assert.equal(warm.series.add(old), undefined);
    assert.ok(warm.series.add({ ...old, step: 1500 }));
  });

  it('records appended after the entry was written are read incrementally; the result equals a whole read', async () => {
    const { store, runId } = newRun(900);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    await read(store, runId, cache);
    const first = cache.get(keyOf(store, runId));
    assert.ok(first);
    report(store, runId, 900, 1700);
    const warm = await read(store, runId, cache);
    assert.deepEqual(warm.offsets, [first.offset]);
    assertSame(warm.series, (await read(store, runId)).series);
    const second = cache.get(keyOf(store, runId));
    assert.ok(second && second.offset > first.offset, 'the entry moves on with the file');
    const again = await read(store, runId, cache);
    assert.deepEqual(again.offsets, [second.offset]);
    assertSame(again.series, warm.series);
  });

  it('records arriving during a read (after its last slice) are not in the entry: a later read still matches', async () => {
    const { store, runId } = newRun(700);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    const meta = store.readMeta(runId);
    assert.ok(meta);
    let arrived = false;
    const api = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key !== 'readRecords' || typeof value !== 'function') {
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        }
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (!arrived) {
            arrived = true;
            // From step 710: the loss at 709 is -0, which the store writes as 0 (a live record keeps -0).
            report(store, runId, 710, 830);
          }
          return result;
        };
      },
    });
    const series = new RunSeries(runId, meta, api, cache);
    // The feed's role: store changes go to the series (kept pending while it reads).
    const subscription = store.onDidChange((c) => (c.kind === 'metrics' ? series.add(c.record) : undefined));
    await series.loadCurves(BUDGET);
    await cache.flush();
    subscription.dispose();
    const whole = await read(store, runId);
    assertSame(series, whole.series);
    const warm = await read(store, runId, cache);
    assert.notDeepEqual(warm.offsets, ['start']);
    assertSame(warm.series, whole.series);
  });

  it('the entry is the state of the file read, without records that reached the series but not the file', async () => {
    const { store, runId } = newRun(700);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    const meta = store.readMeta(runId);
    assert.ok(meta);
    // A record the series gets while it reads that never reached metrics.jsonl (a write that failed).
    const phantom: MetricRecord = {
      kind: 'progress',
      step: 9000,
      epoch: 90,
      loss: 5,
      samplesPerSec: 1,
      time: 0,
    };
    const { api } = spied(store);
    const series = new RunSeries(runId, meta, api, cache);
    const loading = series.loadCurves(BUDGET);
    series.add(phantom);
    await loading;
    await cache.flush();
    assert.deepEqual(series.payload(ALL).curves.batch_loss?.step.at(-1), 9000, 'the series holds it');
    const warm = await read(store, runId, cache);
    assert.notDeepEqual(warm.offsets, ['start']);
    assertSame(warm.series, (await read(store, runId)).series);
  });

  it('curves shrunk during the read (the run left the comparison) are not stored', async () => {
    const { store, runId } = newRun(1500);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    const meta = store.readMeta(runId);
    assert.ok(meta);
    let series: RunSeries | undefined = undefined;
    const api = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (key === 'readRecords') series?.shrink({ ...BUDGET, curvePoints: 10 });
          return result;
        };
      },
    });
    series = new RunSeries(runId, meta, api, cache);
    await series.loadCurves(BUDGET);
    await cache.flush();
    assert.equal(cache.get(keyOf(store, runId)), undefined);
  });

  it('a metrics.jsonl rewritten (same length) or truncated before the cached offset is read whole', async () => {
    const { store, runId, metrics } = newRun(1200);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    await read(store, runId, cache);
    const entry = cache.get(keyOf(store, runId));
    assert.ok(entry);
    // Same length, other bytes 100 bytes before the offset: one loss's digit.
    const bytes = readFileSync(metrics);
    const at = bytes.lastIndexOf('"loss":0.', entry.offset - 100) + '"loss":0.'.length;
    assert.ok(at > entry.offset - 4096);
    bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
    writeFileSync(metrics, bytes);
    const rewritten = await read(store, runId, cache);
    assert.deepEqual(rewritten.offsets, ['start']);
    assertSame(rewritten.series, (await read(store, runId)).series);
    // Truncated at a line end before the offset, then appended to beyond it again (the size alone would pass).
    const lines = readFileSync(metrics);
    truncateSync(metrics, lines.lastIndexOf('\n', Math.floor(lines.length / 2)) + 1);
    report(store, runId, 2000, 3000);
    assert.ok(readFileSync(metrics).length > entry.offset);
    const truncated = await read(store, runId, cache);
    assert.deepEqual(truncated.offsets, ['start']);
    assertSame(truncated.series, (await read(store, runId)).series);
  });

  it('another curve budget misses (and its whole read replaces the entry)', async () => {
    const { store, runId } = newRun(800);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    await read(store, runId, cache);
    const other: RunBudget = { ...BUDGET, curvePoints: 60 };
    const miss = await read(store, runId, cache, other);
    assert.deepEqual(miss.offsets, ['start']);
    assertSame(miss.series, (await read(store, runId, undefined, other)).series, other);
    assert.equal(cache.get(keyOf(store, runId))?.curvePoints, 60);
  });

  it('another number of steps per epoch (the epochs of batch_loss) misses', async () => {
    const { store, runId } = newRun(800);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    await read(store, runId, cache);
    // The trainer reported another total: steps per epoch (totalSteps / epochs) change.
    const changed = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key === 'readMeta') {
          return (id: RunId) => {
            const meta = target.readMeta(id);
            return meta && { ...meta, totalSteps: 1000 };
          };
        }
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const miss = await read(changed, runId, cache);
    assert.deepEqual(miss.offsets, ['start']);
    assertSame(miss.series, (await read(changed, runId)).series);
    assert.notDeepEqual(
      miss.series.payload(ALL).curves,
      (await read(store, runId)).series.payload(ALL).curves,
    );
  });

  it('broken or hostile entry files are ignored: a whole read, no throw', async () => {
    const { store, runId } = newRun(600);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    await read(store, runId, cache);
    const path = cache.pathOf(keyOf(store, runId));
    const good = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const whole = await read(store, runId);
    const strings = Array.from({ length: 50_000 }, () => 'NaNx');
    const variants: [string, string][] = [
      ['garbage', '\u0000\u0001 not json'],
      ['another key', JSON.stringify({ ...good, key: '/elsewhere/run' })],
      [
        'strings for numbers',
        JSON.stringify({
          ...good,
          curves: { batch_loss: { step: strings, epoch: strings, value: strings } },
        }),
      ],
      ['a wrong shape', JSON.stringify({ ...good, lastStep: [1, 2] })],
    ];
    for (const [what, text] of variants) {
      writeFileSync(path, text);
      const r = await read(store, runId, cache);
      assert.deepEqual(r.offsets, ['start'], what);
      assertSame(r.series, whole.series);
    }
    truncateSync(path, 17 * 1024 * 1024);
    const oversized = await read(store, runId, cache);
    assert.deepEqual(oversized.offsets, ['start']);
    assertSame(oversized.series, whole.series);
  });

  it('a DashboardFeed given a cache hands it to the runs it loads', async () => {
    const { store, runId } = newRun(300);
    const cache = new CurveCache(join(tempDir(), 'curve-cache'));
    const feed = new DashboardFeed(store, { curveCache: cache });
    feed.select([runId]);
    await feed.open();
    await cache.flush();
    assert.ok(cache.get(keyOf(store, runId)));
  });
});
