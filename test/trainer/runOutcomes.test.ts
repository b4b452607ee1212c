// Forks the built trainer for divergence, reproducibility, backend choice and probe mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asRunId } from '../../src/protocol/ids';
import type { TrainerToHost } from '../../src/protocol/trainer';
import { forkTrainer, REPO_ROOT, smallConfig, within } from './helpers/forkTrainer';

/** Runs to completion and returns every message. */
async function complete(options: Parameters<typeof forkTrainer>[0]): Promise<TrainerToHost[]> {
  const run = forkTrainer(options);
  await within(run.exited, 60_000, 'trainer exit');
  assert.deepEqual(run.invalid, []);
  return run.messages;
}

describe('trainer run outcomes', () => {
  it('fails with reason diverged, the step and the first non-finite layer for a huge learning rate', async () => {
    const config = smallConfig({
      model: { depth: 6, dropout: { kind: 'alpha', rate: 0 } },
      train: { optimizer: 'sgd', learningRate: 10, epochs: 5 }, // the schema's largest learning rate
    });
    const messages = await complete({
      start: { runId: asRunId('boom'), mode: 'train', config, baseDir: REPO_ROOT },
    });
    const failed = messages.at(-1);
    assert.ok(failed?.type === 'failed', JSON.stringify(failed));
    assert.equal(failed.reason, 'diverged');
    assert.ok(Number.isInteger(failed.step) && (failed.step as number) >= 1, `step ${failed.step}`);
    assert.ok(Number.isInteger(failed.layer) && (failed.layer as number) < 6, `layer ${failed.layer}`);
    assert.match(failed.message, /step \d+/);
  });

  it('gives identical losses and statistics for the same seed on the same backend', async () => {
    const config = smallConfig({
      model: { normalization: 'batchnorm' },
      train: { optimizer: 'momentum', learningRate: 0.01 },
    });
    const start = { runId: asRunId('same'), mode: 'train' as const, config, baseDir: REPO_ROOT };
    const pick = (ms: TrainerToHost[]): unknown[] =>
      ms.filter((m) => m.type === 'epochEnd' || m.type === 'layerStats');
    const a = pick(await complete({ start, backend: 'wasm' }));
    const b = pick(await complete({ start, backend: 'wasm' }));
    assert.ok(a.length > 2);
    assert.deepEqual(a, b);
    const other = pick(
      await complete({ start: { ...start, config: { ...config, seed: 8 } }, backend: 'wasm' }),
    );
    assert.notDeepEqual(a, other, 'a different seed gives a different run');
  });

  it('honours --backend cpu and reports it', async () => {
    const config = smallConfig({ train: { epochs: 1 }, data: { samples: 200 } });
    const messages = await complete({
      start: { runId: asRunId('cpu'), mode: 'train', config, baseDir: REPO_ROOT },
      backend: 'cpu',
    });
    const ready = messages[0];
    assert.ok(ready?.type === 'ready');
    assert.equal(ready.backend.name, 'cpu');
    assert.equal(messages.at(-1)?.type, 'finished');
  });

  it('probes the untrained network on the run data without training', async () => {
    const config = smallConfig({ model: { activation: 'relu', init: 'he_normal' } });
    const messages = await complete({
      start: { runId: asRunId('probe'), mode: 'probe', config, baseDir: REPO_ROOT, probeSamples: 256 },
    });
    assert.deepEqual(
      messages.filter((m) => m.type !== 'log').map((m) => m.type),
      ['ready', 'started', 'layerStats', 'finished'],
    );
    const stats = messages.find((m) => m.type === 'layerStats');
    assert.ok(stats?.type === 'layerStats');
    assert.equal(stats.layers.length, 4);
    assert.ok(stats.layers.every((l) => Number.isNaN(l.gradNorm) && l.post.min >= 0));
    const finished = messages.at(-1);
    assert.ok(finished?.type === 'finished');
    assert.equal(finished.summary.steps, 0);
  });
});
