/**
 * StudyFeed (host side of the Study tab) over a REAL RunStore in a temp directory: the finished runs of one
 * experiment file with their study coordinates and final metrics, what did not finish, and the test predictions
 * DeLong's test reads, with a note instead of data wherever they cannot be used.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expandRuns } from '../../../src/core/config/expand';
import { parseExperiment } from '../../../src/core/config/parse';
import { toRunInfo } from '../../../src/host/webviews/payload';
import { MAX_PREDICTION_SAMPLES, StudyFeed } from '../../../src/host/webviews/studyFeed';
import type { RunId } from '../../../src/protocol/ids';
import { RunStore } from '../../../src/runs/runStore';
import { trainerMessages } from '../runs/fixtures';

const fixture = join(process.cwd(), 'test', 'fixtures', 'streams', 'study.snn.json');
const parsed = parseExperiment(readFileSync(fixture, 'utf8'), fixture);
if (!parsed.file) throw new Error(JSON.stringify(parsed.problems));
const plans = expandRuns(parsed.file);
const dir = mkdtempSync(join(tmpdir(), 'snn-study-feed-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const store = new RunStore(dir, { progressFlushMs: 0 });
const FILE = '/work/study.snn.json';

/** Runs every message of a finished run, with its own test metrics. */
function finish(runId: RunId, accuracy: number): void {
  for (const m of trainerMessages(runId)) {
    if (m.type === 'finished') {
      store.record(runId, {
        ...m,
        summary: { ...m.summary, test: { test_accuracy: accuracy, test_loss: Number.POSITIVE_INFINITY } },
      });
    } else store.record(runId, m);
  }
  store.setStatus(runId, 'finished');
}

const ids = plans.map((plan) => store.create(plan, { experiment: FILE, mode: 'train' }));
ids.slice(0, 10).forEach((id, i) => finish(id, 0.5 + i / 100));
store.setStatus(ids[10]!, 'failed', { reason: 'diverged', message: 'NaN loss' });
const other = store.create(plans[0]!, { experiment: '/work/other.snn.json', mode: 'train' });
finish(other, 0.99);

test('RunInfo carries the study keys and the experiment file of every run', () => {
  const meta = store.list().find((m) => m.runId === ids[4]);
  const info = toRunInfo(meta!);
  assert.equal(info.study?.file, FILE);
  assert.equal(info.study?.experiment, 'study-fixture');
  assert.equal(info.study?.variant, plans[4]!.variant);
  // The run store reads JSON into prototype-less objects (a key may be `__proto__`): compared by value.
  assert.deepEqual({ ...info.study?.sweepPoint }, plans[4]!.sweepPoint);
  assert.equal(info.study?.repeat, plans[4]!.repeat);
});

test('study(file): the finished runs of that file only, with coordinates and metrics; the rest counted by status', () => {
  const feed = new StudyFeed(store);
  const m = feed.study(FILE);
  assert.equal(m.type, 'study');
  assert.equal(m.file, FILE);
  assert.deepEqual(m.runs.map((r) => r.runId).sort(), ids.slice(0, 10).sort());
  assert.deepEqual(m.unfinished, { failed: 1, queued: 1 });
  const first = m.runs.find((r) => r.runId === ids[0])!;
  assert.deepEqual(JSON.parse(JSON.stringify(first.coordinates)), {
    experiment: 'study-fixture',
    variant: plans[0]!.variant,
    sweepPoint: plans[0]!.sweepPoint,
    repeat: 0,
  });
  // Final (last epoch) and test metrics as `snn-lab study` reads them; infinity travels as null.
  assert.deepEqual(first.metrics, { loss: 0.6, accuracy: 0.75, test_accuracy: 0.5, test_loss: null });
  assert.deepEqual(feed.study('/work/nothing.snn.json'), {
    type: 'study',
    file: '/work/nothing.snn.json',
    runs: [],
    unfinished: {},
  });
});

test('predictions: test scores of a binary task; notes for a missing, multi-class or malformed file', () => {
  const feed = new StudyFeed(store);
  const write = (id: RunId, text: string) => writeFileSync(join(store.runDir(id), 'predictions.csv'), text);
  write(
    ids[0]!,
    'sample,fold,split,label,score_0,score_1\n7,,test,1,0.2,0.8\n3,,validation,0,0.6,0.4\n9,,test,0,0.7,0.3\n',
  );
  write(ids[1]!, 'sample,fold,split,label,score_0,score_1,score_2\n7,,test,2,0.1,0.2,0.7\n');
  write(ids[2]!, 'sample,fold,split,label,score_0,score_1\n7,,test,1,zero,0.8\n');
  const m = feed.predictions([ids[0]!, ids[1]!, ids[2]!, ids[3]!, 'unknown-run' as RunId]);
  assert.deepEqual(m.runs[0], {
    runId: ids[0],
    scores: { sample: [7, 9], label: [1, 0], score: [0.8, 0.3] },
  });
  assert.deepEqual(m.runs[1], { runId: ids[1], note: 'DeLong needs a binary task' });
  assert.match(m.runs[2]?.note ?? '', /predictions\.csv:2: malformed row/);
  assert.deepEqual(m.runs[3], { runId: ids[3], note: 'no predictions.csv' });
  assert.equal(m.runs.length, 4, 'unknown runs are dropped');
  const rows = Array.from({ length: MAX_PREDICTION_SAMPLES + 1 }, (_, i) => `${i},,test,${i % 2},0.5,0.5`);
  write(ids[4]!, `sample,fold,split,label,score_0,score_1\n${rows.join('\n')}\n`);
  assert.match(feed.predictions([ids[4]!]).runs[0]?.note ?? '', /more than 200000 test samples/);
});
