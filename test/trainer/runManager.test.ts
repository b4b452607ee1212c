// RunManager + RunStore with the REAL trainer on tiny synthetic runs (depth 2, width 8): a SIGKILLed trainer
// becomes failed/crashed with its records kept, the queue limit holds, queued runs cancel, stop works mid-epoch.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import type { RunConfig, RunPlan } from '../../src/core/config/experimentConfig';
import { isPidAlive } from '../../src/runs/liveness';
import { RunManager } from '../../src/runs/runManager';
import { RunStore } from '../../src/runs/runStore';
import type { RunId } from '../../src/protocol/ids';
import type { TrainerToHost } from '../../src/protocol/trainer';
import { tinyConfig } from '../unit/runs/fixtures';
import { schemaProblemsUnder } from '../shared/runStoreSchemas';

const trainerPath = join(__dirname, '..', '..', '..', 'dist', 'trainer.js');
const logger = { info() {}, warn() {}, error() {} };
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function setup(maxConcurrent = 1) {
  const root = mkdtempSync(join(tmpdir(), 'snn-trainer-manager-'));
  roots.push(root);
  const store = new RunStore(root, { progressFlushMs: 0 });
  const manager = new RunManager({ trainerPath, store, logger, maxConcurrent, stopGraceMs: 20_000 });
  return { store, manager };
}

function plan(name: string, config: RunConfig = tinyConfig()): RunPlan {
  return { name, sweepPoint: {}, config: { ...config, name } };
}

/** Long epochs (~700 steps of batch 4): a stop or kill lands mid-epoch. Statistics every step. */
function longConfig(): RunConfig {
  const base = tinyConfig();
  return {
    ...base,
    data: { ...base.data, samples: 4000 } as RunConfig['data'],
    train: { ...base.train, batchSize: 4, epochs: 20 },
  };
}

const options = {
  experiment: join(__dirname, 'virtual.snn.json'),
  mode: 'train' as const,
  backend: 'cpu' as const,
};

/** Resolves with the first message of `runId` that satisfies `test`. */
function waitFor(
  manager: RunManager,
  runId: RunId,
  test: (m: TrainerToHost) => boolean,
): Promise<TrainerToHost> {
  return new Promise((resolve) => {
    const sub = manager.onMessage(({ runId: id, message }) => {
      if (id === runId && test(message)) {
        sub.dispose();
        resolve(message);
      }
    });
  });
}

describe('RunManager with the real trainer', () => {
  it('SIGKILL of a running trainer: failed/crashed, and what was recorded before stays readable', async () => {
    const { store, manager } = setup();
    const [runId] = manager.enqueue([plan('killed', longConfig())], options) as [RunId];
    await waitFor(manager, runId, (m) => m.type === 'progress' && hasLayers(store, runId));
    const before = store.read(runId);
    assert.ok(before && before.metrics.length > 0 && before.layers.length > 0);
    const pid = store.readMeta(runId)?.executor;
    assert.ok(pid?.kind === 'local' && pid.pid !== undefined);
    process.kill(pid.pid, 'SIGKILL'); // what the OOM killer does
    assert.equal(await manager.whenDone(runId), 'failed');
    const after = new RunStore(store.root).read(runId); // read back from disk by a fresh store
    assert.equal(after?.meta.failure?.reason, 'crashed');
    assert.match(after?.meta.failure?.message ?? '', /signal SIGKILL/);
    assert.ok((after?.metrics.length ?? 0) >= before.metrics.length);
    assert.ok((after?.layers.length ?? 0) >= before.layers.length);
    assert.deepEqual(after?.metrics.slice(0, before.metrics.length), before.metrics);
    assert.equal(after?.summary, undefined);
    await manager.dispose();
  });

  it('honours max concurrent 1: two runs never overlap', async () => {
    const { store, manager } = setup(1);
    let overlap = false;
    manager.onMessage(() => {
      if (manager.active().length > 1) overlap = true;
    });
    const ids = manager.enqueue([plan('first'), plan('second')], options) as [RunId, RunId];
    const secondStarted = waitFor(manager, ids[1], (m) => m.type === 'ready');
    await secondStarted;
    const first = store.readMeta(ids[0]);
    assert.equal(first?.status, 'finished', 'the first run had ended when the second trainer said ready');
    assert.ok(first?.executor?.kind === 'local' && first.executor.pid !== undefined);
    assert.equal(isPidAlive(first.executor.pid), false, "the first run's trainer process is gone");
    assert.deepEqual(await Promise.all(ids.map((id) => manager.whenDone(id))), ['finished', 'finished']);
    assert.equal(overlap, false);
    await manager.dispose();
  });

  it('cancels a queued run; it never starts', async () => {
    const { store, manager } = setup(1);
    const [running, queued] = manager.enqueue([plan('running', longConfig()), plan('queued')], options) as [
      RunId,
      RunId,
    ];
    await manager.stop(queued);
    assert.equal(await manager.whenDone(queued), 'cancelled');
    assert.deepEqual(manager.queued(), []);
    await manager.stop(running);
    const data = store.read(queued);
    assert.equal(data?.meta.status, 'cancelled');
    assert.equal(data?.meta.startedAt, undefined);
    assert.deepEqual(data?.metrics, []);
    await manager.dispose();
  });

  it('stops a run mid-epoch: status stopped, the epoch never ends', async () => {
    const { store, manager } = setup(1);
    const [runId] = manager.enqueue([plan('stopped', longConfig())], options) as [RunId];
    await waitFor(manager, runId, (m) => m.type === 'progress');
    await manager.stop(runId);
    assert.equal(await manager.whenDone(runId), 'stopped');
    const data = store.read(runId);
    assert.equal(data?.meta.failure?.reason, 'stopped');
    assert.doesNotMatch(data?.meta.failure?.message ?? '', /SIGKILL/, 'the trainer stopped itself');
    assert.ok(data && data.metrics.some((m) => m.kind === 'progress'));
    assert.deepEqual(
      data.metrics.filter((m) => m.kind === 'epoch'),
      [],
      'stopped inside epoch 0',
    );
    await manager.dispose();
  });
});

function hasLayers(store: RunStore, runId: RunId): boolean {
  return (store.read(runId)?.layers.length ?? 0) > 0;
}

test('every run these tests wrote satisfies the run-store schemas (docs/run-store.md)', () => {
  const { runs, problems } = schemaProblemsUnder(roots);
  assert.ok(runs >= 3, `runs checked: ${runs}`);
  assert.deepEqual(problems, []);
});
