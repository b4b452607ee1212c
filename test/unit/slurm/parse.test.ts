/** Parsers of squeue / scontrol / sbatch output, run on outputs captured from a real Slurm 22.05 cluster. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  expandTaskIds,
  isUnknownJobError,
  parseSbatchParsable,
  parseScontrolFields,
  parseScontrolJobs,
  parseSqueue,
} from '../../../src/core/slurm/parse';
import { fixture } from './fixtures';

const byTask = <T extends { taskId: number }>(rows: T[]): T[] =>
  [...rows].sort((a, b) => a.taskId - b.taskId);

test('expandTaskIds reads single ids, ranges, lists, steps, throttles and brackets', () => {
  assert.deepEqual(expandTaskIds('3'), [3]);
  assert.deepEqual(expandTaskIds('2-5%2'), [2, 3, 4, 5]);
  assert.deepEqual(expandTaskIds('[2-4%2]'), [2, 3, 4]);
  assert.deepEqual(expandTaskIds('1,3,6-7'), [1, 3, 6, 7]);
  assert.deepEqual(expandTaskIds('0-6:3'), [0, 3, 6]);
  assert.throws(() => expandTaskIds('a-b'), /not a Slurm task id list/);
  assert.throws(() => expandTaskIds('5-2'), /not a Slurm task id list/);
});

test('parseSbatchParsable takes the job id, with or without a cluster name', () => {
  assert.deepEqual(parseSbatchParsable('42\n'), { jobId: '42' });
  assert.deepEqual(parseSbatchParsable('42;hpc\n'), { jobId: '42', cluster: 'hpc' });
  assert.throws(() => parseSbatchParsable(''), /no job id/);
  assert.throws(() => parseSbatchParsable('Submitted batch job 42'), /no job id/);
});

test('parseSqueue: a running array with throttled pending tasks (one line per task)', () => {
  const rows = byTask(parseSqueue(fixture('squeue-array-running.txt')));
  assert.deepEqual(
    rows.map((r) => [r.arrayJobId, r.taskId, r.state, r.reason]),
    [
      ['7', 0, 'RUNNING', undefined],
      ['7', 1, 'RUNNING', undefined],
      ['7', 2, 'PENDING', 'JobArrayTaskLimit'],
      ['7', 3, 'PENDING', 'JobArrayTaskLimit'],
      ['7', 4, 'PENDING', 'JobArrayTaskLimit'],
      ['7', 5, 'PENDING', 'JobArrayTaskLimit'],
    ],
  );
});

test('parseSqueue expands the grouped form 7_[2-5%2] to the same tasks', () => {
  const grouped = byTask(parseSqueue(fixture('squeue-array-grouped.txt')));
  const flat = byTask(parseSqueue(fixture('squeue-array-running.txt')));
  assert.deepEqual(grouped, flat);
});

test('parseSqueue: finished, failed and cancelled tasks', () => {
  const rows = byTask(parseSqueue(fixture('squeue-array-done.txt')));
  assert.deepEqual(
    rows.map((r) => `${r.taskId}:${r.state}`),
    ['0:COMPLETED', '1:CANCELLED', '2:FAILED', '3:COMPLETED', '4:COMPLETED'],
  );
  assert.equal(rows[2]?.reason, 'NonZeroExitCode');
  assert.deepEqual(parseSqueue(''), []);
});

test('parseScontrolFields keeps values with spaces and keys with slashes', () => {
  const f = parseScontrolFields('JobId=3 JobName=my job CPUs/Task=1 AllocNode:Sid=localhost:4868 Power=');
  assert.equal(f.JobName, 'my job');
  assert.equal(f['CPUs/Task'], '1');
  assert.equal(f['AllocNode:Sid'], 'localhost:4868');
  assert.equal(f.Power, '');
});

test('parseScontrolJobs: states, exit codes and output files of a finished array', () => {
  const rows = byTask(parseScontrolJobs(fixture('scontrol-array-done.txt')));
  assert.deepEqual(
    rows.map((r) => [r.taskId, r.state, r.exitCode, r.signal]),
    [
      [0, 'COMPLETED', 0, 0],
      [1, 'CANCELLED', 0, 15],
      [2, 'FAILED', 3, 0],
      [3, 'COMPLETED', 0, 0],
      [4, 'COMPLETED', 0, 0],
    ],
  );
  assert.equal(rows[2]?.stdOut, '/tmp/helperG/job/out-1_2.txt');
  assert.equal(rows[2]?.reason, 'NonZeroExitCode');
  assert.match(rows[0]?.jobId ?? '', /^\d+$/);
});

test('parseScontrolJobs expands the pending range record and gives it no per-task output file', () => {
  const rows = byTask(parseScontrolJobs(fixture('scontrol-array-pending.txt')));
  assert.deepEqual(
    rows.map((r) => `${r.taskId}:${r.state}`),
    ['0:RUNNING', '1:RUNNING', '2:PENDING', '3:PENDING', '4:PENDING', '5:PENDING'],
  );
  assert.equal(rows[3]?.stdOut, undefined);
  assert.equal(rows[3]?.reason, 'JobArrayTaskLimit');
  const cancelled = byTask(parseScontrolJobs(fixture('scontrol-array-cancelled.txt')));
  assert.equal(cancelled.length, 6);
  assert.ok(cancelled.every((r) => r.state === 'CANCELLED'));
  assert.equal(cancelled[0]?.signal, 15);
});

test('isUnknownJobError recognises the message for a forgotten job', () => {
  assert.equal(isUnknownJobError(fixture('scontrol-invalid-job.txt')), true);
  assert.equal(isUnknownJobError(fixture('sbatch-invalid-partition.txt')), false);
});
