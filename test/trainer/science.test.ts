// SNN science checks on the real trainer: signal propagation at init (probe mode, forked dist/trainer.js),
// alpha dropout's fixed point (in process) and an 8-layer SNN learning a non-linear task.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createRng } from '../../src/core/random';
import { moments } from '../../src/core/statistics';
import { asRunId } from '../../src/protocol/ids';
import type { LayerStats } from '../../src/protocol/stats';
import { applyDropout } from '../../src/trainer/alphaDropout';
import { initBackend } from '../../src/trainer/backend';
import { DEFAULT_SELU } from '../../src/core/theory/constants';
import { forkTrainer, REPO_ROOT, smallConfig, within } from './helpers/forkTrainer';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');

/** Probe of a width-512, depth-32 SELU net on N(0, I) inputs; returns the per-layer statistics. */
async function probeDeepSelu(init: 'lecun_normal' | 'he_normal'): Promise<LayerStats[]> {
  const config = smallConfig({
    model: { depth: 32, width: 512, init, dropout: { kind: 'alpha', rate: 0 } },
    stats: { range: 10, bins: 20 },
  });
  const run = forkTrainer({
    start: {
      runId: asRunId(`probe-${init}`),
      mode: 'probe',
      probeInput: 'normal',
      probeSamples: 1000,
      config,
      baseDir: REPO_ROOT,
    },
  });
  const stats = await within(run.waitFor('layerStats'), 120_000, 'probe statistics');
  await within(run.exited, 30_000, 'probe exit');
  return stats.layers;
}

describe('SNN science', () => {
  it('SELU + LeCun normal keeps every layer of a 512 x 32 net near (0, 1) at init', async () => {
    const layers = await probeDeepSelu('lecun_normal');
    assert.equal(layers.length, 32);
    // Tolerance: docs/snn-spec.md §3.3 measures variances 0.985-1.003 over 32 layers (batch 2000); [0.9, 1.1] leaves
    // room for the sampling noise of one random 512-wide weight draw per layer and 1000 samples.
    for (const l of layers) {
      assert.ok(
        l.post.variance >= 0.9 && l.post.variance <= 1.1,
        `layer ${l.layer} variance ${l.post.variance}`,
      );
      assert.ok(Math.abs(l.post.mean) < 0.1, `layer ${l.layer} mean ${l.post.mean}`);
      // Weights: per-unit tau = sum w^2 is 1 on average for N(0, 1/fan_in) (sd of tau ~ sqrt(2/512) = 0.06).
      assert.ok(Math.abs(l.weights.tauMean - 1) < 0.05, `layer ${l.layer} tau ${l.weights.tauMean}`);
    }
  });

  it('SELU + He normal blows the variance up beyond 50 by layer 32', async () => {
    const layers = await probeDeepSelu('he_normal');
    // docs/snn-spec.md §3.3 measures 119.9 at layer 32 (40.0 at 16); 50 is far below the expected value.
    const last = layers[31] as LayerStats;
    assert.ok(last.post.variance > 50, `layer 32 variance ${last.post.variance}`);
    assert.ok((layers[0] as LayerStats).post.variance < last.post.variance);
  });

  it('alpha dropout 0.1 in training keeps SELU outputs at mean 0, variance 1', async () => {
    const { tf } = await initBackend('cpu');
    const rng = createRng(2024);
    const n = 20_000 * 100;
    const z = new Float32Array(n);
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    const y = tf.tidy(() => {
      const selu = tf.selu(tf.tensor2d(z, [20_000, 100]));
      return applyDropout(
        tf,
        selu,
        { config: { kind: 'alpha', rate: 0.1 }, selu: DEFAULT_SELU },
        createRng(5),
      );
    });
    const values = await y.data();
    y.dispose();
    const m = moments(values);
    // Tolerance from the brief: 2e6 samples give a standard error of ~0.0007 on the mean, so 0.02 / 0.05 only
    // fail for a wrong formula (tfjs's sign bug shifts the mean by +0.32 at rate 0.1, docs/snn-spec.md §4.4).
    assert.ok(Math.abs(m.mean) < 0.02, `mean ${m.mean}`);
    assert.ok(Math.abs(m.variance - 1) < 0.05, `variance ${m.variance}`);
    const dropped = Array.from(values).filter((v) => Math.abs(v - -1.45773873052) < 1e-4).length / n;
    assert.ok(Math.abs(dropped - 0.1) < 0.005, `dropped fraction ${dropped}`);
  });

  it('an 8-layer SNN reaches >= 95% test accuracy on seeded two moons', async () => {
    const config = smallConfig({
      seed: 11,
      data: { kind: 'moons', samples: 1500, features: 2, classes: 2, noise: 0.1 },
      model: { depth: 8, width: 64 },
      train: { epochs: 12, batchSize: 32 },
      stats: { everySteps: 1000 },
    });
    const run = forkTrainer({
      start: { runId: asRunId('moons'), mode: 'train', config, baseDir: REPO_ROOT },
    });
    const finished = await within(run.waitFor('finished'), 120_000, 'training');
    const accuracy = finished.summary.test.test_accuracy as number;
    // A linear classifier gets ~88% on two moons; >= 95% needs the deep net to learn the curved boundary.
    assert.ok(accuracy >= 0.95, `test accuracy ${accuracy}`);
    await run.exited;
  });
});
