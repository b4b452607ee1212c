/**
 * Writes finished "long" runs into a workspace's run store through RunStore, as a trainer's messages would be
 * recorded (bundled and called by liveCompare.test.mjs before VS Code starts): `layers` hidden layers, `reports`
 * statistics reports with 40-bin histograms, losses and 10 epochs each.
 */
import type { RunId } from '../../../src/protocol/ids';
import type { LayerStats } from '../../../src/protocol/stats';
import type { RunPlan } from '../../../src/core/config/experimentConfig';
import { RunStore } from '../../../src/runs/runStore';

function stats(layers: number, step: number, seed: number): LayerStats[] {
  return Array.from({ length: layers }, (_, layer) => {
    const v = 1 + 0.05 * Math.sin(step / 50 + layer + seed);
    const dist = {
      mean: 0.01 * layer,
      variance: v,
      min: -4,
      max: 4,
      percentiles: [-4, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 4],
      histogram: {
        lo: -5,
        hi: 5,
        counts: Array.from({ length: 40 }, (_, i) => 1000 - (i - 20) ** 2),
        under: 0,
        over: 0,
      },
    };
    return {
      layer,
      units: 32,
      pre: dist,
      post: dist,
      saturated: 0.01,
      dead: 0,
      weights: { mean: 0, variance: 1 / 32, omegaMean: 0, omegaStd: 0.1, tauMean: 1, tauStd: 0.05 },
      gradNorm: 1 + 0.1 * layer,
      updateRatio: 1e-3,
    };
  });
}

/** Writes `count` finished runs of `experiment`; returns their ids. */
export function writeLongRuns(options: {
  runsDir: string;
  experiment: string;
  count: number;
  layers: number;
  reports: number;
}): RunId[] {
  const { runsDir, experiment, count, layers, reports } = options;
  const store = new RunStore(runsDir);
  const ids: RunId[] = [];
  for (let i = 0; i < count; i++) {
    const plan = {
      name: `long-moons/seed=${i}`,
      sweepPoint: { seed: i },
      config: {
        seed: i,
        data: { source: 'synthetic', kind: 'moons', samples: 512 },
        train: { epochs: 10 },
        model: { depth: layers },
      },
    } as unknown as RunPlan;
    const runId = store.create(plan, { experiment, mode: 'train' });
    store.setStatus(runId, 'running');
    store.record(runId, {
      type: 'started',
      runId,
      layers: Array.from({ length: layers }, (_, layer) => ({
        layer,
        units: 32,
        fanIn: 32,
        activation: 'selu',
        normalization: 'none',
        dropout: 'none',
      })),
      totalSteps: reports,
      stepsPerEpoch: reports / 10,
      samples: { train: 512, validation: 64, test: 64 },
      features: 2,
      classes: 2,
    });
    for (let step = 0; step < reports; step++) {
      const epoch = Math.floor(step / (reports / 10));
      store.record(runId, { type: 'layerStats', runId, step, epoch, layers: stats(layers, step, i) });
      store.record(runId, {
        type: 'progress',
        runId,
        step,
        epoch,
        loss: 1 / (1 + step / 100),
        samplesPerSec: 1,
      });
    }
    const final = { loss: 0.1, accuracy: 0.95 };
    store.record(runId, {
      type: 'finished',
      runId,
      summary: {
        steps: reports,
        epochs: 10,
        durationMs: 1000,
        final,
        test: {},
        stoppedEarly: false,
        samplesPerSec: 1,
      },
    });
    ids.push(runId);
  }
  store.dispose();
  return ids;
}
