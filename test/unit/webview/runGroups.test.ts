/**
 * The Curves and Layers tabs' aggregate view (webview/dashboard/study/runGroups.ts) on the REAL recorded study:
 * compared runs group as a study groups them, and group means and spreads equal plain arithmetic over the runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HostToWebview } from '../../../src/protocol/webview';
import { curveBand, groupCompared, groupLayers, layersAt } from '../../../webview/dashboard/study/runGroups';
import { toRunView } from '../../../webview/shared/store';

const snapshot = readFileSync(join(process.cwd(), 'test', 'fixtures', 'streams', 'study.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as HostToWebview)
  .find((m) => m.type === 'snapshot') as Extract<HostToWebview, { type: 'snapshot' }>;
const runs = snapshot.runs.map(toRunView);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

test('groupCompared: repeats of one configuration form a group, named by the keys that differ', () => {
  const groups = groupCompared(runs);
  assert.deepEqual(
    groups.map((g) => [g.label, g.runs.map((r) => r.info.study?.repeat)]),
    [
      ['SNN/model.depth=2', [0, 1, 2]],
      ['SNN/model.depth=6', [0, 1, 2]],
      ['ReLU/model.depth=2', [0, 1, 2]],
      ['ReLU/model.depth=6', [0, 1, 2]],
    ],
  );
  // The same coordinates from another experiment file, and a run without study keys, stand apart.
  const moved = { ...runs[0]!, info: { ...runs[0]!.info, runId: 'moved' as never } };
  moved.info.study = { ...moved.info.study!, file: '/elsewhere/study.snn.json' };
  const bare = { ...runs[1]!, info: { ...runs[1]!.info, runId: 'bare' as never, study: undefined } };
  const mixed = groupCompared([runs[0]!, runs[1]!, moved, bare]);
  assert.deepEqual(
    mixed.map((g) => g.runs.map((r) => r.info.runId)),
    [[runs[0]!.info.runId, runs[1]!.info.runId], ['moved'], ['bare']],
  );
  assert.deepEqual(
    groupCompared(runs.slice(0, 3)).map((g) => g.label),
    ['all runs'],
  );
});

test('curveBand: epoch metrics of repeats align exactly (mean and sample std at every step, n = 3)', () => {
  const group = groupCompared(runs)[0]!;
  const curves = group.runs.map((r) =>
    r.curves.val_loss!.step.map((x, i) => ({ x, y: r.curves.val_loss!.value[i]! })),
  );
  const band = curveBand(curves);
  assert.equal(band.length, curves[0]!.length);
  band.forEach((p, i) => {
    const ys = curves.map((c) => c[i]!.y);
    assert.equal(p.x, curves[0]![i]!.x);
    assert.equal(p.n, 3);
    assert.ok(Math.abs(p.mean - mean(ys)) < 1e-12);
    assert.ok(Math.abs(p.std - std(ys)) < 1e-12);
  });
});

test('curveBand: curves sampled at different x are binned first (a per-run thinned loss)', () => {
  const a = Array.from({ length: 100 }, (_, i) => ({ x: 2 * i, y: 1 }));
  const b = Array.from({ length: 100 }, (_, i) => ({ x: 2 * i + 1, y: 3 }));
  const band = curveBand([a, b], 50);
  assert.equal(band.length, 50);
  for (const p of band) {
    assert.equal(p.n, 2);
    assert.equal(p.mean, 2);
    assert.ok(Math.abs(p.std - Math.SQRT2) < 1e-15);
  }
  assert.ok(band.every((p, i) => i === 0 || p.x > band[i - 1]!.x));
});

test('groupLayers: per layer at a step, the mean and std over the group of what each run reported', () => {
  const group = groupCompared(runs)[1]!;
  const lines = groupLayers(group);
  const step = group.runs[0]!.frames.at(-1)!.step;
  const at = layersAt(lines, step)!;
  assert.equal(at.step, step);
  at.layers.forEach((layer, k) => {
    const values = group.runs.map((r) => r.frames.find((f) => f.step === step)!.layers[k]!.post.variance);
    assert.equal(layer.n, 3);
    assert.ok(Math.abs(layer.mean.post.variance - mean(values)) < 1e-12);
    assert.ok(Math.abs(layer.std.post.variance - std(values)) < 1e-12);
  });
});
