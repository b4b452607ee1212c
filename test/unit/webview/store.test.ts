/**
 * The webview reducers (webview/shared/store.ts) against the REAL recorded stream: replaying every message must
 * end in the state of the final snapshot, a gap must request a resync, and long streams stay bounded.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeFrame } from '../../../src/protocol/frameCodec';
import type { FrameColumns, HostToWebview, RunPayload, SidebarRun } from '../../../src/protocol/webview';
import {
  initialDashboard,
  initialSidebar,
  LIMITS,
  reduceDashboard,
  reduceSidebar,
  selectedRuns,
  toRunView,
} from '../../../webview/shared/store';

function stream(name: string): HostToWebview[] {
  const path = join(process.cwd(), 'test', 'fixtures', 'streams', `${name}.jsonl`);
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as HostToWebview);
}
const messages = stream('snn-vs-relu');
const replay = (list: readonly HostToWebview[]) => list.reduce(reduceDashboard, initialDashboard);

describe('reduceDashboard', () => {
  test('replaying the recording ends with the final snapshot state', () => {
    const last = messages.at(-1);
    assert.equal(last?.type, 'snapshot');
    const state = replay(messages);
    assert.equal(state.seq, (last as { seq: number }).seq);
    assert.equal(state.needsResync, false);
    assert.deepEqual(selectedRuns(state), (last as { runs: RunPayload[] }).runs.map(toRunView));
  });

  test('appended messages extend the mid-run snapshot with data the final snapshot confirms', () => {
    // The recording holds a snapshot taken mid-run; between it and the final snapshot only appended data arrives.
    const snaps = messages.flatMap((m, i) =>
      m.type === 'snapshot' && m.runs.some((r) => r.frames.length > 0) ? [i] : [],
    );
    assert.ok(snaps.length >= 2, 'the recording has a mid-run and a final snapshot');
    const before = replay(messages.slice(0, snaps.at(-2)! + 1));
    const after = replay(messages.slice(0, messages.length - 1));
    const final = messages.at(-1) as Extract<HostToWebview, { type: 'snapshot' }>;
    assert.equal(final.seq, after.seq + 1, 'no gap before the final snapshot');
    let grew = 0;
    for (const run of final.runs) {
      const live = after.runs[run.info.runId]!;
      grew += live.frames.length - before.runs[run.info.runId]!.frames.length;
      // Frames arrive unthinned below the cap, so every live frame is one the host also kept.
      const kept = new Set(run.frames.map((f) => f.step));
      for (const f of live.frames) {
        assert.ok(kept.has(f.step), `${run.info.name}: live step ${f.step} unknown to the host`);
      }
      for (const [i, f] of live.frames.entries()) {
        assert.deepEqual(f, decodeFrame(run.frames[i]!), `${run.info.name} frame ${i}`);
      }
    }
    assert.ok(grew > 0, 'appended messages added frames');
  });

  test('a seq gap sets needsResync and ignores data until the next snapshot', () => {
    const first = messages.findIndex((m) => m.type === 'appended');
    const base = replay(messages.slice(0, first));
    const skipped = messages[first + 1]!;
    const state = reduceDashboard(base, skipped);
    assert.equal(state.needsResync, true);
    assert.equal(state.seq, base.seq);
    assert.equal(
      reduceDashboard(state, messages[first]!),
      state,
      'later appended data is ignored until a snapshot',
    );
    const snapshot = messages.at(-1)!;
    assert.equal(reduceDashboard(state, snapshot).needsResync, false);
  });

  test('appended data before any snapshot is ignored', () => {
    const appended = messages.find((m) => m.type === 'appended')!;
    assert.equal(reduceDashboard(initialDashboard, appended), initialDashboard);
  });

  test("one appended message holding several pushes' runs lands like those pushes one by one", () => {
    // The recording's appended messages after its first snapshot each carry one run; the channel now sends a push's
    // runs in one message, a run possibly twice (statistics a snapshot left out, then newer data): applied in order.
    const start = messages.findIndex((m) => m.type === 'appended');
    const end = messages.findIndex((m, i) => i > start && m.type !== 'appended');
    const pushes = messages.slice(start, end).filter((m) => m.type === 'appended');
    assert.ok(new Set(pushes.flatMap((m) => m.runs.map((r) => r.runId))).size >= 2, 'several runs');
    const before = replay(messages.slice(0, start));
    const oneByOne = pushes.reduce(reduceDashboard, before);
    const merged = reduceDashboard(before, {
      type: 'appended',
      seq: before.seq + 1,
      runs: pushes.flatMap((m) => m.runs),
    });
    assert.equal(merged.seq, before.seq + 1);
    assert.equal(merged.needsResync, false);
    assert.deepEqual(selectedRuns(merged), selectedRuns(oneByOne));
    assert.deepEqual(merged.allRuns, oneByOne.allRuns);
  });

  test('an appended message without a runs list (a host of the older form) is ignored, not thrown on', () => {
    const state = replay(
      messages.slice(
        0,
        messages.findIndex((m) => m.type === 'appended'),
      ),
    );
    const old = { type: 'appended', seq: state.seq + 1, runId: 'x', curves: {} } as unknown as HostToWebview;
    assert.equal(reduceDashboard(state, old), state);
  });

  test('frames stay bounded (thinned evenly, newest kept) on a long live run', () => {
    const snapshot = messages.at(-1) as Extract<HostToWebview, { type: 'snapshot' }>;
    const run = snapshot.runs[0]!;
    let state = reduceDashboard(initialDashboard, snapshot);
    const template: FrameColumns = run.frames.at(-1)!;
    const total = LIMITS.frames * 3;
    for (let i = 1; i <= total; i++) {
      state = reduceDashboard(state, {
        type: 'appended',
        seq: state.seq + 1,
        runs: [
          {
            runId: run.info.runId,
            curves: { batch_loss: { step: [10_000 + i], epoch: [99], value: [1 / i] } },
            frames: [{ ...template, step: 10_000 + i }],
            histograms: [],
          },
        ],
      });
    }
    const frames = state.runs[run.info.runId]!.frames;
    assert.ok(frames.length <= LIMITS.frames * 1.5, `${frames.length} frames kept`);
    assert.equal(frames.at(-1)!.step, 10_000 + total);
    assert.equal(frames[0]!.step, run.frames[0]!.step, 'the oldest frame is kept as well');
  });

  test('showTab and notice are recorded for the UI', () => {
    assert.equal(
      reduceDashboard(initialDashboard, { type: 'showTab', tab: 'theory' }).requestedTab,
      'theory',
    );
    assert.deepEqual(
      reduceDashboard(initialDashboard, { type: 'notice', level: 'error', message: 'x' }).notice,
      { level: 'error', message: 'x' },
    );
  });
});

describe('reduceDashboard: run list and selection messages', () => {
  const snapshot = messages.find(
    (m): m is Extract<HostToWebview, { type: 'snapshot' }> => m.type === 'snapshot' && m.runs.length === 2,
  )!;
  const [first, second] = snapshot.runs as [RunPayload, RunPayload];
  const base = reduceDashboard(initialDashboard, {
    ...snapshot,
    seq: 1,
    selected: [first.info.runId],
    runs: [first],
  });

  test('`runs` adds new runs to the run list and drops deleted ones from everything', () => {
    const added = { ...second.info, runId: 'new-run-0001' as RunPayload['info']['runId'] };
    const next = reduceDashboard(base, {
      type: 'runs',
      seq: 2,
      upsert: [added],
      removed: [first.info.runId],
    });
    assert.equal(next.seq, 2);
    assert.ok(next.allRuns.some((r) => r.runId === added.runId));
    assert.ok(!next.allRuns.some((r) => r.runId === first.info.runId));
    assert.deepEqual(next.selected, []);
    assert.equal(next.runs[first.info.runId], undefined);
  });

  test('`selection` keeps the runs the webview holds, adds the payloads it brings, and drops the rest', () => {
    const both = reduceDashboard(base, {
      type: 'selection',
      seq: 2,
      selected: [first.info.runId, second.info.runId],
      runs: [second],
    });
    assert.deepEqual(both.selected, [first.info.runId, second.info.runId]);
    assert.equal(both.runs[first.info.runId], base.runs[first.info.runId], 'the held run is not rebuilt');
    assert.equal(both.runs[second.info.runId]!.frames.length, second.frames.length);
    const one = reduceDashboard(both, { type: 'selection', seq: 3, selected: [second.info.runId], runs: [] });
    assert.deepEqual(Object.keys(one.runs), [second.info.runId]);
    const gap = reduceDashboard(one, { type: 'selection', seq: 9, selected: [], runs: [] });
    assert.equal(gap.needsResync, true, 'a gap asks for a snapshot');
  });
});

describe('reduceSidebar', () => {
  test('an update replaces the rows it names, appends new ones and removes deleted ones', () => {
    const side = stream('snn-vs-relu.sidebar');
    const state = side.reduce(reduceSidebar, initialSidebar);
    const [a, b] = state.runs as [SidebarRun, SidebarRun];
    const fresh: SidebarRun = {
      ...b,
      info: { ...b.info, runId: 'new-run-0001' as SidebarRun['info']['runId'] },
    };
    const changed: SidebarRun = { ...a, spark: [1, 2, 3] };
    const next = reduceSidebar(state, {
      type: 'sidebarUpdate',
      seq: state.seq + 1,
      upsert: [changed, fresh],
      removed: [b.info.runId],
    });
    assert.deepEqual(
      next.runs.map((r) => r.info.runId),
      [a.info.runId, 'new-run-0001'],
    );
    assert.deepEqual(next.runs[0]!.spark, [1, 2, 3]);
  });

  test('takes the latest sidebar snapshot of the recording', () => {
    const side = stream('snn-vs-relu.sidebar');
    const state = side.reduce(reduceSidebar, initialSidebar);
    const last = side.at(-1) as Extract<HostToWebview, { type: 'sidebarSnapshot' }>;
    assert.deepEqual(state.runs, last.runs);
    assert.ok(state.runs.every((r) => r.info.status === 'finished'));
  });
});
