// The sidebar's first snapshot: every run's row, the overviews (sparkline, summary) of the first screen's rows in the
// order the sidebar shows them, the rest read afterwards in slices and sent as updates; rows carry no layer list.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { labelsByExperiment } from '../../../src/core/runNames';
import { displayOrder, SidebarRows } from '../../../src/host/webviews/sidebarRows';
import type { RunId } from '../../../src/protocol/ids';
import { RunStore } from '../../../src/runs/runStore';
import type { RunMeta } from '../../../src/runs/runTypes';
import { tinyPlan, trainerMessages } from '../runs/fixtures';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Finished runs written through the store, created in this order (1 ms apart so they sort by creation). */
function store(names: readonly string[]): { store: RunStore; ids: RunId[] } {
  const root = mkdtempSync(join(tmpdir(), 'snn-sidebar-rows-'));
  roots.push(root);
  let now = Date.parse('2026-12-07T10:00:00.000Z');
  const s = new RunStore(root, { now: () => new Date((now += 1000)) });
  const ids = names.map((name) => {
    const id = s.create(tinyPlan(name), { experiment: '/x/e.snn.json', mode: 'train' });
    s.setStatus(id, 'running');
    for (const message of trainerMessages(id)) s.record(id, message);
    return id;
  });
  return { store: s, ids };
}

test('display order: experiments by their newest run, newest first within each (as the sidebar shows them)', () => {
  const meta = (name: string, n: number): RunMeta => ({ name, runId: `r${n}` }) as unknown as RunMeta;
  const order = displayOrder([
    meta('a/x', 1),
    meta('b/x', 2),
    meta('a/y', 3),
    meta('c/x', 4),
    meta('b/y', 5),
  ]);
  assert.deepEqual(
    order.map((m) => m.runId),
    ['r5', 'r2', 'r4', 'r3', 'r1'],
  );
});

test('all(readFirst) reads the first screen only; loadRest reads the others and sends them as updates', async () => {
  const { store: s, ids } = store(['a/SNN/seed=1', 'b/SNN/seed=1', 'a/SNN/seed=2', 'a/SNN/seed=3']);
  const [a1, b1, a2, a3] = ids as [RunId, RunId, RunId, RunId];
  const rows = new SidebarRows(s);
  const first = rows.all(2);
  assert.deepEqual(
    first.map((r) => r.info.runId),
    ids,
    'every run has a row, in the store order',
  );
  const read = (id: RunId): boolean => (first.find((r) => r.info.runId === id)?.spark.length ?? 0) > 0;
  // Experiment a has the newest run: its two newest runs are the first screen.
  assert.deepEqual([a3, a2, b1, a1].map(read), [true, true, false, false]);
  assert.ok(
    first.every((r) => r.info.layers.length === 0),
    'rows carry no layer list',
  );
  assert.ok(first.every((r) => r.info.status === 'finished'));
  assert.equal(rows.takeUpdate(), undefined, 'nothing changed yet');
  let slices = 0;
  await rows.loadRest(() => slices++);
  assert.ok(slices >= 1);
  const update = rows.takeUpdate();
  assert.deepEqual(update?.upsert.map((r) => r.info.runId).sort(), [b1, a1].sort());
  assert.ok(update?.upsert.every((r) => r.spark.length > 0 && r.keyMetric !== undefined));
  const again = rows.all(2);
  assert.ok(
    again.every((r) => r.spark.length > 0),
    'read rows stay cached',
  );
  assert.deepEqual(again, new SidebarRows(s).all(), 'the same rows as reading every overview at once');
  s.dispose();
});

test('a run deleted while the rest loads is skipped', async () => {
  const { store: s, ids } = store(['a/SNN/seed=1', 'a/SNN/seed=2', 'a/SNN/seed=3']);
  const rows = new SidebarRows(s);
  rows.all(1);
  s.delete(ids[0] as RunId);
  await rows.loadRest(() => undefined);
  assert.deepEqual(
    rows.takeUpdate()?.upsert.map((r) => r.info.runId),
    [ids[1]],
  );
  s.dispose();
});

test('loadRest on an empty store, then again once runs exist: the second load reads them', async () => {
  const { store: s } = store([]);
  const rows = new SidebarRows(s);
  assert.deepEqual(rows.all(1), []);
  await rows.loadRest(() => undefined);
  const id = s.create(tinyPlan('a/SNN/seed=1'), { experiment: '/x/e.snn.json', mode: 'train' });
  s.create(tinyPlan('a/SNN/seed=2'), { experiment: '/x/e.snn.json', mode: 'train' });
  s.setStatus(id, 'running');
  for (const message of trainerMessages(id)) s.record(id, message);
  assert.equal(
    rows.all(1).find((r) => r.info.runId === id)?.spark.length,
    0,
    'not the first screen: not read yet',
  );
  await rows.loadRest(() => undefined);
  const update = rows.takeUpdate();
  assert.ok((update?.upsert.find((r) => r.info.runId === id)?.spark.length ?? 0) > 0);
  s.dispose();
});

test("rows carry the page's labels, and a run that changes other runs' labels re-sends their rows", () => {
  const { store: s, ids } = store(['e/model.depth=8,model.activation=selu', 'f/model.depth=8']);
  const [e8, f8] = ids as [RunId, RunId];
  const rows = new SidebarRows(s);
  const labelsOf = (): Map<string, string> =>
    labelsByExperiment(s.list().map((m) => ({ runId: m.runId, name: m.name, createdAt: m.createdAt })));
  const first = rows.all();
  const before = labelsOf();
  // The oracle is what the page computed itself before the host sent labels: labelsByExperiment over every row.
  assert.deepEqual(
    first.map((r) => r.label),
    first.map((r) => labelsByExperiment(first.map((row) => row.info)).get(r.info.runId)),
  );
  assert.deepEqual(
    first.map((r) => r.label),
    ids.map((id) => before.get(id)),
  );
  assert.equal(rows.takeUpdate(), undefined, 'nothing changed yet');
  const e32 = s.create(tinyPlan('e/model.depth=32,model.activation=selu'), {
    experiment: '/x/e.snn.json',
    mode: 'train',
  });
  rows.apply({ kind: 'created', runId: e32 } as Parameters<SidebarRows['apply']>[0]);
  const after = labelsOf();
  assert.notEqual(after.get(e8), before.get(e8), "the fixture changes experiment e's first label");
  const upserted = new Map(rows.takeUpdate()?.upsert.map((r) => [r.info.runId as string, r.label]));
  assert.equal(upserted.get(e8), after.get(e8), "e's first run is re-sent with its new label");
  assert.equal(upserted.get(e32), after.get(e32), 'the new run comes with its label');
  assert.ok(!upserted.has(f8), 'a run of another experiment, its label unchanged, is not re-sent');
  s.dispose();
});
