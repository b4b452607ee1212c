/**
 * Nothing read from an untrusted workspace reaches a process: an executor made with `reconnect: false` (the
 * extension in Restricted Mode) does not follow the Slurm jobs recorded in the run store, so no squeue/scancel runs
 * with their ids, until the workspace is trusted and it reconnects.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunConfig, RunPlan } from '../../../src/core/config/experimentConfig';
import type { SlurmTaskState } from '../../../src/core/slurm/parse';
import type { RunId } from '../../../src/protocol/ids';
import { RunStore } from '../../../src/runs/runStore';
import type { CommandResult, SlurmCli } from '../../../src/runs/slurm/slurmCli';
import { SlurmExecutor } from '../../../src/runs/slurm/slurmExecutor';
import { tinyConfig } from '../runs/fixtures';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Records every Slurm command; job 42 has one running task. */
class RecordingSlurm implements SlurmCli {
  calls: string[] = [];
  tasks: SlurmTaskState[] = [{ arrayJobId: '42', taskId: 0, state: 'RUNNING' }];
  private ok = (): Promise<CommandResult> => Promise.resolve({ code: 0, stdout: '', stderr: '' });
  sbatch(scriptPath: string) {
    this.calls.push(`sbatch ${scriptPath}`);
    return Promise.resolve({ jobId: '42' });
  }
  release(jobId: string) {
    this.calls.push(`release ${jobId}`);
    return this.ok();
  }
  squeue(jobId: string) {
    this.calls.push(`squeue ${jobId}`);
    return Promise.resolve(this.tasks);
  }
  scontrol(jobId: string) {
    this.calls.push(`scontrol ${jobId}`);
    return Promise.resolve(this.tasks);
  }
  scancel(target: string) {
    this.calls.push(`scancel ${target}`);
    return this.ok();
  }
  partitions() {
    return Promise.resolve(['debug']);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = { info() {}, warn() {}, error() {} };

test('in an untrusted workspace no Slurm command runs with a job id read from its files; after trust it follows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-slurm-untrusted-'));
  dirs.push(dir);
  const store = new RunStore(join(dir, 'runs'));
  const slurm = new RecordingSlurm();
  // Submission copies the CLI beside the sweep (a bundle that survives extension updates): a stand-in file.
  const cliPath = join(dir, 'cli.js');
  writeFileSync(cliPath, '');
  // A submission recorded in the workspace's run store (as a crafted or an earlier one would be).
  const plan: RunPlan = { name: 'exp/a', sweepPoint: {}, config: tinyConfig() as RunConfig };
  const first = new SlurmExecutor({ store, log, cliPath, pollMs: 10, slurm });
  const [runId] = (await first.submit([plan], {
    experiment: join(dir, 'e.snn.json'),
    executor: { kind: 'slurm' },
  })) as [RunId];
  first.dispose();
  slurm.calls = [];

  const untrusted = new SlurmExecutor({
    store,
    log,
    cliPath,
    pollMs: 10,
    slurm,
    reconnect: false,
  });
  await sleep(100); // ten poll intervals
  assert.deepEqual(slurm.calls, [], 'no squeue/scontrol/scancel in Restricted Mode');
  assert.equal(untrusted.owns(runId), false, 'so Stop routes nowhere near scancel');
  await assert.rejects(untrusted.stop(runId));
  assert.deepEqual(slurm.calls, []);

  assert.deepEqual(untrusted.reconnect(), [runId], 'trusted: the recorded job is followed');
  await sleep(100);
  const calls: string[] = [...(slurm.calls as readonly string[])];
  assert.ok(calls.includes('squeue 42'), calls.join(', '));
  untrusted.dispose();
});
