// TrainerProcess driving the REAL dist/trainer.js on a tiny synthetic run (depth 2, width 8): message order,
// validated messages, a cooperative stop, and an exit on disconnect. Build first: node esbuild.mjs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isPidAlive } from '../../src/runs/liveness';
import { TrainerProcess } from '../../src/runs/trainerProcess';
import { asRunId } from '../../src/protocol/ids';
import type { TrainerToHost } from '../../src/protocol/trainer';
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import { tinyConfig } from '../unit/runs/fixtures';

const trainerPath = join(__dirname, '..', '..', '..', 'dist', 'trainer.js');
const logger = { info() {}, warn() {}, error() {} };

function collect(trainer: TrainerProcess): TrainerToHost[] {
  const messages: TrainerToHost[] = [];
  trainer.onMessage((message) => messages.push(message));
  return messages;
}

describe('TrainerProcess with the real trainer', () => {
  it('finds the built trainer', () => {
    assert.ok(existsSync(trainerPath), `${trainerPath} missing: run node esbuild.mjs`);
  });

  it('runs ready -> started -> progress/epochEnd/layerStats -> finished, then exits expectedly', async () => {
    const trainer = new TrainerProcess({ trainerPath, logger, backend: 'cpu' });
    const messages = collect(trainer);
    const runId = asRunId('trainer-process-order');
    trainer.onMessage((message) => {
      if (message.type === 'ready') {
        trainer.send({ type: 'start', runId, mode: 'train', config: tinyConfig(), baseDir: __dirname });
      }
    });
    const exit = await trainer.whenExited();
    assert.deepEqual({ code: exit.code, expected: exit.expected }, { code: 0, expected: true });
    const types = messages.map((m) => m.type).filter((t) => t !== 'log');
    assert.equal(types[0], 'ready');
    assert.equal(types[1], 'started');
    assert.equal(types.at(-1), 'finished');
    const ready = messages[0];
    assert.ok(
      ready?.type === 'ready' && ready.protocolVersion === PROTOCOL_VERSION && ready.backend.name === 'cpu',
    );
    assert.equal(ready.pid, trainer.pid);
    // 2 epochs of the tiny config: one epochEnd per epoch, and layer statistics for both hidden layers.
    assert.deepEqual(
      messages.flatMap((m) => (m.type === 'epochEnd' ? [m.epoch] : [])),
      [0, 1],
    );
    const stats = messages.find((m) => m.type === 'layerStats');
    assert.ok(stats?.type === 'layerStats');
    assert.deepEqual(
      stats.layers.map((l) => l.layer),
      [0, 1],
    );
  });

  it('stops cooperatively: `stop` mid-run ends with failed/stopped and a clean exit', async () => {
    const trainer = new TrainerProcess({ trainerPath, logger, backend: 'cpu' });
    const messages = collect(trainer);
    const runId = asRunId('trainer-process-stop');
    const config = tinyConfig({ train: { ...tinyConfig().train, batchSize: 4, epochs: 50 } });
    let stopping: Promise<unknown> | undefined;
    trainer.onMessage((message) => {
      if (message.type === 'ready') {
        trainer.send({ type: 'start', runId, mode: 'train', config, baseDir: __dirname });
      }
      if (message.type === 'progress' && !stopping) stopping = trainer.stop(20_000);
    });
    const exit = await trainer.whenExited();
    assert.equal(exit.signal, null, 'not killed: the trainer honoured stop within the grace period');
    assert.equal(exit.expected, true);
    const last = messages.at(-1);
    assert.ok(last?.type === 'failed' && last.reason === 'stopped', JSON.stringify(last));
    assert.ok(messages.filter((m) => m.type === 'epochEnd').length < 50);
  });

  it('exits when its host disconnects (no orphaned trainer)', async () => {
    const trainer = new TrainerProcess({ trainerPath, logger, backend: 'cpu' });
    await new Promise<void>((resolve) => trainer.onMessage((m) => m.type === 'ready' && resolve()));
    const pid = trainer.pid;
    assert.ok(pid !== undefined && isPidAlive(pid));
    trainer.disconnect(); // what the trainer sees when the extension host dies
    const exit = await trainer.whenExited();
    assert.equal(exit.code, 0);
    assert.equal(isPidAlive(pid), false);
  });
});
