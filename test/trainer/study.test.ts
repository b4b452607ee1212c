// A real 2-variant x 3-repeat study through the built CLI and trainer: the run store records the study keys, seeds
// and predictions, and `snn-lab study` prints a table and p-values that equal values computed here from the
// recorded summary.json files by independent formulas (closed-form t for df = 2, Wilcoxon by enumerating all 2^n
// sign patterns, the binomial sum), the way the scipy fixtures were made.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { deriveSeed } from '../../src/core/random';
import type { RunMeta } from '../../src/runs/runTypes';
import type { RunSummary } from '../../src/protocol/stats';
import { schemaProblemsUnder } from '../shared/runStoreSchemas';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'snn-study-'));
const runsDir = join(dir, 'runs');
after(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, SNN_LAB_RUNS_DIR: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const file = join(dir, 'pair.snn.json');
writeFileSync(
  file,
  JSON.stringify({
    name: 'pair',
    seed: 11,
    repeats: 3,
    data: { source: 'synthetic', kind: 'spirals', samples: 300, features: 2, classes: 2, noise: 0.2 },
    model: { depth: 3, width: 16 },
    train: { epochs: 3, batchSize: 32, learningRate: 0.01 },
    stats: { everySteps: 1000 },
    variants: { SNN: {}, ReLU: { model: { activation: 'relu', init: 'he_normal' } } },
  }),
);

interface Stored {
  meta: RunMeta;
  summary: RunSummary;
  predictions: string;
}

const stored: Stored[] = [];

before(async () => {
  const result = await runCli(['run', file, '--runs-dir', runsDir, '--jobs', '2', '--json']);
  assert.equal(result.code, 0, result.stderr);
  for (const id of readdirSync(runsDir)) {
    const read = (name: string) => readFileSync(join(runsDir, id, name), 'utf8');
    stored.push({
      meta: JSON.parse(read('meta.json')),
      summary: JSON.parse(read('summary.json')),
      predictions: read('predictions.csv'),
    });
  }
});

/** The recorded test metric of variant `v`, repeat 0..2. */
function recorded(variant: string, metric: string): number[] {
  return [0, 1, 2].map((r) => {
    const run = stored.find((s) => s.meta.variant === variant && s.meta.repeat === r);
    assert.ok(run, `${variant} repeat ${r}`);
    return run.summary.test[metric] as number;
  });
}

/** Two-sided p of the paired t-test with df = 2: P(|T| > t) = 1 - t / sqrt(t^2 + 2) (closed form). */
function tTestP(d: number[]): { t: number; p: number } {
  const mean = d.reduce((s, x) => s + x, 0) / d.length;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
  const t = mean / (sd / Math.sqrt(d.length));
  return { t, p: 1 - Math.abs(t) / Math.sqrt(t * t + 2) };
}

/**
 * Exact two-sided Wilcoxon p (Pratt) by enumerating every sign pattern of the non-zero differences. Differences
 * are rounded to 1e-9 first: metrics differing by float rounding alone tie (as the study's tie tolerance does).
 */
function wilcoxonP(raw: number[]): number {
  const d = raw.map((x) => Math.round(x * 1e9) / 1e9);
  const order = d.map((x, i) => [Math.abs(x), i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(d.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]?.[0] === order[i]?.[0]) j++;
    for (let k = i; k < j; k++) ranks[order[k]?.[1] as number] = (i + 1 + j) / 2;
    i = j;
  }
  const used = d.map((x, i) => [x, ranks[i] as number] as const).filter(([x]) => x !== 0);
  const observed = used.reduce((s, [x, r]) => s + (x > 0 ? r : 0), 0);
  let lower = 0;
  let upper = 0;
  for (let mask = 0; mask < 2 ** used.length; mask++) {
    const sum = used.reduce((s, [, r], k) => s + (mask & (1 << k) ? r : 0), 0);
    if (sum <= observed + 1e-9) lower++;
    if (sum >= observed - 1e-9) upper++;
  }
  return Math.min(1, (2 * Math.min(lower, upper)) / 2 ** used.length);
}

describe('a 2-variant x 3-repeat study, trained and aggregated', () => {
  it('records the study keys, the seeds rule and predictions.csv for every run', () => {
    assert.equal(stored.length, 6);
    for (const { meta, summary, predictions } of stored) {
      assert.equal(meta.experimentName, 'pair');
      assert.equal(meta.group, `pair/${meta.variant}`);
      assert.equal(meta.name, `pair/${meta.variant}#r${meta.repeat}`);
      assert.equal(meta.splitSeed, 11);
      assert.equal(meta.seed, meta.repeat === 0 ? 11 : deriveSeed(11, `repeat=${meta.repeat}`));
      const lines = predictions.trim().split('\n');
      assert.equal(lines[0], 'sample,fold,split,label,score_0,score_1');
      const test = lines.filter((line) => line.split(',')[2] === 'test');
      assert.equal(test.length, meta.dataset?.samples.test);
      const accuracy =
        test.filter((line) => {
          const [, , , label, p0, p1] = line.split(',').map(Number);
          return (Number(p1) > Number(p0) ? 1 : 0) === label;
        }).length / test.length;
      assert.ok(
        Math.abs(accuracy - (summary.test.test_accuracy as number)) < 1e-9,
        'predictions agree with test_accuracy',
      );
    }
  });

  it('study --json: group statistics and the paired tests equal the values recomputed from summary.json', async () => {
    const result = await runCli(['study', file, '--runs-dir', runsDir, '--compare', 'SNN', 'ReLU', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.finishedRuns, 6);
    assert.equal(json.plannedRuns, 6);
    for (const metric of ['test_accuracy', 'test_loss', 'test_auc']) {
      for (const variant of ['SNN', 'ReLU']) {
        const values = recorded(variant, metric);
        const group = json.groups.find((g: { label: string }) => g.label === `pair/${variant}`);
        const s = group.metrics[metric];
        const mean = values.reduce((a, b) => a + b, 0) / 3;
        const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
        // t(0.975, 2) = 0.95 / sqrt(2 * 0.975 * 0.025), the closed form for df = 2.
        const half = (0.95 / Math.sqrt(2 * 0.975 * 0.025)) * (std / Math.sqrt(3));
        assert.equal(s.n, 3);
        for (const [got, want, what] of [
          [s.mean, mean, 'mean'],
          [s.std, std, 'std'],
          [s.ciLow, mean - half, 'ciLow'],
          [s.ciHigh, mean + half, 'ciHigh'],
        ] as const) {
          assert.ok(
            Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)),
            `${variant} ${metric} ${what}: ${got} vs ${want}`,
          );
        }
      }
      const comparison = json.comparisons.find((c: { metric: string }) => c.metric === metric);
      const a = recorded('SNN', metric);
      const b = recorded('ReLU', metric);
      const d = a.map((x, i) => x - (b[i] as number));
      assert.deepEqual(
        comparison.pairs.map((p: { unit: string }) => p.unit),
        ['repeat=0', 'repeat=1', 'repeat=2'],
      );
      if (d.every((x) => x === d[0])) continue;
      const t = tTestP(d);
      // 1e-10: the closed form and the incomplete-beta route differ only by rounding.
      assert.ok(Math.abs(comparison.tTest.t - t.t) <= 1e-10 * Math.abs(t.t), `${metric} t`);
      assert.ok(
        Math.abs(comparison.tTest.p - t.p) <= 1e-10,
        `${metric} t-test p ${comparison.tTest.p} vs ${t.p}`,
      );
      assert.equal(comparison.wilcoxon.p, wilcoxonP(d), `${metric} Wilcoxon p`);
      const wins = d.filter((x) => x > 0).length;
      const losses = d.filter((x) => x < 0).length;
      const n = wins + losses;
      const tail = [...Array(Math.min(wins, losses) + 1).keys()].reduce(
        (s, k) => s + [1, n, (n * (n - 1)) / 2, 1][k]!,
        0,
      );
      assert.equal(comparison.sign.p, Math.min(1, (2 * tail) / 2 ** n), `${metric} sign test`);
    }
  });

  it('study prints the table a person reads: one row per group and metric with n, mean ± std and the interval', async () => {
    const result = await runCli(['study', file, '--runs-dir', runsDir, '--metric', 'test_accuracy']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^6 finished runs of 6 planned/);
    for (const variant of ['SNN', 'ReLU']) {
      const values = recorded(variant, 'test_accuracy');
      const mean = values.reduce((x, y) => x + y, 0) / 3;
      const row = result.stdout.split('\n').find((line) => line.startsWith(`pair/${variant} `));
      assert.ok(row, result.stdout);
      assert.match(row, new RegExp(`test_accuracy\\s+3\\s+${mean.toFixed(4)} ± `));
    }
    const csv = await runCli([
      'study',
      file,
      '--runs-dir',
      runsDir,
      '--compare',
      'SNN',
      'ReLU',
      '--metric',
      'test_auc',
      '--csv',
    ]);
    assert.deepEqual(csv.stdout.trim().split('\n')[0], 'metric,a,b,test,n,statistic,df,p');
    assert.equal(csv.stdout.trim().split('\n').length, 4);
  });

  it('bad input: an unknown group is exit 2 with the groups listed; export of a group has a run column', async () => {
    const bad = await runCli(['study', file, '--runs-dir', runsDir, '--compare', 'SNN', 'Tanh']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no group "Tanh"; groups: pair\/SNN, pair\/ReLU/);
    const exported = await runCli(['export', 'pair/SNN', '--runs-dir', runsDir, '--what', 'predictions']);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = exported.stdout.trim().split('\r\n');
    assert.equal(lines[0], 'run,sample,fold,split,label,score_0,score_1');
    assert.equal(new Set(lines.slice(1).map((l) => l.split(',')[0])).size, 3, 'three runs of the group');
  });

  it('best-epoch selection on val_auc: the tested epoch is the one with the highest recorded val_auc', async () => {
    const early = join(dir, 'early.snn.json');
    writeFileSync(
      early,
      JSON.stringify({
        name: 'early',
        seed: 5,
        data: { source: 'synthetic', kind: 'spirals', samples: 300, features: 2, classes: 2, noise: 0.3 },
        model: { depth: 3, width: 16 },
        train: {
          epochs: 6,
          batchSize: 32,
          learningRate: 0.02,
          earlyStopping: { metric: 'val_auc', patience: 100 },
        },
        stats: { everySteps: 1000 },
      }),
    );
    const earlyRuns = join(dir, 'early-runs');
    const result = await runCli(['run', early, '--runs-dir', earlyRuns, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [id] = readdirSync(earlyRuns);
    const summary = JSON.parse(
      readFileSync(join(earlyRuns, id as string, 'summary.json'), 'utf8'),
    ) as RunSummary;
    const epochs = readFileSync(join(earlyRuns, id as string, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.kind === 'epoch');
    assert.equal(epochs.length, 6, 'patience 100: all epochs ran');
    const aucs = epochs.map((line) => line.metrics.val_auc as number);
    const best = aucs.indexOf(Math.max(...aucs));
    assert.equal(summary.stoppedEarly, false);
    assert.equal(summary.tested?.epoch, best, `val_auc per epoch ${aucs.join(', ')}`);
    assert.equal(summary.tested?.metrics.val_auc, aucs[best]);
  });
});

test('every run these tests wrote satisfies the run-store schemas (docs/run-store.md)', () => {
  const { runs, problems } = schemaProblemsUnder([dir]);
  assert.ok(runs >= 6, `runs checked: ${runs}`);
  assert.deepEqual(problems, []);
});
