// Forks the built trainer over the configuration space: optimisers, norms, activations, dropout kinds, conic
// shape, weight decay, early stopping and a CSV regression task.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunConfig } from '../../src/core/config/experimentConfig';
import { createRng } from '../../src/core/random';
import { asRunId } from '../../src/protocol/ids';
import type { RunSummary } from '../../src/protocol/stats';
import { forkTrainer, REPO_ROOT, smallConfig, within } from './helpers/forkTrainer';

const dir = mkdtempSync(path.join(tmpdir(), 'snn-variants-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function summaryOf(config: RunConfig, baseDir = REPO_ROOT): Promise<RunSummary> {
  const run = forkTrainer({ start: { runId: asRunId('variant'), mode: 'train', config, baseDir } });
  await within(run.exited, 60_000, 'trainer exit');
  assert.deepEqual(run.invalid, []);
  const last = run.messages.at(-1);
  assert.ok(last?.type === 'finished', JSON.stringify(last));
  return last.summary;
}

describe('trainer configuration variants', () => {
  const variants: [string, Parameters<typeof smallConfig>[0]][] = [
    [
      'rmsprop + layernorm + gelu + standard dropout + weight decay + conic',
      {
        model: {
          normalization: 'layernorm',
          activation: 'gelu',
          shape: 'conic',
          dropout: { kind: 'standard', rate: 0.1 },
        },
        train: { optimizer: 'rmsprop', weightDecay: 1e-3 },
      },
    ],
    [
      'sgd + swish + glorot_uniform',
      {
        model: { activation: 'swish', init: 'glorot_uniform' },
        train: { optimizer: 'sgd', learningRate: 0.05 },
      },
    ],
    [
      'momentum + tanh + lecun_uniform',
      {
        model: { activation: 'tanh', init: 'lecun_uniform' },
        train: { optimizer: 'momentum', learningRate: 0.01 },
      },
    ],
    ['adam + leaky_relu + batchnorm', { model: { activation: 'leaky_relu', normalization: 'batchnorm' } }],
    [
      'custom SELU fixed point (mean 0, variance 2) with alpha dropout',
      { model: { fixedPoint: { mean: 0, variance: 2 }, dropout: { kind: 'alpha', rate: 0.1 } } },
    ],
  ];
  for (const [name, overrides] of variants) {
    it(`trains: ${name}`, async () => {
      const summary = await summaryOf(
        smallConfig({ ...overrides, train: { epochs: 3, ...overrides?.train } }),
      );
      // Three gaussian blobs are easy: every sane variant beats chance (1/3) clearly on the test split.
      assert.ok((summary.test.test_accuracy as number) > 0.6, `${name}: ${JSON.stringify(summary.test)}`);
    });
  }

  it('stops early on a plateaued metric and evaluates the best weights', async () => {
    const config = smallConfig({
      train: { epochs: 30, earlyStopping: { metric: 'val_accuracy', patience: 1 } },
    });
    const summary = await summaryOf(config);
    assert.equal(summary.stoppedEarly, true);
    assert.ok(summary.epochs < 30, `epochs ${summary.epochs}`);
  });

  it('trains a CSV regression task and reports mse', async () => {
    const rng = createRng(3);
    const rows = ['a,b,c,y'];
    for (let i = 0; i < 300; i++) {
      const [a, b, c] = [rng.normal(), rng.normal(), rng.normal()];
      rows.push(`${a},${b},${c},${2 * a - b + 0.5 * c + 0.1 * rng.normal()}`);
    }
    writeFileSync(path.join(dir, 'reg.csv'), rows.join('\n'));
    const config = smallConfig({
      data: { source: 'csv', path: 'reg.csv', header: true, target: 'y', task: 'regression' },
      model: { dropout: { kind: 'alpha', rate: 0 } },
      train: { epochs: 20, learningRate: 0.003 },
    });
    const summary = await summaryOf(config, dir);
    // Var(y) = 4 + 1 + 0.25 = 5.25; learning the linear map must get far below that (noise floor 0.01).
    assert.ok((summary.test.test_mse as number) < 1, JSON.stringify(summary.test));
    assert.equal(summary.test.test_loss, summary.test.test_mse);
    assert.equal(summary.final.accuracy, undefined);
  });

  it('refuses a CSV outside the workspace root unless allowed (the trainer re-checks the host policy)', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'snn-workspace-'));
    const outside = path.join(dir, 'outside.csv');
    writeFileSync(outside, ['a,y', ...Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 2}`)].join('\n'));
    const config = smallConfig({
      data: { source: 'csv', path: outside, header: true, target: 'y', task: 'classification' },
      train: { epochs: 1 },
    });
    const start = { runId: asRunId('outside'), mode: 'train' as const, config, baseDir: workspace };
    const refused = forkTrainer({ start: { ...start, workspaceRoot: workspace } });
    await within(refused.exited, 60_000, 'trainer exit');
    const last = refused.messages.at(-1);
    assert.ok(last?.type === 'failed' && last.reason === 'data', JSON.stringify(last));
    assert.match(last.message, /outside the workspace/);
    const allowed = forkTrainer({
      start: { ...start, workspaceRoot: workspace, allowOutsideWorkspace: true },
    });
    await within(allowed.exited, 60_000, 'trainer exit');
    assert.equal(allowed.messages.at(-1)?.type, 'finished', JSON.stringify(allowed.messages.at(-1)));
    rmSync(workspace, { recursive: true, force: true });
  });
});
