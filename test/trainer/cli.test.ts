// The built CLI (dist/cli.js) with the REAL trainer on tiny synthetic experiments: run/probe/runs, exit codes
// 0/1/2, file:line:col errors, --index, the run directory it writes, and recovery after the CLI is killed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import { isPidAlive } from '../../src/runs/liveness';
import type { RunData, RunMeta } from '../../src/runs/runTypes';
import { schemaProblemsUnder } from '../shared/runStoreSchemas';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'snn-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function experiment(name: string, body: Record<string, unknown>): string {
  const path = join(dir, `${name}.snn.json`);
  writeFileSync(path, `${JSON.stringify({ name, seed: 3, ...body }, null, 2)}\n`);
  return path;
}

const tinyData = { source: 'synthetic', kind: 'blobs', samples: 128, features: 4, classes: 2 };
const sweep = experiment('sweep', {
  data: tinyData,
  model: { depth: 2, width: 8 },
  train: { epochs: 2, batchSize: 32 },
  sweep: { 'model.width': [4, 8] },
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, SNN_LAB_RUNS_DIR: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The meta of the only run under `runsDir` once it is running and has reported progress. */
function runningWithProgress(runsDir: string): RunMeta | undefined {
  const [runId] = existsSync(runsDir) ? readdirSync(runsDir) : [];
  if (!runId || !existsSync(join(runsDir, runId, 'meta.json'))) return undefined;
  const meta = JSON.parse(readFileSync(join(runsDir, runId, 'meta.json'), 'utf8')) as RunMeta;
  return meta.status === 'running' && meta.progress ? meta : undefined;
}

describe('snn-lab CLI with the real trainer', () => {
  it('run --index 1 --json trains exactly the second plan into a complete run directory (default runs dir)', async () => {
    const result = await runCli(['run', sweep, '--index', '1', '--json', '--jobs', '1']);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as {
      ok: boolean;
      runsDir: string;
      runs: { name: string; dir: string; status: string }[];
    };
    assert.equal(output.ok, true);
    assert.equal(output.runsDir, join(dir, '.snn-lab', 'runs'));
    assert.deepEqual(
      output.runs.map((r) => [r.name, r.status]),
      [['sweep/model.width=8', 'finished']],
    );
    const runDir = output.runs[0]?.dir ?? '';
    const files = readdirSync(runDir);
    for (const file of [
      'config.json',
      'meta.json',
      'metrics.jsonl',
      'layers.jsonl',
      'summary.json',
      'trainer.log',
    ]) {
      assert.ok(files.includes(file), `${file} in ${files.join(', ')}`);
    }
    assert.ok(
      files.some((f) => f.startsWith('weights')),
      `trained weights in ${files.join(', ')}`,
    );
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    assert.equal(config.schemaVersion, 2);
    assert.equal(config.config.model.width, 8);
    assert.deepEqual(config.plan.sweepPoint, { 'model.width': 8 });
    const show = await runCli([
      'runs',
      'show',
      output.runs[0]?.dir.split('/').at(-1)?.slice(0, 24) ?? '',
      '--json',
      '--runs-dir',
      output.runsDir,
    ]);
    assert.equal(show.code, 0, show.stderr);
    const data = JSON.parse(show.stdout) as RunData;
    assert.equal(data.metrics.filter((m) => m.kind === 'epoch').length, 2);
    assert.ok(data.layers.length > 0);
    assert.equal(typeof data.summary?.test.test_accuracy, 'number');
  });

  it('run of a whole sweep prints a comparison table; runs list and rm work on the result', async () => {
    const runsDir = join(dir, 'env-runs');
    const result = await runCli(['run', sweep, '--jobs', '2'], { SNN_LAB_RUNS_DIR: runsDir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^run\s+status\s+loss\s+accuracy\s+auc\s+time \(s\)\s+backend$/m);
    assert.match(result.stdout, /^sweep\/model\.width=4\s+finished\s/m);
    assert.match(result.stdout, /^sweep\/model\.width=8\s+finished\s/m);
    const list = await runCli(['runs', 'list', '--json', '--runs-dir', runsDir]);
    const metas = JSON.parse(list.stdout) as RunMeta[];
    assert.deepEqual(
      metas.map((m) => m.status),
      ['finished', 'finished'],
    );
    const removed = await runCli(['runs', 'rm', metas[0]?.runId ?? '', '--runs-dir', runsDir]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(existsSync(join(runsDir, metas[0]?.runId ?? '')), false);
    assert.equal((await runCli(['runs', 'rm', 'no-such-run', '--runs-dir', runsDir])).code, 2);
  });

  it('an invalid file exits 2 with file:line:col errors and runs nothing', async () => {
    const bad = join(dir, 'bad.snn.json');
    writeFileSync(bad, '{\n  "name": "bad",\n  "model": { "depth": "two" }\n}\n');
    const runsDir = join(dir, 'bad-runs');
    const result = await runCli(['run', bad, '--runs-dir', runsDir]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: error: .*depth`, 'm'),
    );
    assert.equal(existsSync(runsDir), false);
  });

  it('bad selections and an unusable runs directory exit 2 with a reason', async () => {
    const index = await runCli(['run', sweep, '--index', '2']);
    assert.equal(index.code, 2);
    assert.match(index.stderr, /--index 2 is out of range: .* expands to 2 run\(s\) \(0\.\.1\)/);
    const variant = await runCli(['run', sweep, '--variant', 'nope']);
    assert.equal(variant.code, 2);
    assert.match(variant.stderr, /unknown variant "nope"/);
    writeFileSync(join(dir, 'a-file'), '');
    const runsDir = await runCli(['run', sweep, '--runs-dir', join(dir, 'a-file', 'runs')]);
    assert.equal(runsDir.code, 2);
    assert.match(runsDir.stderr, /cannot create the runs directory .*a-file\/runs: ENOTDIR/);
  });

  it('a run that fails (unparsable CSV) exits 1 and says why', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'a,b,y\n1,2,0\nfoo,3,1\n');
    const file = experiment('badcsv', {
      data: { source: 'csv', path: 'bad.csv', target: 'y', task: 'classification' },
      model: { depth: 2, width: 8 },
      train: { epochs: 1 },
    });
    const result = await runCli(['run', file, '--json', '--runs-dir', join(dir, 'csv-runs')]);
    assert.equal(result.code, 1, result.stderr);
    const run = (
      JSON.parse(result.stdout) as {
        runs: { status: string; failure: { reason: string; message: string } }[];
      }
    ).runs[0];
    assert.equal(run?.status, 'failed');
    assert.equal(run?.failure.reason, 'data');
    assert.match(run?.failure.message ?? '', /bad\.csv:3/);
  });

  it('probe prints per-layer mean and variance at initialisation', async () => {
    const result = await runCli([
      'probe',
      sweep,
      '--index',
      '1',
      '--samples',
      '256',
      '--json',
      '--runs-dir',
      join(dir, 'probe-runs'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const probe = JSON.parse(result.stdout) as {
      status: string;
      layers: { layer: number; units: number; post: { mean: number; variance: number } }[];
    };
    assert.equal(probe.status, 'finished');
    assert.deepEqual(
      probe.layers.map((l) => [l.layer, l.units]),
      [
        [0, 8],
        [1, 8],
      ],
    );
    for (const layer of probe.layers) assert.ok(Number.isFinite(layer.post.mean) && layer.post.variance > 0);
  });

  it('Ctrl-C (SIGINT to the process group) stops runs cleanly: they end stopped, the CLI exits 1', async () => {
    const file = experiment('interrupted', {
      data: { ...tinyData, samples: 4000 },
      model: { depth: 2, width: 8 },
      // Long enough to be caught running on any machine (the fused wasm step trains 20 epochs of this in ~2 s).
      train: { epochs: 1000, batchSize: 4 },
    });
    // Own process group, signalled as a whole: what a terminal does on Ctrl-C.
    const args = [cli, 'run', file, '--json', '--runs-dir', join(dir, 'sigint-runs')];
    const child = spawn(process.execPath, args, { detached: true });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 300 && !runningWithProgress(join(dir, 'sigint-runs')); i++) await delay(100);
    process.kill(-(child.pid ?? 0), 'SIGINT');
    assert.equal(await closed, 1);
    type Output = { runs: { status: string; failure: { reason: string; message: string } }[] };
    const run = (JSON.parse(stdout) as Output).runs[0];
    assert.equal(run?.status, 'stopped');
    assert.equal(run?.failure.reason, 'stopped');
    assert.doesNotMatch(
      run?.failure.message ?? '',
      /signal/,
      'the trainer was stopped over IPC, not killed by SIGINT',
    );
  });

  it('a killed CLI leaves its run interrupted (not running), with its records readable', async () => {
    const file = experiment('long', {
      data: { ...tinyData, samples: 4000 },
      model: { depth: 2, width: 8 },
      train: { epochs: 1000, batchSize: 4 },
    });
    const runsDir = join(dir, 'killed-runs');
    const child = spawn(process.execPath, [cli, 'run', file, '--runs-dir', runsDir], { stdio: 'ignore' });
    let meta: RunMeta | undefined;
    for (let i = 0; i < 300 && !meta; i++) {
      await delay(100);
      meta = runningWithProgress(runsDir);
    }
    assert.ok(meta, 'the run got going');
    const trainerPid = meta.executor?.kind === 'local' ? meta.executor.pid : undefined;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    for (let i = 0; i < 100 && trainerPid !== undefined && isPidAlive(trainerPid); i++) await delay(100);
    assert.ok(
      trainerPid !== undefined && !isPidAlive(trainerPid),
      'the orphaned trainer exited on disconnect',
    );
    const list = JSON.parse(
      (await runCli(['runs', 'list', '--json', '--runs-dir', runsDir])).stdout,
    ) as RunMeta[];
    assert.deepEqual(
      list.map((m) => m.status),
      ['interrupted'],
    );
    const show = await runCli(['runs', 'show', meta.runId, '--json', '--runs-dir', runsDir]);
    assert.ok((JSON.parse(show.stdout) as RunData).metrics.length > 0);
  });
});

test('every run these tests wrote satisfies the run-store schemas (docs/run-store.md)', () => {
  const { runs, problems } = schemaProblemsUnder([dir]);
  assert.ok(runs >= 3, `runs checked: ${runs}`);
  assert.deepEqual(problems, []);
});
