/** Combining Slurm task states with stored run statuses, and explaining sbatch refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScontrolJobs } from '../../../src/core/slurm/parse';
import {
  decideTask,
  explainSbatchFailure,
  isSlurmTerminal,
  statusOfSlurmState,
  tailLines,
} from '../../../src/core/slurm/status';
import { fixture } from './fixtures';

test('statusOfSlurmState maps the state codes of squeue(1)', () => {
  assert.equal(statusOfSlurmState('PENDING'), 'queued');
  assert.equal(statusOfSlurmState('RUNNING'), 'running');
  assert.equal(statusOfSlurmState('COMPLETING'), 'running');
  assert.equal(statusOfSlurmState('COMPLETED'), 'finished');
  assert.equal(statusOfSlurmState('CANCELLED+'), 'cancelled');
  for (const s of ['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL']) {
    assert.equal(statusOfSlurmState(s), 'failed');
  }
  assert.equal(isSlurmTerminal('RUNNING'), false);
  assert.equal(isSlurmTerminal('TIMEOUT'), true);
});

test('decideTask keeps an end the run recorded itself', () => {
  const [task] = parseScontrolJobs(fixture('scontrol-array-done.txt')).filter((t) => t.taskId === 2);
  assert.deepEqual(
    decideTask('finished', task, () => ''),
    { action: 'none' },
  );
  assert.deepEqual(
    decideTask('diverged', undefined, () => ''),
    { action: 'none' },
  );
});

test('decideTask marks a live run failed with the Slurm state, exit code and output tail', () => {
  const tasks = parseScontrolJobs(fixture('scontrol-array-done.txt'));
  const failed = tasks.find((t) => t.taskId === 2);
  const d = decideTask('running', failed, () => 'line 1\nError: out of data\n');
  assert.equal(d.action, 'end');
  assert.ok(d.action === 'end');
  assert.equal(d.status, 'failed');
  assert.equal(d.state, 'FAILED');
  assert.match(d.message, /Slurm state FAILED, exit code 3:0/);
  assert.match(d.message, /Error: out of data$/);
});

test('decideTask marks a scancelled task cancelled and reports live states', () => {
  const tasks = parseScontrolJobs(fixture('scontrol-array-done.txt'));
  const d = decideTask(
    'running',
    tasks.find((t) => t.taskId === 1),
    () => 'ignored',
  );
  assert.ok(d.action === 'end');
  assert.equal(d.status, 'cancelled');
  assert.match(d.message, /exit code 0:15/);
  const pending = parseScontrolJobs(fixture('scontrol-array-pending.txt')).find((t) => t.taskId === 4);
  assert.deepEqual(
    decideTask('queued', pending, () => ''),
    { action: 'state', state: 'PENDING' },
  );
});

test('decideTask: a COMPLETED task whose run never ended, and a job Slurm forgot, both fail', () => {
  const done = parseScontrolJobs(fixture('scontrol-array-done.txt')).find((t) => t.taskId === 0);
  const d = decideTask('queued', done, () => 'error: unknown option --run-id');
  assert.ok(d.action === 'end');
  assert.match(d.message, /without recording a result, exit code 0:0\n.*\nerror: unknown option --run-id/);
  const gone = decideTask('running', undefined, () => '');
  assert.ok(gone.action === 'end');
  assert.equal(gone.state, 'UNKNOWN');
});

test('decideTask: a pending task cancelled on its own vanishes from Slurm and counts as cancelled', () => {
  const known = { jobKnown: true, cancelRequested: false };
  const gone = decideTask('queued', undefined, () => '', known);
  assert.ok(gone.action === 'end');
  assert.equal(gone.status, 'cancelled');
  assert.match(gone.message, /before it started/);
  // A running run whose task vanished did not get cancelled by us: it failed.
  const lost = decideTask('running', undefined, () => 'last words', known);
  assert.ok(lost.action === 'end');
  assert.equal(lost.status, 'failed');
  assert.match(lost.message, /last words$/);
  const asked = decideTask('running', undefined, () => '', { jobKnown: false, cancelRequested: true });
  assert.ok(asked.action === 'end');
  assert.equal(asked.status, 'cancelled');
});

test('explainSbatchFailure names the missing partition and the refused resources', () => {
  const p = explainSbatchFailure(fixture('sbatch-invalid-partition.txt'), 'nosuch', ['debug']);
  assert.match(p, /^Slurm refused the job: partition "nosuch" does not exist \(this cluster has: debug\)/);
  assert.match(p, /Invalid partition name specified/);
  assert.match(explainSbatchFailure(fixture('sbatch-mem-refused.txt')), /executor\.memory/);
  assert.match(explainSbatchFailure(''), /sbatch printed nothing/);
});

test('tailLines keeps the last lines', () => {
  assert.equal(tailLines('a\nb\nc\nd\n', 2), 'c\nd');
  assert.equal(tailLines('', 3), '');
});
