/**
 * `snn-lab slurm submit|status` against a real Slurm cluster: a sweep submitted and waited for, status as JSON,
 * a missing partition refused with a clear message, and a task that dies reported with Slurm state, exit code
 * and the tail of its output file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { RunId } from '../../src/protocol/ids';
import { RunStore } from '../../src/runs/runStore';
import { SlurmExecutor } from '../../src/runs/slurm/slurmExecutor';
import { loadExperiment } from '../../src/node/loadExperiment';
import { cli, requireCluster, workDir, writeExperiment } from './helpers';

before(() => requireCluster());

test('slurm submit --wait runs the sweep and slurm status --json reports every task', () => {
  const dir = workDir('cli');
  const path = writeExperiment(dir, { name: 'clisweep', epochs: 2, rates: [0.003, 0.03] });
  const runs = join(dir, 'runs');
  const submitted = cli(
    [
      'slurm',
      'submit',
      path,
      '--runs-dir',
      runs,
      '--sbatch-option=--comment=snn-lab-test',
      '--time',
      '5',
      '--wait',
      '--json',
    ],
    dir,
  );
  assert.equal(submitted.status, 0, submitted.stderr);
  const { jobId, runIds } = JSON.parse(submitted.stdout.split('\n')[0] ?? '{}') as {
    jobId: string;
    runIds: string[];
  };
  assert.match(jobId, /^\d+$/);
  assert.equal(runIds.length, 2);
  // The flags reached sbatch: Slurm reports the comment and the 5-minute limit of every task.
  const shown = spawnSync('scontrol', ['-o', 'show', 'job', jobId], { encoding: 'utf8' }).stdout;
  assert.equal((shown.match(/Comment=snn-lab-test/g) ?? []).length, 2, shown);
  assert.equal((shown.match(/TimeLimit=00:05:00/g) ?? []).length, 2, shown);
  const status = cli(['slurm', 'status', '--runs-dir', runs, '--json'], dir);
  assert.equal(status.status, 0, status.stderr);
  const rows = JSON.parse(status.stdout) as {
    runId: string;
    jobId: string;
    taskId: number;
    slurmState: string;
    status: string;
  }[];
  assert.deepEqual(
    rows.map((r) => [r.runId, r.jobId, r.taskId, r.slurmState, r.status]),
    runIds.map((id, i) => [id, jobId, i, 'COMPLETED', 'finished']),
  );
  const table = cli(['slurm', 'status', '--runs-dir', runs], dir);
  assert.match(table.stdout, new RegExp(`^${jobId}_1 +COMPLETED +finished +2 `, 'm'));
});

test('a partition that does not exist is refused before anything is created', () => {
  const dir = workDir('partition');
  const path = writeExperiment(dir, { name: 'nopart', epochs: 1 });
  const runs = join(dir, 'runs');
  const result = cli(['slurm', 'submit', path, '--runs-dir', runs, '--partition', 'nosuch'], dir);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /partition "nosuch" does not exist on this cluster \(sinfo lists: debug\)/);
  assert.ok(
    !existsSync(runs) || readdirSync(runs).filter((n) => !n.startsWith('.')).length === 0,
    'no run created',
  );
});

test('invalid executor settings are reported by field', () => {
  const dir = workDir('invalid');
  const path = writeExperiment(dir, { name: 'badmem', epochs: 1 });
  const result = cli(['slurm', 'submit', path, '--runs-dir', join(dir, 'runs'), '--mem', 'lots'], dir);
  assert.equal(result.status, 2, 'invalid settings exit with the usage status');
  assert.match(
    result.stderr,
    /executor\.memory: must be a Slurm memory size such as "4G" or "500M", got "lots"/,
  );
});

test('a task that dies without recording an end shows Slurm state, exit code and the output tail', async () => {
  const dir = workDir('crash');
  const path = writeExperiment(dir, { name: 'crash', epochs: 1 });
  const loaded = await loadExperiment(path);
  assert.ok(loaded.file && loaded.file.executor.kind === 'slurm');
  // A stand-in for a CLI that crashes on the node (e.g. a broken install): it prints and exits 3.
  const fake = join(dir, 'crashing-cli.js');
  writeFileSync(
    fake,
    "console.log('loading snn-lab'); console.error('Error: simulated crash on the node'); process.exit(3);\n",
  );
  chmodSync(fake, 0o755);
  const store = new RunStore(join(dir, 'runs'));
  const executor = new SlurmExecutor({
    store,
    log: { info() {}, warn() {}, error() {} },
    cliPath: fake,
    pollMs: 300,
  });
  try {
    const [runId] = (await executor.submit(loaded.plans, {
      experiment: path,
      executor: loaded.file.executor,
    })) as [RunId];
    assert.equal(await executor.whenDone(runId, 60_000), 'failed');
    const meta = store.read(runId)?.meta;
    assert.equal(meta?.executor?.kind === 'slurm' ? meta.executor.state : undefined, 'FAILED');
    assert.equal(meta?.failure?.reason, 'crashed');
    assert.match(meta?.failure?.message ?? '', /^Slurm state FAILED, exit code 3:0/);
    assert.match(meta?.failure?.message ?? '', /Error: simulated crash on the node/);
    const status = cli(['slurm', 'status', '--runs-dir', store.root], dir);
    assert.match(status.stdout, /_0 failed: Slurm state FAILED, exit code 3:0/);
  } finally {
    executor.dispose();
    store.dispose();
  }
});

test('snn-lab run on a file whose executor is slurm submits a job array; --local trains here', () => {
  const dir = workDir('run-routes');
  const path = writeExperiment(dir, { name: 'routed', epochs: 1, rates: [0.01, 0.02] });
  const runs = join(dir, 'runs');
  const submitted = cli(['run', path, '--runs-dir', runs, '--json'], dir);
  assert.equal(submitted.status, 0, submitted.stderr);
  const { jobId, runIds } = JSON.parse(submitted.stdout.split('\n')[0] ?? '{}') as {
    jobId: string;
    runIds: string[];
  };
  assert.match(jobId, /^\d+$/, 'run submitted through sbatch');
  assert.equal(runIds.length, 2);
  const store = new RunStore(runs);
  for (const id of runIds) {
    const meta = store.read(id as RunId)?.meta;
    assert.equal(meta?.executor?.kind, 'slurm', `${id} belongs to the array job`);
  }
  cli(['slurm', 'cancel', jobId, '--runs-dir', runs], dir);
  const local = cli(
    ['run', path, '--local', '--index', '0', '--runs-dir', join(dir, 'local'), '--json'],
    dir,
  );
  assert.equal(local.status, 0, local.stderr);
  const result = JSON.parse(local.stdout) as { runs: { status: string; runId: string }[] };
  assert.deepEqual(
    result.runs.map((r) => r.status),
    ['finished'],
  );
  const localMeta = new RunStore(join(dir, 'local')).read(result.runs[0]!.runId as RunId)?.meta;
  assert.notEqual(localMeta?.executor?.kind, 'slurm');
});
