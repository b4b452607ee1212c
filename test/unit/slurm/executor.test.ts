/**
 * SlurmExecutor without a cluster: a scripted stand-in for the Slurm tools (the real ones are exercised by the
 * `slurm` tier) checks submission, refusals, polling decisions, stop and reconnection against a real run store.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { RunPlan, RunConfig } from '../../../src/core/config/experimentConfig';
import type { SlurmTaskState } from '../../../src/core/slurm/parse';
import type { RunId } from '../../../src/protocol/ids';
import { RunStore } from '../../../src/runs/runStore';
import {
  SlurmMissingError,
  runTool,
  type CommandResult,
  type SlurmCli,
} from '../../../src/runs/slurm/slurmCli';
import { SlurmExecutor } from '../../../src/runs/slurm/slurmExecutor';
import { patchRunMeta } from '../../../src/runs/slurm/sweepFiles';
import { fixture } from './fixtures';

const config = {
  name: 'x',
  seed: 1,
  data: {
    source: 'synthetic',
    kind: 'moons',
    samples: 100,
    features: 2,
    classes: 2,
    noise: 0.1,
    split: { test: 0.2, validation: 0.1, folds: 0, stratify: true },
    standardize: true,
  },
  model: {
    depth: 2,
    width: 8,
    shape: 'rectangular',
    activation: 'selu',
    init: 'lecun_normal',
    normalization: 'none',
    dropout: { kind: 'alpha', rate: 0 },
  },
  train: { optimizer: 'sgd', learningRate: 0.01, batchSize: 32, epochs: 1, weightDecay: 0 },
  stats: { everySteps: 10, bins: 30, range: 5, layers: 'all' },
} as RunConfig;
const plans: RunPlan[] = [0, 1].map((i) => ({
  name: `exp/seed=${i}`,
  sweepPoint: { seed: i },
  config: { ...config, seed: i },
}));

/** A scripted Slurm: `tasks` is what squeue/scontrol report for job 42. */
class FakeSlurm implements SlurmCli {
  calls: string[] = [];
  tasks: SlurmTaskState[] | undefined = undefined;
  sbatchError: string | undefined;
  releaseFails = false;
  sbatch(scriptPath: string, options: { cwd: string; hold?: boolean }) {
    this.calls.push(`sbatch${options.hold ? ' --hold' : ''} ${scriptPath}`);
    return Promise.resolve(this.sbatchError ? { error: this.sbatchError } : { jobId: '42' });
  }
  release(jobId: string): Promise<CommandResult> {
    this.calls.push(`release ${jobId}`);
    return Promise.resolve(
      this.releaseFails
        ? { code: 1, stdout: '', stderr: 'Access/permission denied' }
        : { code: 0, stdout: '', stderr: '' },
    );
  }
  squeue(jobId: string) {
    this.calls.push(`squeue ${jobId}`);
    return Promise.resolve(
      this.tasks?.map(({ arrayJobId, taskId, state }) => ({ arrayJobId, taskId, state })),
    );
  }
  scontrol(jobId: string) {
    this.calls.push(`scontrol ${jobId}`);
    return Promise.resolve(this.tasks);
  }
  scancel(target: string): Promise<CommandResult> {
    this.calls.push(`scancel ${target}`);
    return Promise.resolve({ code: 0, stdout: '', stderr: '' });
  }
  partitions() {
    return Promise.resolve(['debug', 'cpu']);
  }
}

/** A stand-in for an installed extension's dist/: the CLI, the trainer, wasm and MNIST files, a source map. */
function fakeDist(dir: string): string {
  const dist = join(dir, 'extension', 'dist');
  mkdirSync(join(dist, 'wasm'), { recursive: true });
  mkdirSync(join(dist, 'mnist'), { recursive: true });
  for (const [file, text] of [
    ['cli.js', '// cli'],
    ['cli.js.map', '{}'],
    ['trainer.js', '// trainer'],
    ['wasm/tfjs-backend-wasm-simd.wasm', 'wasm'],
    ['mnist/digits-u8.bin.gz', 'digits'],
  ] as const) {
    writeFileSync(join(dist, file), text);
  }
  return join(dist, 'cli.js');
}

