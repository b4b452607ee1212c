// How runs read in the Runs tree and the sidebar: one step count everywhere (the store moves the throttled
// progress to the step a stop reports), no repeated status, queued runs saying why they wait, relative times in
// 10 s steps, and one "no runs yet" text.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import manifest from '../../../package.json';
import { agoText, formatAge, queueReason, runLook, statusLine, stepsDone } from '../../../src/host/runLabels';
import { RESTRICTED_MODE_TEXT } from '../../../src/host/contributionIds';
import { SidebarRows } from '../../../src/host/webviews/sidebarRows';
import { asRunId } from '../../../src/protocol/ids';
import { RunStore } from '../../../src/runs/runStore';
import type { RunMeta } from '../../../src/runs/runTypes';
import { NO_RUNS_TEXT } from '../../../webview/sidebar/emptyState';
import { tinyPlan } from '../runs/fixtures';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function meta(over: Partial<RunMeta>): RunMeta {
  return {
    schemaVersion: 1,
    runId: asRunId('r1'),
    name: 'exp/SNN',
    experiment: '/ws/exp.snn.json',
    mode: 'train',
    status: 'running',
    createdAt: '2026-01-01T00:00:00.000Z',
    seed: 7,
    sweepPoint: {},
    ...over,
  };
}

test('a stopped run reads "stopped · 3/110 steps · loss …", never "stopped · … · stopped"', () => {
  const stopped = meta({
    status: 'stopped',
    totalSteps: 110,
    progress: { step: 2, epoch: 0, loss: 1.3862 },
    failure: { reason: 'stopped', message: 'stopped after 3 steps', step: 3 },
  });
  assert.equal(statusLine(stopped), 'stopped · 3/110 steps · loss 1.386');
  assert.equal(stepsDone(stopped), 3);
  const look = runLook(stopped, Date.parse('2026-01-01T00:00:05Z'));
  assert.match(look.tooltip, /Failure \(stopped\): stopped after 3 steps/);
  assert.equal(look.description, 'stopped · 3/110 steps · loss 1.386 · just now');
  // A reason that says more than the status stays: a failed run names its cause.
  const failed = meta({ status: 'failed', failure: { reason: 'data', message: 'no such file' } });
  assert.equal(statusLine(failed), 'failed · data');
});

test('the store moves throttled progress to the step a stop reports, so tree and dashboard agree', () => {
  const root = mkdtempSync(join(tmpdir(), 'snn-runsview-'));
  roots.push(root);
  const store = new RunStore(root, { progressFlushMs: 0 });
  const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
  store.setStatus(runId, 'running');
  store.record(runId, { type: 'progress', runId, step: 0, epoch: 0, loss: 1.5, samplesPerSec: 10 });
  // The trainer did steps 0, 1, 2 (progress is sent at most every 100 ms, so only step 0 was reported), then stopped.
  store.record(runId, {
    type: 'failed',
    runId,
    reason: 'stopped',
    message: 'stopped after 3 steps',
    step: 3,
  });
  const after = store.readMeta(runId)!;
  assert.equal(after.status, 'stopped');
  assert.equal(after.progress?.step, 2, 'the dashboard shows step + 1 = 3 steps');
  assert.equal(stepsDone(after), 3);
  store.dispose();
});

test('a queued run says why it waits: a free local trainer, or its Slurm state', () => {
  const queued = meta({ status: 'queued' });
  assert.equal(
    queueReason(queued, { running: 1, limit: 1 }),
    'waiting for a free trainer (1 of 1 running; snnLab.maxConcurrentRuns)',
  );
  assert.equal(
    statusLine(queued, { running: 2, limit: 2 }),
    'queued · waiting for a free trainer (2 of 2 running; snnLab.maxConcurrentRuns)',
  );
  const slurm = meta({
    status: 'queued',
    executor: { kind: 'slurm', jobId: '42', taskId: 3, state: 'PENDING' },
  });
  assert.equal(queueReason(slurm, undefined), 'queued in Slurm, job 42_3 (PENDING)');
  assert.equal(queueReason(meta({ status: 'running' }), { running: 1, limit: 1 }), undefined);
});

test('the sidebar row of a queued run carries the same reason as its detail line', () => {
  const root = mkdtempSync(join(tmpdir(), 'snn-runsview-'));
  roots.push(root);
  const store = new RunStore(root);
  const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
  const rows = new SidebarRows(store, () => ({ running: 1, limit: 1 }));
  const row = rows.all().find((r) => r.info.runId === runId);
  assert.equal(row?.detail, 'waiting for a free trainer (1 of 1 running; snnLab.maxConcurrentRuns)');
  store.setStatus(runId, 'running');
  assert.equal(rows.all().find((r) => r.info.runId === runId)?.detail, undefined);
  store.dispose();
});

test('relative times count in 10 s steps ("just now" below 10 s), so a 10 s refresh keeps them true', () => {
  const t0 = '2026-01-01T00:00:00.000Z';
  const at = (s: number) => Date.parse(t0) + s * 1000;
  assert.deepEqual(
    [formatAge(t0, at(4)), formatAge(t0, at(12)), formatAge(t0, at(59)), formatAge(t0, at(300))],
    ['0 s', '10 s', '50 s', '5 min'],
  );
  assert.deepEqual([agoText(t0, at(4)), agoText(t0, at(25)), agoText('x', 0)], ['just now', '20 s ago', '']);
});

test('the sidebar and the Runs view say the same thing when there are no runs, and in Restricted Mode', () => {
  const welcome = (when: string) =>
    manifest.contributes.viewsWelcome.find((w) => w.view === 'snnLab.runs' && w.when === when)?.contents;
  assert.ok(welcome('isWorkspaceTrusted')?.startsWith(`${NO_RUNS_TEXT}.`), welcome('isWorkspaceTrusted'));
  assert.match(NO_RUNS_TEXT, /\*\.snn\.json or \*\.snn\.yaml/);
  assert.ok(welcome('!isWorkspaceTrusted')?.startsWith(RESTRICTED_MODE_TEXT), welcome('!isWorkspaceTrusted'));
});
