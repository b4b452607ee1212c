/**
 * Dashboard benchmark: 16 runs x 32 layers x 1,000 statistics reports (plus 1,000 loss points each) through the
 * host's DashboardFeed into the real dashboard bundle in headless Chromium. Measures the host snapshot, the time to
 * open (navigation to first complete render) and per-update render times while 16 live runs append at ~10 pushes/s.
 * Targets (issue 6): open <= 1 s, update <= 16 ms. Prints a table; exits non-zero only if it cannot run.
 */
import { loadavg } from 'node:os';
import { Emitter } from '../src/core/events';
import type { MetricRecord, RunChange, RunData, RunMeta, RunStoreApi } from '../src/runs/runTypes';
import { DashboardFeed } from '../src/host/webviews/dashboardFeed';
import { toFrame, toHistogramFrame } from '../src/host/webviews/payload';
import type { RunId } from '../src/protocol/ids';
import type { Distribution } from '../src/core/statisticsTypes';
import type { LayerStats } from '../src/protocol/stats';
import type { HostToWebview } from '../src/protocol/webview';
import { launchChromium, startServer } from '../test/webview/harness';

const RUNS = 16;
const LAYERS = 32;
const REPORTS = 1000;
const BINS = 40;
const UPDATES = 40;

/** Deterministic PRNG (mulberry32) so every benchmark run sees the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dist(r: () => number, mean: number, variance: number): Distribution {
  const sd = Math.sqrt(variance);
  const counts = Array.from({ length: BINS }, (_, i) => {
    const x = -5 + (i + 0.5) * (10 / BINS);
    return Math.round(2048 * Math.exp(-0.5 * ((x - mean) / sd) ** 2) * (0.9 + 0.2 * r()));
  });
  return {
    mean,
    variance,
    min: mean - 4 * sd,
    max: mean + 4 * sd,
    percentiles: [-4, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 4].map((z) => mean + z * sd),
    histogram: { lo: -5, hi: 5, counts, under: 0, over: 0 },
  };
}

function layerStats(r: () => number, run: number, step: number): LayerStats[] {
  return Array.from({ length: LAYERS }, (_, layer) => {
    const drift = run % 2 === 0 ? 0.02 * r() : 0.3 + 0.01 * layer;
    const variance = run % 2 === 0 ? 1 + 0.1 * (r() - 0.5) : 0.5 * 0.97 ** layer;
    return {
      layer,
      units: 256,
      pre: dist(r, drift * 0.5, variance * 1.1),
      post: dist(r, drift, variance),
      saturated: 0.01 * r(),
      dead: 0,
      weights: {
        mean: 0,
        variance: 1 / 256,
        omegaMean: 0.02 * (r() - 0.5),
        omegaStd: 0.1,
        tauMean: 1 + 0.02 * r(),
        tauStd: 0.05,
      },
      gradNorm: (1 + r()) * (run % 2 === 0 ? 1 : 0.8 ** layer) * (1 + step / REPORTS),
      updateRatio: 1e-3,
    };
  });
}

function makeRun(index: number): RunData {
  const r = rng(1000 + index);
  const runId = `bench-run-${String(index).padStart(2, '0')}` as RunId;
  const epochs = 10;
  const metrics: MetricRecord[] = [];
  for (let step = 0; step < REPORTS; step++) {
    metrics.push({
      kind: 'progress',
      step,
      epoch: Math.floor(step / 100),
      loss: 2 / (1 + step / 200) + 0.1 * r(),
      samplesPerSec: 5000,
      time: step,
    });
    if (step % 100 === 99) {
      const e = Math.floor(step / 100);
      metrics.push({
        kind: 'epoch',
        step,
        epoch: e,
        metrics: {
          loss: 1 / (1 + e),
          accuracy: 0.5 + 0.04 * e,
          val_loss: 1.1 / (1 + e),
          val_accuracy: 0.48 + 0.04 * e,
        },
        time: step,
      });
    }
  }
  const layers = Array.from({ length: REPORTS }, (_, step) => ({
    step,
    epoch: Math.floor(step / 100),
    layers: layerStats(r, index, step),
  }));
  const meta: RunMeta = {
    schemaVersion: 1,
    runId,
    name: `bench/${index % 2 === 0 ? 'SNN' : 'ReLU'}/model.depth=${LAYERS}/seed=${index}`,
    experiment: '/bench/bench.snn.json',
    mode: 'train',
    status: 'running',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    seed: index,
    sweepPoint: {},
    totalSteps: 2000,
    progress: { step: REPORTS - 1, epoch: 9, loss: 0.5 },
  };
  const config = {
    train: { epochs, optimizer: 'sgd', learningRate: 0.01, batchSize: 64, weightDecay: 0 },
    model: { depth: LAYERS, width: 256 },
    seed: index,
  } as unknown as RunData['config'];
  return { meta, config, metrics, layers };
}

/** An in-memory RunStoreApi with exactly the calls DashboardFeed makes. */
function memoryStore(runs: RunData[]): RunStoreApi {
  const changes = new Emitter<RunChange>();
  const unused = (): never => {
    throw new Error('not used by the dashboard');
  };
  return {
    root: '/memory',
    onDidChange: changes.event,
    create: unused,
    record: unused,
    setStatus: unused,
    delete: unused,
    recoverInterrupted: unused,
    runDir: unused,
    refresh: () => undefined,
    watch: () => ({ dispose: () => undefined }),
    list: () => runs.map((r) => r.meta),
    read: (id) => runs.find((r) => r.meta.runId === id),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Top self-time functions of a CDP CPU profile (set SNN_BENCH_PROFILE=<tab> to print one). */
function printProfile(p: CpuProfile): void {
  const self = new Map<number, number>();
  (p.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas?.[i] ?? 0) / 1000));
  const byName = new Map<string, number>();
  for (const node of p.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);
  }
}