function setup(slurm = new FakeSlurm()) {
  const dir = mkdtempSync(join(tmpdir(), 'snn-slurm-exec-'));
  const store = new RunStore(join(dir, 'runs'));
  const log = { info() {}, warn() {}, error() {} };
  const executor = new SlurmExecutor({
    store,
    log,
    cliPath: fakeDist(dir),
    nodePath: '/usr/bin/node',
    pollMs: 20,
    slurm,
  });
  return { dir, store, slurm, executor, log };
}

const task = (taskId: number, state: string, extra: Partial<SlurmTaskState> = {}): SlurmTaskState => ({
  arrayJobId: '42',
  taskId,
  state,
  ...extra,
});

test('submit creates queued runs, submits held, records the job id, then releases', async () => {
  const { store, slurm, executor } = setup();
  const ids = await executor.submit(plans, {
    experiment: '/home/a/exp.snn.json',
    executor: { kind: 'slurm', partition: 'cpu', parallel: 1 },
  });
  assert.equal(ids.length, 2);
  assert.match(
    slurm.calls[0] ?? '',
    /^sbatch --hold \/.*\/runs\/\.slurm\/\d{8}-\d{6}-exp-[0-9a-f]{4}\/job\.sh$/,
  );
  assert.equal(slurm.calls[1], 'release 42');
  for (const [i, id] of ids.entries()) {
    const meta = store.read(id)?.meta;
    assert.equal(meta?.status, 'queued');
    assert.deepEqual(meta?.executor, { kind: 'slurm', jobId: '42', taskId: i, state: 'PENDING' });
    assert.equal(meta?.experiment, '/home/a/exp.snn.json');
    assert.ok(executor.owns(id));
  }
  const script = readFileSync((slurm.calls[0] ?? '').split(' ').at(-1) ?? '', 'utf8');
  assert.match(script, /^#SBATCH --array=0-1%1$/m);
  assert.match(script, /^#SBATCH --partition=cpu$/m);
  assert.match(script, new RegExp(`^RUN_IDS=\\(${ids.join(' ')}\\)$`, 'm'));
  // The job runs a copy of the bundle in the sweep's folder, not the extension folder an update replaces.
  const sweepDir = dirname((slurm.calls[0] ?? '').split(' ').at(-1) ?? '');
  assert.match(script, new RegExp(`^exec /usr/bin/node ${sweepDir}/bundle/cli\\.js slurm task`, 'm'));
  assert.deepEqual(readdirSync(join(sweepDir, 'bundle')).sort(), ['cli.js', 'trainer.js', 'wasm']);
  assert.deepEqual(readdirSync(join(sweepDir, 'bundle', 'wasm')), ['tfjs-backend-wasm-simd.wasm']);
  executor.dispose();
});

test('a sweep that reads MNIST gets the digits in its bundle too', async () => {
  const { slurm, executor } = setup();
  const mnist = plans.map((p) => ({
    ...p,
    config: { ...p.config, data: { ...p.config.data, source: 'mnist' } } as RunConfig,
  }));
  await executor.submit(mnist, { experiment: '/home/a/exp.snn.json', executor: { kind: 'slurm' } });
  const sweepDir = dirname((slurm.calls[0] ?? '').split(' ').at(-1) ?? '');
  assert.deepEqual(readdirSync(join(sweepDir, 'bundle', 'mnist')), ['digits-u8.bin.gz']);
  executor.dispose();
});

test('a refused submission marks the created runs failed with the explanation and throws it', async () => {
  const slurm = new FakeSlurm();
  slurm.sbatchError = fixture('sbatch-mem-refused.txt');
  const { store, executor } = setup(slurm);
  await assert.rejects(
    executor.submit(plans, { experiment: '/e.snn.json', executor: { kind: 'slurm' } }),
    /no node can satisfy the requested CPUs\/memory/,
  );
  store.refresh();
  const metas = store.list();
  assert.equal(metas.length, 2);
  for (const meta of metas) {
    assert.equal(meta.status, 'failed');
    assert.match(meta.failure?.message ?? '', /Requested node configuration is not available/);
    assert.ok(!executor.owns(meta.runId));
  }
  executor.dispose();
});

test('a release that fails cancels the job; an unknown partition is refused before any run exists', async () => {
  const slurm = new FakeSlurm();
  slurm.releaseFails = true;
  const { store, executor } = setup(slurm);
  await assert.rejects(
    executor.submit(plans, { experiment: '/e.snn.json', executor: { kind: 'slurm' } }),
    /would not release it from hold: Access\/permission denied/,
  );
  assert.ok(slurm.calls.includes('scancel 42'));
  assert.deepEqual(
    store.list().map((m) => m.status),
    ['failed', 'failed'],
  );
  const second = setup();
  await assert.rejects(
    second.executor.submit(plans, {
      experiment: '/e.snn.json',
      executor: { kind: 'slurm', partition: 'gpu' },
    }),
    /partition "gpu" does not exist on this cluster \(sinfo lists: debug, cpu\)/,
  );
  assert.deepEqual(second.store.list(), []);
  assert.deepEqual(second.slurm.calls, []);
  executor.dispose();
  second.executor.dispose();
});

test('polling: a failed task gets Slurm state, exit code and output tail; a finished run gets its final state', async () => {
  const { store, slurm, executor } = setup();
  const changes: string[] = [];
  executor.onDidChangeRun((c) => changes.push(`${c.runId}:${c.status}`));
  const [a, b] = (await executor.submit(plans, {
    experiment: '/e.snn.json',
    executor: { kind: 'slurm' },
  })) as [RunId, RunId];
  slurm.tasks = [task(0, 'RUNNING'), task(1, 'PENDING')];
  patchRunMeta(store.root, a, (m) => (m.status = 'running'));
  await executor.pollNow();
  assert.equal(executor.slurmState(a), 'RUNNING');
  assert.equal(executor.slurmState(b), 'PENDING');
  assert.ok(changes.includes(`${a}:running`));
  // Task 0 dies (exit 3) without its run recording an end; task 1 finishes and its run says so.
  const out = join(store.root, 'task-42_0.out');
  writeFileSync(out, 'loading\nError: bad things on the node\n');
  slurm.tasks = [
    task(0, 'FAILED', { exitCode: 3, signal: 0, stdOut: out }),
    task(1, 'COMPLETED', { exitCode: 0, signal: 0 }),
  ];
  patchRunMeta(store.root, b, (m) => (m.status = 'finished'));
  await executor.pollNow();
  const failed = store.read(a)?.meta;
  assert.equal(failed?.status, 'failed');
  assert.deepEqual(failed?.executor, { kind: 'slurm', jobId: '42', taskId: 0, state: 'FAILED' });
  assert.match(
    failed?.failure?.message ?? '',
    /^Slurm state FAILED, exit code 3:0\n.*\nloading\nError: bad things on the node$/,
  );
  const finished = store.read(b)?.meta;
  assert.equal(finished?.status, 'finished');
  assert.deepEqual(finished?.executor, { kind: 'slurm', jobId: '42', taskId: 1, state: 'COMPLETED' });
  assert.equal(await executor.whenDone(a), 'failed');
  assert.ok(!executor.owns(a) && !executor.owns(b));
  assert.ok(changes.includes(`${a}:failed`) && changes.includes(`${b}:finished`));
  executor.dispose();
});

test('stop scancels the task and resolves when Slurm reports it cancelled; a new executor reconnects', async () => {
  const { store, slurm, executor, log } = setup();
  const [a, b] = (await executor.submit(plans, {
    experiment: '/e.snn.json',
    executor: { kind: 'slurm' },
  })) as [RunId, RunId];
  slurm.tasks = [task(0, 'RUNNING'), task(1, 'PENDING')];
  const again = new SlurmExecutor({ store, log, cliPath: '/x/cli.js', pollMs: 20, slurm });
  assert.ok(again.owns(a) && again.owns(b), 'the second executor follows the live runs');
  const stopping = executor.stop(b);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(slurm.calls.includes('scancel 42_1'));
  slurm.tasks = [task(0, 'RUNNING')]; // Slurm 22.05 drops a pending task cancelled on its own
  await stopping;
  const meta = store.read(b)?.meta;
  assert.equal(meta?.status, 'cancelled');
  assert.equal(meta?.failure?.reason, 'stopped');
  assert.ok(executor.owns(a));
  await assert.rejects(executor.stop(b), /not a live Slurm run/);
  assert.ok(existsSync(join(store.root, '.slurm')));
  executor.dispose();
  again.dispose();
});

test('a missing Slurm tool is reported by name with what to do', async () => {
  const error = await runTool('sbatch', ['--version'], { env: { PATH: '/nonexistent' } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof SlurmMissingError);
  assert.equal(error.tool, 'sbatch');
  assert.match(error.message, /'sbatch' was not found on PATH.*login node \(VS Code Remote-SSH\)/s);
});
