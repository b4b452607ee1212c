// RunStoreSwitch: the extension's run store whose directory changes at once (a new snnLab.runsDirectory, or the
// workspace's own once it is trusted): listeners hear which runs went and came; new runs land in the new folder.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RunStore } from '../../../src/runs/runStore';
import { RunStoreSwitch } from '../../../src/runs/runStoreSwitch';
import type { RunChange } from '../../../src/runs/runTypes';
import { tinyPlan } from './fixtures';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('switchTo replaces the directory, reports the runs that went and came, and forwards the new store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-switch-'));
  dirs.push(dir);
  const old = new RunStore(join(dir, 'a'));
  const kept = old.create(tinyPlan('x/old'), { experiment: '/e.snn.json', mode: 'train' });
  old.dispose();
  const other = new RunStore(join(dir, 'b'));
  const theirs = other.create(tinyPlan('x/theirs'), { experiment: '/e.snn.json', mode: 'train' });
  other.dispose();

  const store = new RunStoreSwitch(join(dir, 'a'));
  const seen: RunChange[] = [];
  store.onDidChange((c) => seen.push(c));
  assert.deepEqual(
    store.list().map((m) => m.runId),
    [kept],
  );
  assert.equal(store.switchTo(join(dir, 'a')), false, 'the same folder: nothing to do');
  assert.equal(store.switchTo(join(dir, 'b')), true);
  assert.equal(store.root, join(dir, 'b'));
  assert.deepEqual(seen, [
    { kind: 'deleted', runId: kept },
    { kind: 'created', runId: theirs },
  ]);
  seen.length = 0;
  const fresh = store.create(tinyPlan('x/new'), { experiment: '/e.snn.json', mode: 'train' });
  assert.ok(existsSync(join(dir, 'b', fresh, 'meta.json')), 'a new run is written in the new folder');
  assert.ok(
    seen.some((c) => c.kind === 'created' && c.runId === fresh),
    'events of the new store are forwarded',
  );
  assert.equal(store.readMeta(fresh)?.status, 'queued');
  store.dispose();
});

test('every public RunStore method is forwarded (a method added to RunStore must be added to the switch)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-switch-'));
  dirs.push(dir);
  const store = new RunStoreSwitch(join(dir, 'a'));
  const methods = Object.getOwnPropertyNames(RunStore.prototype).filter(
    (name) => name !== 'constructor' && typeof Reflect.get(RunStore.prototype, name) === 'function',
  );
  // RunStore's private methods (TypeScript's private is not visible at run time).
  const privateOnes = new Set(['ownedWriter', 'retryFull']);
  const missing = methods.filter(
    (name) => !privateOnes.has(name) && typeof Reflect.get(store, name) !== 'function',
  );
  assert.deepEqual(missing, []);
  store.dispose();
});