async function main(): Promise<void> {
  const runs = Array.from({ length: RUNS }, (_, i) => makeRun(i));
  const feed = new DashboardFeed(memoryStore(runs));
  feed.select(runs.map((r) => r.meta.runId));
  let t = performance.now();
  const body = feed.snapshot();
  const hostSnapshotMs = performance.now() - t;
  const snapshot = { ...body, seq: 1, protocolVersion: 1 } as HostToWebview;
  t = performance.now();
  const json = JSON.stringify(snapshot);
  const serializeMs = performance.now() - t;

  const server = await startServer();
  const browser = await launchChromium();
  const rows: [string, string][] = [
    [
      'started (UTC) / load average 1, 5, 15 min',
      `${new Date().toISOString()} / ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    ],
    ['runs x layers x reports', `${RUNS} x ${LAYERS} x ${REPORTS}`],
    ['host: snapshot build (DashboardFeed)', ms(hostSnapshotMs)],
    ['host: snapshot size (JSON)', `${(json.length / 1e6).toFixed(1)} MB (serialised in ${ms(serializeMs)})`],
  ];
  try {
    server.addStream('bench', [snapshot]);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const openProfile =
      process.env.SNN_BENCH_PROFILE === 'open' ? await page.context().newCDPSession(page) : undefined;
    if (openProfile) {
      await openProfile.send('Profiler.enable');
      await openProfile.send('Profiler.start');
    }
    const start = Date.now();
    await page.goto(server.url('dashboard', 'bench'));
    await page.waitForFunction(
      () => (window.__snnLab?.renders.length ?? 0) > 0 && window.__snnLab!.settled(),
      undefined,
      { timeout: 60_000 },
    );
    const openWall = Date.now() - start;
    if (openProfile) printProfile((await openProfile.send('Profiler.stop')).profile);
    const firstRender = await page.evaluate(() => window.__snnLab!.renders[0]!);
    const openInPage = await page.evaluate(() => window.__snnLab!.renderedAt[0]!);
    const timing = await page.evaluate(() => {
      const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const end = (part: string) => res.find((r) => r.name.includes(part))?.responseEnd ?? NaN;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { fixture: end('/fixture/'), bundle: end('dashboard.js'), dcl: nav.domContentLoadedEventEnd };
    });
    rows.push([
      'open: data script loaded / bundle loaded / DOMContentLoaded',
      `${ms(timing.fixture)} / ${ms(timing.bundle)} / ${ms(timing.dcl)}`,
    ]);
    rows.push(['open: navigation -> first complete render (wall)', ms(openWall)]);
    rows.push(['open: first render end (page clock, from navigation start)', ms(openInPage)]);
    rows.push(['open: first render itself (curves tab, 16 runs)', ms(firstRender)]);

    for (const tab of ['curves', 'layers', 'distributions', 'fixedPoint'] as const) {
      let tabOpen = firstRender;
      if (tab !== 'curves') {
        const before = await page.evaluate(() => window.__snnLab!.renders.length);
        await page.click(`[role="tab"][data-tab="${tab}"]`);
        await page.waitForFunction(
          (n) => window.__snnLab!.renders.length > n && window.__snnLab!.settled(),
          before,
        );
        tabOpen = await page.evaluate(() => window.__snnLab!.renders.at(-1)!);
      }
      const profile =
        process.env.SNN_BENCH_PROFILE === tab ? await page.context().newCDPSession(page) : undefined;
      if (profile) {
        await profile.send('Profiler.enable');
        await profile.send('Profiler.start');
      }
      const times: number[] = [];
      let seq = await page.evaluate(() => window.__snnLab!.data().seq);
      for (let u = 0; u < UPDATES; u++) {
        const step = REPORTS + u;
        const batch: HostToWebview[] = runs.map((run, i) => {
          const record = { step, epoch: 10, layers: layerStats(rng(step * 31 + i), i, step) };
          return {
            type: 'appended',
            seq: ++seq,
            runId: run.meta.runId,
            curves: { batch_loss: { step: [step], epoch: [step / 200], value: [0.4] } },
            frames: [toFrame(record)],
            histograms: [toHistogramFrame(record)],
          };
        });
        const n = await page.evaluate(() => window.__snnLab!.renders.length);
        // One host push (100 ms of coalesced data for 16 runs) arrives as 16 messages; the page renders once.
        await page.evaluate((ms) => ms.forEach((m) => window.__snnLabReplayTransport!.emit(m)), batch);
        await page.waitForFunction(
          (k) =>
            window.__snnLab!.renders.length > k &&
            window.__snnLab!.settled() &&
            window.__snnLab!.received.length > 0,
          n,
        );
        times.push(await page.evaluate(() => window.__snnLab!.renders.at(-1)!));
      }
      if (profile) printProfile((await profile.send('Profiler.stop')).profile);
      rows.push([`${tab}: tab open render`, ms(tabOpen)]);
      rows.push([
        `${tab}: update render (median / p95 of ${UPDATES})`,
        `${ms(median(times))} / ${ms(p95(times))}`,
      ]);
    }
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
