// A large queue (issue 13, item 4): run ids are handed out at once, but directories exist only for the runs about
// to start, so 40 queued runs write a handful of directories and cancelling the queue leaves no empty runs behind.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { QUEUED_AHEAD, RunManager } from '../../../src/runs/runManager';
import { RunStore } from '../../../src/runs/runStore';
import { isRunIdText } from '../../../src/core/runIdPattern';
import { writeFakeTrainer } from './fakeTrainer';
import { tinyPlan } from './fixtures';

const trainerPath = writeFakeTrainer();
const root = mkdtempSync(join(tmpdir(), 'snn-queue-'));
after(() => rmSync(root, { recursive: true, force: true }));
const silent = { info: () => {}, warn: () => {}, error: () => {} };

function runDirs(dir: string): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith('.'));
}

test('40 queued runs: ids at once, directories only for the running one and the next few', async () => {
  const dir = join(root, 'a');
  const store = new RunStore(dir, { logger: silent });
  const manager = new RunManager({
    trainerPath,
    store,
    logger: silent,
    maxConcurrent: 1,
    env: { FAKE_STEPS: '1000', FAKE_STEP_MS: '50' },
  });
  const plans = Array.from({ length: 40 }, (_, i) => tinyPlan(`grid/seed=${i}`));
  const ids = manager.enqueue(plans, { experiment: '/nowhere/grid.snn.json', mode: 'train' });
  assert.equal(new Set(ids).size, 40);
  assert.ok(ids.every((id) => isRunIdText(id)));
  assert.equal(runDirs(dir).length, 1 + QUEUED_AHEAD, 'the running run and the next QUEUED_AHEAD');
  assert.equal(store.readMeta(ids[1]!)?.status, 'queued', 'the next runs are visible as queued');
  assert.equal(store.readMeta(ids[39]!), undefined, 'the last run has no directory yet');

  const statuses = Promise.all(ids.map((id) => manager.whenDone(id)));
  await manager.stopAll();
  assert.deepEqual(new Set(await statuses), new Set(['stopped', 'cancelled']));
  assert.equal(runDirs(dir).length, 1 + QUEUED_AHEAD, 'cancelling wrote no further directories');
  for (const id of ids.slice(1, 1 + QUEUED_AHEAD)) assert.equal(store.readMeta(id)?.status, 'cancelled');
  await manager.dispose();
  store.dispose();
});

test('directories follow the queue as runs finish, and every run ends recorded', async () => {
  const dir = join(root, 'b');
  const store = new RunStore(dir, { logger: silent });
  const manager = new RunManager({
    trainerPath,
    store,
    logger: silent,
    maxConcurrent: 2,
    env: { FAKE_STEPS: '1', FAKE_STEP_MS: '1' },
  });
  const plans = Array.from({ length: 14 }, (_, i) => tinyPlan(`grid/seed=${i}`));
  const ids = manager.enqueue(plans, { experiment: '/nowhere/grid.snn.json', mode: 'train' });
  assert.ok(runDirs(dir).length <= 2 + QUEUED_AHEAD);
  assert.deepEqual(
    await Promise.all(ids.map((id) => manager.whenDone(id))),
    ids.map(() => 'finished'),
  );
  assert.equal(runDirs(dir).length, 14);
  await manager.dispose();
  store.dispose();
});

test('a run whose directory cannot be created ends failed without stopping the queue', async () => {
  const dir = join(root, 'c');
  const store = new RunStore(dir, { logger: silent });
  const errors: string[] = [];
  const manager = new RunManager({
    trainerPath,
    store,
    logger: { ...silent, error: (m) => errors.push(m) },
    maxConcurrent: 1,
    env: { FAKE_STEPS: '1', FAKE_STEP_MS: '1' },
  });
  const create = store.create.bind(store);
  let calls = 0;
  store.create = (plan, options) => {
    calls++;
    if (calls === 1) throw new Error('ENOSPC: no space left on device');
    return create(plan, options);
  };
  const ids = manager.enqueue([tinyPlan('a'), tinyPlan('b')], {
    experiment: '/nowhere/x.snn.json',
    mode: 'train',
  });
  assert.deepEqual(await Promise.all(ids.map((id) => manager.whenDone(id))), ['failed', 'finished']);
  assert.match(errors[0] ?? '', /cannot create the run directory: ENOSPC/);
  await manager.dispose();
  store.dispose();
});
