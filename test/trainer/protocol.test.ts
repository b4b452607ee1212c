// Forks the built dist/trainer.js and checks the message protocol of complete, stopped and disconnected runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { asRunId } from '../../src/protocol/ids';
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import { forkTrainer, REPO_ROOT, smallConfig, within } from './helpers/forkTrainer';

const runDir = mkdtempSync(path.join(tmpdir(), 'snn-trainer-test-'));
after(() => rmSync(runDir, { recursive: true, force: true }));

describe('trainer process protocol', () => {
  it('sends ready -> started -> progress/layerStats/epochEnd -> finished and writes the weights', async () => {
    const config = smallConfig();
    const run = forkTrainer({
      start: { runId: asRunId('ok-run'), mode: 'train', config, baseDir: REPO_ROOT, runDir },
    });
    const code = await within(run.exited, 60_000, 'trainer exit');
    assert.equal(code, 0);
    assert.deepEqual(run.invalid, []);
    const types = run.messages.map((m) => m.type);
    assert.equal(types[0], 'ready');
    assert.equal(types.at(-1), 'finished');
    const started = types.indexOf('started');
    assert.ok(started > 0, 'started follows ready');
    assert.ok(
      types.slice(1, started).every((t) => t === 'log'),
      'only logs between ready and started',
    );
    const middle = types.slice(started + 1, -1);
    assert.ok(
      middle.every((t) => ['progress', 'layerStats', 'epochEnd', 'log'].includes(t)),
      middle.join(','),
    );
    const ready = run.messages[0];
    assert.ok(ready?.type === 'ready');
    assert.equal(ready.protocolVersion, PROTOCOL_VERSION);
    assert.equal(ready.backend.name, 'wasm', 'auto picks wasm when tfjs-node is absent');
    assert.match(ready.backend.fallbackReason ?? '', /tfjs-node/);

    const start = run.messages[started];
    assert.ok(start?.type === 'started');
    assert.equal(start.layers.length, 4);
    assert.equal(start.stepsPerEpoch, Math.ceil(start.samples.train / 32));
    assert.equal(start.totalSteps, 2 * start.stepsPerEpoch);

    const epochEnds = run.messages.filter((m) => m.type === 'epochEnd');
    assert.equal(epochEnds.length, 2);
    for (const e of epochEnds) {
      assert.ok(e.type === 'epochEnd');
      for (const key of ['loss', 'accuracy', 'auc', 'val_loss', 'val_accuracy', 'val_auc']) {
        assert.ok(Number.isFinite(e.metrics[key]), `${key} = ${e.metrics[key]}`);
      }
    }
    const stats = run.messages.filter((m) => m.type === 'layerStats');
    const steps = stats.map((m) => (m.type === 'layerStats' ? m.step : -1));
    const expected = Array.from({ length: start.totalSteps }, (_, s) => s).filter((s) => s % 5 === 0);
    assert.deepEqual(steps, expected, 'stats at step 0 and every stats.everySteps steps');
    const first = stats[0];
    assert.ok(first?.type === 'layerStats');
    assert.equal(first.layers.length, 4);
    for (const layer of first.layers) {
      assert.equal(layer.pre.percentiles.length, 9);
      assert.equal(layer.post.histogram.counts.length, 20);
      assert.ok(layer.gradNorm > 0 && Number.isFinite(layer.gradNorm));
      assert.ok(layer.updateRatio > 0 && layer.updateRatio < 1, `update ratio ${layer.updateRatio}`);
      const counted =
        layer.post.histogram.counts.reduce((a, b) => a + b, 0) +
        layer.post.histogram.under +
        layer.post.histogram.over;
      assert.equal(counted, 32 * layer.units, 'every activation of the batch is counted once');
    }
    const finished = run.messages.at(-1);
    assert.ok(finished?.type === 'finished');
    assert.equal(finished.summary.steps, start.totalSteps);
    assert.ok(Number.isFinite(finished.summary.test.test_accuracy));
    assert.ok(run.messages.some((m) => m.type === 'progress'));

    const manifest = JSON.parse(readFileSync(path.join(runDir, 'weights.json'), 'utf8')) as {
      tensors: { name: string; shape: number[]; offset: number; length: number }[];
    };
    const total = manifest.tensors.reduce((s, t) => s + t.length, 0);
    assert.equal(readFileSync(path.join(runDir, 'weights.bin')).byteLength, 4 * total);
    assert.deepEqual(manifest.tensors[0]?.shape, [8, 32]);
    assert.deepEqual(manifest.tensors.at(-2)?.shape, [32, 3]);
  });

  it('ends as failed/stopped on stop mid-epoch, after the data sent so far', async () => {
    // 1000 epochs would take minutes: the run can only end this early through the stop.
    const config = smallConfig({ train: { epochs: 1000 } });
    const run = forkTrainer({
      start: { runId: asRunId('stop-run'), mode: 'train', config, baseDir: REPO_ROOT },
    });
    await within(run.waitFor('progress'), 30_000, 'first progress');
    run.send({ type: 'stop' });
    const failed = await within(run.waitFor('failed'), 10_000, 'failed after stop');
    assert.equal(failed.reason, 'stopped');
    assert.equal(await within(run.exited, 10_000, 'exit after stop'), 0);
    const started = run.messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started');
    assert.ok((failed.step ?? Infinity) < started.totalSteps);
    assert.ok(
      run.messages.some((m) => m.type === 'layerStats'),
      'statistics sent before the stop were delivered',
    );
  });

  it('exits when the host disconnects', async () => {
    const config = smallConfig({ train: { epochs: 1000 } });
    const run = forkTrainer({
      start: { runId: asRunId('orphan'), mode: 'train', config, baseDir: REPO_ROOT },
    });
    await within(run.waitFor('progress'), 30_000, 'first progress');
    run.child.disconnect();
    assert.equal(await within(run.exited, 10_000, 'exit after disconnect'), 0);
    assert.equal(
      run.messages.some((m) => m.type === 'finished' || m.type === 'failed'),
      false,
    );
  });

  it('reports a bad config as failed/internal naming the field, and bad data as failed/data', async () => {
    const bad = smallConfig({ train: { learningRate: Number.NaN } });
    const run = forkTrainer({
      start: { runId: asRunId('bad-config'), mode: 'train', config: bad, baseDir: REPO_ROOT },
    });
    const failed = await within(run.waitFor('failed'), 30_000, 'failed');
    assert.equal(failed.reason, 'internal');
    assert.match(failed.message, /train\.learningRate/);
    await run.exited;

    const csv = smallConfig({
      data: { source: 'csv', path: 'no/such/file.csv', header: true, target: 0, task: 'classification' },
    });
    const run2 = forkTrainer({
      start: { runId: asRunId('bad-data'), mode: 'train', config: csv, baseDir: REPO_ROOT },
    });
    const failed2 = await within(run2.waitFor('failed'), 30_000, 'failed');
    assert.equal(failed2.reason, 'data');
    assert.match(failed2.message, /file\.csv/);
    await run2.exited;
  });
});
