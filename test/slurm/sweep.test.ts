/**
 * SlurmExecutor against a real Slurm cluster: a 4-run sweep becomes one job array whose runs fill the shared run
 * store live and finish with statistics; a running task is cancelled with scancel and marked cancelled.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunId } from '../../src/protocol/ids';
import type { RunChange } from '../../src/runs/runTypes';
import { RunStore } from '../../src/runs/runStore';
import { SlurmExecutor } from '../../src/runs/slurm/slurmExecutor';
import { loadExperiment } from '../../src/node/loadExperiment';
import { CLI, cli, requireCluster, waitFor, workDir, writeExperiment } from './helpers';

const logs: string[] = [];
const log = {
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(`warn ${m}`),
  error: (m: string) => logs.push(`error ${m}`),
};

before(() => requireCluster());
after(() => {
  if (logs.some((l) => l.startsWith('error'))) console.log(logs.join('\n'));
});

async function plansOf(path: string) {
  const loaded = await loadExperiment(path);
  assert.ok(loaded.file, `experiment invalid: ${loaded.problems.map((p) => p.message).join('; ')}`);
  assert.equal(loaded.file.executor.kind, 'slurm');
  return {
    plans: loaded.plans,
    executor: loaded.file.executor.kind === 'slurm' ? loaded.file.executor : { kind: 'slurm' as const },
  };
}

test('a 4-run sweep runs as one job array and every run finishes with its statistics in the store', async () => {
  const dir = workDir('sweep');
  const path = writeExperiment(dir, { name: 'tiny', epochs: 3, rates: [0.001, 0.003, 0.01, 0.03] });
  const { plans, executor: config } = await plansOf(path);
  assert.equal(plans.length, 4);
  const store = new RunStore(join(dir, 'runs'), { logger: log });
  const executor = new SlurmExecutor({ store, log, cliPath: CLI, pollMs: 500 });
  const changes: { runId: RunId; status: string }[] = [];
  executor.onDidChangeRun((c) => changes.push(c));
  const live: RunChange[] = [];
  store.onDidChange((c) => live.push(c));
  const watching = store.watch(250);
  try {
    const runIds = await executor.submit(plans, { experiment: path, executor: config });
    assert.equal(runIds.length, 4);
    // Right after submission every run exists in the store, queued, with its array task.
    const metas = store.list();
    assert.deepEqual(
      metas.map((m) => m.status),
      ['queued', 'queued', 'queued', 'queued'],
    );
    const jobId = executor.jobOf(runIds[0] as RunId);
    assert.match(jobId ?? '', /^\d+$/);
    runIds.forEach((id, i) => {
      const meta = store.read(id)?.meta;
      assert.deepEqual(meta?.executor, { kind: 'slurm', jobId, taskId: i, state: 'PENDING' });
      assert.ok(executor.owns(id));
    });
    const statuses = await Promise.all(runIds.map((id) => executor.whenDone(id, 180_000)));
    assert.deepEqual(statuses, ['finished', 'finished', 'finished', 'finished']);
    for (const [i, id] of runIds.entries()) {
      const data = store.read(id);
      assert.ok(data, `run ${id} unreadable`);
      assert.equal(data.meta.status, 'finished');
      assert.deepEqual(data.meta.executor, { kind: 'slurm', jobId, taskId: i, state: 'COMPLETED' });
      assert.equal(data.config?.train.learningRate, [0.001, 0.003, 0.01, 0.03][i]);
      assert.equal(data.summary?.epochs, 3);
      assert.ok(Number.isFinite(data.summary?.test.test_accuracy), 'test accuracy recorded');
      assert.ok(data.metrics.filter((m) => m.kind === 'epoch').length === 3, 'one epoch record per epoch');
      assert.ok(data.layers.length >= 2, 'layer statistics recorded');
      assert.equal(data.layers[0]?.layers.length, 2, 'two hidden layers');
      assert.ok(Number.isFinite(data.layers[0]?.layers[0]?.post.variance), 'activation variance is a number');
      assert.ok(!executor.owns(id), 'ended runs are no longer followed');
    }
    // The dashboard's view: the store saw the tasks' metrics appear while they ran (tailing another process).
    assert.ok(live.filter((c) => c.kind === 'metrics').length >= 4, 'metrics lines tailed from the tasks');
    assert.deepEqual(
      new Set(changes.filter((c) => c.status === 'finished').map((c) => c.runId)),
      new Set(runIds),
    );
    // The batch script is saved beside the runs.
    const submissionDir = join(store.root, '.slurm', readdirName(join(store.root, '.slurm')));
    const script = readFileSync(join(submissionDir, 'job.sh'), 'utf8');
    assert.match(script, /^#SBATCH --array=0-3%2$/m);
    assert.match(
      script,
      new RegExp(`exec ${process.execPath.replace(/[/.]/g, '\\$&')} \\S+cli\\.js slurm task`),
    );
    assert.ok(existsSync(join(submissionDir, `task-${jobId}_3.out`)), 'task output file written');
  } finally {
    watching.dispose();
    executor.dispose();
    store.dispose();
  }
});

test('stopping a running task cancels it with scancel; a pending task cancelled from the CLI never starts', async () => {
  const dir = workDir('cancel');
  const rates = [0.001, 0.003, 0.01];
  const path = writeExperiment(dir, { name: 'long', epochs: 400, samples: 2000, rates, parallel: 1 });
  const { plans, executor: config } = await plansOf(path);
  const store = new RunStore(join(dir, 'runs'), { logger: log });
  const executor = new SlurmExecutor({ store, log, cliPath: CLI, pollMs: 500 });
  const status = (id: RunId): string | undefined => store.list().find((m) => m.runId === id)?.status;
  try {
    const [victim, next, pending] = (await executor.submit(plans, {
      experiment: path,
      executor: config,
    })) as [RunId, RunId, RunId];
    const jobId = executor.jobOf(victim) ?? '';
    // Wait until the victim's trainer reports progress: it is really training on the node.
    await waitFor('the run to train', 120_000, () => {
      const meta = store.list().find((m) => m.runId === victim);
      return meta?.status === 'running' && meta.progress ? true : undefined;
    });
    assert.ok(processesOf(victim).length >= 2, 'the task and its trainer are found while training');
    await executor.stop(victim);
    const meta = store.read(victim)?.meta;
    assert.equal(meta?.status, 'cancelled');
    assert.equal(meta?.failure?.reason, 'stopped');
    assert.match(meta?.failure?.message ?? '', /cancelled by Slurm/);
    assert.equal(meta?.executor?.kind === 'slurm' ? meta.executor.state : undefined, 'CANCELLED');
    const shown = spawnSync('scontrol', ['-o', 'show', 'job', `${jobId}_0`], { encoding: 'utf8' }).stdout;
    assert.match(shown, /JobState=CANCELLED/);
    // No process of the cancelled run is left: neither the task (its args name the run) nor its trainer, which
    // runs in its own process group and carries SNN_LAB_RUN_ID in its environment.
    await waitFor('the cancelled task processes to exit', 15_000, () =>
      processesOf(victim).length === 0 ? true : undefined,
    );
    // The freed slot goes to the next task (parallel 1); the third is still pending: cancel it from the CLI.
    await waitFor('the next run to start', 60_000, () => (status(next) === 'running' ? true : undefined));
    assert.equal(status(pending), 'queued');
    const cancelled = cli(['slurm', 'cancel', pending, '--runs-dir', store.root], dir);
    assert.equal(cancelled.status, 0, cancelled.stderr);
    store.refresh();
    assert.equal(status(pending), 'cancelled');
    assert.equal(store.read(pending)?.meta.startedAt, undefined, 'the pending run never started');
    assert.equal(status(next), 'running', 'the other runs are unaffected');
    await executor.stopJob(jobId);
    assert.equal(status(next), 'cancelled');
  } finally {
    executor.dispose();
    store.dispose();
  }
});

/** Pids of live processes whose command line or environment names the run. */
function processesOf(runId: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8');
      if (cmdline.includes(runId) || environ.includes(`SNN_LAB_RUN_ID=${runId}`)) pids.push(Number(name));
    } catch {
      // the process ended while we looked, or is not readable: not one of ours
    }
  }
  return pids;
}

function readdirName(dir: string): string {
  const names = readdirSync(dir);
  assert.equal(names.length, 1, `one submission directory in ${dir}`);
  return names[0] ?? '';
}
