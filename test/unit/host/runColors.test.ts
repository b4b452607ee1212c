// Run colour slots: assigned once in creation order, stored, the same after a restart, distinct for 12 new runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLOR_SLOTS, RunColors, type StateLike } from '../../../src/host/webviews/runColors';
import { asRunId, type RunId } from '../../../src/protocol/ids';
import type { RunInfo } from '../../../src/protocol/webview';

function memento(): StateLike & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(key: string) => data.get(key) as T | undefined,
    update: (key, value) => {
      data.set(key, structuredClone(value));
      return Promise.resolve();
    },
  };
}

const runs = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    runId: asRunId(`run-${from + i}`),
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, from + i)).toISOString(),
  }));

test('12 runs created one after another get 12 different slots; the next run wraps round', () => {
  const colors = new RunColors(memento());
  const twelve = runs(12);
  const slots = colors.slots(twelve);
  assert.equal(new Set(slots.values()).size, COLOR_SLOTS);
  const more = colors.slots([...twelve, ...runs(1, 12)]);
  assert.equal(more.get(asRunId('run-12')), slots.get(asRunId('run-0')));
});

test('slots survive a restart (stored), whatever order the runs are listed in, and new runs continue the cycle', () => {
  const state = memento();
  const first = new RunColors(state).slots(runs(5));
  const again = new RunColors(state).slots([...runs(5)].reverse());
  for (const [id, slot] of first) assert.equal(again.get(id), slot);
  const later = new RunColors(state).slots([...runs(5), ...runs(3, 5)]);
  assert.deepEqual(
    [5, 6, 7].map((i) => later.get(asRunId(`run-${i}`))),
    [5, 6, 7],
  );
});

test('new runs are numbered in creation order, not list order; deleted runs are forgotten', () => {
  const state = memento();
  const colors = new RunColors(state);
  const listed = runs(3).reverse();
  const slots = colors.slots(listed);
  assert.deepEqual(
    [0, 1, 2].map((i) => slots.get(asRunId(`run-${i}`))),
    [0, 1, 2],
  );
  colors.slots(runs(1));
  const stored = state.data.get('runColorSlots') as { slots: Record<string, number> };
  assert.deepEqual(Object.keys(stored.slots), ['run-0']);
});

test('a corrupt stored value is ignored field by field; paint sets RunInfo.color', () => {
  const state = memento();
  void state.update('runColorSlots', { next: -3, slots: { 'run-0': 99, 'run-1': 4 } });
  const colors = new RunColors(state);
  const infos = runs(2).map(
    (r) => ({ ...r, name: r.runId, status: 'finished', mode: 'train', layers: [] }) as RunInfo,
  );
  colors.paint(infos);
  assert.equal(infos[1]?.color, 4);
  assert.equal(infos[0]?.color, 0, 'an out-of-range slot is replaced');
  const id: RunId = infos[0]!.runId;
  assert.equal(typeof id, 'string');
});

test('paintSome (an incremental update) colours a new run with the next slot and forgets no other run', () => {
  const state = memento();
  const colors = new RunColors(state);
  const info = (r: { runId: RunId; createdAt: string }) =>
    ({ ...r, name: r.runId, status: 'running', mode: 'train', layers: [] }) as RunInfo;
  const five = runs(5).map(info);
  colors.paint(five);
  const fresh = info(runs(1, 5)[0]!);
  colors.paintSome([fresh]);
  assert.equal(fresh.color, 5, 'the next slot after the five painted runs');
  const stored = state.data.get('runColorSlots') as { slots: Record<string, number> };
  assert.deepEqual(Object.keys(stored.slots).sort(), [...runs(6).map((r) => r.runId)].sort());
  const again = runs(5).map(info);
  colors.paintSome(again.slice(2, 3));
  assert.equal(again[2]?.color, 2, 'a known run keeps its slot');
});
