/**
 * The dashboard benchmark's real run store, written through RunStore exactly as the trainer's messages are recorded:
 * 100 runs of a depth-32 net with 1,000 statistics reports each (40-bin histograms, every step), kept in a cache
 * folder between benchmark runs (it takes minutes and ~4 GB to write), plus a second store that adds 400 small runs
 * (hard links to the big ones' files, so no extra space) for the sidebar, the Runs tree and `runs list`.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunPlan } from '../src/core/config/experimentConfig';
import type { Distribution } from '../src/core/statisticsTypes';
import type { RunId } from '../src/protocol/ids';
import type { LayerInfo, LayerStats } from '../src/protocol/stats';
import { RunStore } from '../src/runs/runStore';
import { DEFAULT_STORAGE_BUDGET } from '../src/runs/storageBudget';

/** The shape; SNN_BENCH_QUICK=1 gives a tiny store to try the benchmark itself out. */
export const SHAPE = process.env.SNN_BENCH_QUICK
  ? { runs: 8, layers: 32, reports: 60, bins: 40, smallRuns: 20, width: 256 }
  : { runs: 100, layers: 32, reports: 1000, bins: 40, smallRuns: 400, width: 256 };
export const EXPERIMENT = '/bench/depth-sweep.snn.json';
const VERSION = `v2-${JSON.stringify(SHAPE)}`;

/** Deterministic PRNG (mulberry32) so every benchmark store holds the same values. */
export function rng(seed: number): () => number {
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
  const counts = Array.from({ length: SHAPE.bins }, (_, i) => {
    const x = -5 + (i + 0.5) * (10 / SHAPE.bins);
    return Math.round(2048 * Math.exp(-0.5 * ((x - mean) / sd) ** 2) * (0.9 + 0.2 * r()));
  });
  return {
    mean,
    variance,
    min: mean - 4 * sd,
    max: mean + 4 * sd,
    percentiles: [-4, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 4].map((z) => mean + z * sd + 1e-3 * r()),
    histogram: { lo: -5, hi: 5, counts, under: 0, over: 0 },
  };
}

/** One statistics report of `layers` hidden layers, in the shapes the trainer sends (full float64 values). */
export function layerStats(
  r: () => number,
  run: number,
  step: number,
  layers: number = SHAPE.layers,
): LayerStats[] {
  return Array.from({ length: layers }, (_, layer) => {
    const drift = run % 2 === 0 ? 0.02 * r() : 0.3 + 0.01 * layer;
    const variance = run % 2 === 0 ? 1 + 0.1 * (r() - 0.5) : 0.5 * 0.97 ** layer;
    return {
      layer,
      units: SHAPE.width,
      pre: dist(r, drift * 0.5, variance * 1.1),
      post: dist(r, drift, variance),
      saturated: 0.01 * r(),
      dead: 0,
      weights: {
        mean: 1e-3 * (r() - 0.5),
        variance: 1 / SHAPE.width + 1e-5 * r(),
        omegaMean: 0.02 * (r() - 0.5),
        omegaStd: 0.1 + 0.01 * r(),
        tauMean: 1 + 0.02 * r(),
        tauStd: 0.05 + 0.01 * r(),
      },
      gradNorm: (1 + r()) * (run % 2 === 0 ? 1 : 0.8 ** layer) * (1 + step / SHAPE.reports),
      updateRatio: 1e-3 * (1 + r()),
    };
  });
}

function plan(index: number, layers: number): RunPlan {
  const activation = index % 2 === 0 ? 'selu' : 'relu';
  return {
    name: `depth-sweep/model.depth=${layers},model.activation=${activation},seed=${index}`,
    sweepPoint: { 'model.depth': layers, 'model.activation': activation, seed: index },
    config: {
      name: 'depth-sweep',
      seed: index,
      data: {
        source: 'synthetic',
        kind: 'blobs',
        samples: 64_000,
        features: 784,
        classes: 10,
        noise: 0.5,
        split: { test: 0.2, validation: 0.1, folds: 0, stratify: false },
        standardize: true,
      },
      model: {
        depth: layers,
        width: SHAPE.width,
        shape: 'rectangular',
        activation,
        init: 'lecun_normal',
        normalization: 'none',
        dropout: { kind: 'alpha', rate: 0 },
      },
      train: { optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: 10, weightDecay: 0 },
      stats: { everySteps: 1, bins: SHAPE.bins, range: 5, layers: 'all' },
    } as unknown as RunPlan['config'],
  };
}

function layerInfo(layers: number): LayerInfo[] {
  return Array.from({ length: layers }, (_, layer) => ({
    layer,
    units: SHAPE.width,
    fanIn: layer === 0 ? 784 : SHAPE.width,
    activation: 'selu',
    normalization: 'none',
    dropout: 'alpha',
  }));
}

/**
 * Writes one run through the store: `reports` steps with a statistics report and a loss each, 10 epochs, left
 * `running` (the live benchmark appends to it) or `finished`.
 */
export function writeRun(
  store: RunStore,
  index: number,
  options: { layers: number; reports: number; finish: boolean },
): RunId {
  const { layers, reports } = options;
  const r = rng(1000 + index);
  const runId = store.create(plan(index, layers), { experiment: EXPERIMENT, mode: 'train' });
  store.setStatus(runId, 'running');
  store.record(runId, {
    type: 'ready',
    protocolVersion: 1,
    backend: { name: 'wasm', versions: { 'tfjs-core': '4.22.0' } },
    pid: 1,
  });
  const stepsPerEpoch = reports / 10;
  store.record(runId, {
    type: 'started',
    runId,
    layers: layerInfo(layers),
    totalSteps: reports,
    stepsPerEpoch,
    samples: { train: 44_800, validation: 6_400, test: 12_800 },
    features: 784,
    classes: 10,
  });
  for (let step = 0; step < reports; step++) {
    const epoch = Math.floor(step / stepsPerEpoch);
    store.record(runId, {
      type: 'layerStats',
      runId,
      step,
      epoch,
      layers: layerStats(r, index, step, layers),
    });
    store.record(runId, {
      type: 'progress',
      runId,
      step,
      epoch,
      loss: 2 / (1 + step / 200) + 0.1 * r(),
      samplesPerSec: 5000,
    });
    if ((step + 1) % stepsPerEpoch === 0) {
      const metrics = {
        loss: 1 / (1 + epoch),
        accuracy: 0.5 + 0.04 * epoch,
        val_loss: 1.1 / (1 + epoch),
        val_accuracy: 0.48 + 0.04 * epoch,
      };
      store.record(runId, { type: 'epochEnd', runId, step: step + 1, epoch, metrics });
    }
  }
  if (options.finish) {
    const final = { loss: 0.1, accuracy: 0.9, val_loss: 0.12, val_accuracy: 0.88 };
    const summary = {
      steps: reports,
      epochs: 10,
      durationMs: 60_000,
      final,
      test: { test_loss: 0.13, test_accuracy: 0.87 },
      stoppedEarly: false,
      samplesPerSec: 5000,
    };
    store.record(runId, { type: 'finished', runId, summary });
  }
  store.flush();
  return runId;
}

export interface BenchStores {
  /** 100 big runs (all left running, so live data can be appended). */
  big: string;
  /** The same 100 runs (hard links) plus 400 small finished runs. */
  many: string;
}

/** The cached stores, written first when missing or of another shape. */
export function benchStores(log: (line: string) => void): BenchStores {
  const home =
    process.env.SNN_BENCH_STORE ??
    join(tmpdir(), process.env.SNN_BENCH_QUICK ? 'snn-lab-bench-quick' : 'snn-lab-bench-store');
  const big = join(home, 'big');
  const many = join(home, 'many');
  const marker = join(home, 'bench-store.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === VERSION) return { big, many };
  rmSync(home, { recursive: true, force: true });
  mkdirSync(big, { recursive: true });
  const start = Date.now();
  const budget = { ...DEFAULT_STORAGE_BUDGET, layersBytes: 4 * DEFAULT_STORAGE_BUDGET.layersBytes };
  const store = new RunStore(big, { progressFlushMs: 1000, budget });
  for (let i = 0; i < SHAPE.runs; i++) {
    writeRun(store, i, { layers: SHAPE.layers, reports: SHAPE.reports, finish: false });
    if (i % 10 === 9) {
      log(`  wrote ${i + 1}/${SHAPE.runs} big runs (${((Date.now() - start) / 1000).toFixed(0)} s)`);
    }
  }
  mkdirSync(many);
  for (const runId of readdirSync(big)) {
    mkdirSync(join(many, runId));
    for (const file of readdirSync(join(big, runId))) {
      linkSync(join(big, runId, file), join(many, runId, file));
    }
  }
  const small = new RunStore(many);
  for (let i = 0; i < SHAPE.smallRuns; i++) {
    writeRun(small, SHAPE.runs + i, { layers: 4, reports: 50, finish: true });
  }
  writeFileSync(marker, VERSION);
  log(`  bench store written in ${((Date.now() - start) / 1000).toFixed(0)} s: ${home}`);
  return { big, many };
}
