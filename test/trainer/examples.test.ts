// The README's claims about the shipped study examples, each checked by running a small version of the example
// itself through the built CLI: every arm of the depth study learns at depth 4; both MNIST arms reach 0.85 test
// accuracy, and what the tour says their Layers tab shows; the k-fold orchard study prints both variants above 0.9
// and no significant paired difference.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import type { RunMeta } from '../../src/runs/runTypes';
import type { RunSummary } from '../../src/protocol/stats';
import { schemaProblemsUnder } from '../shared/runStoreSchemas';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'snn-examples-'));
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

/** Trains the given plan indices of an example (one process each, at most two at a time); returns name -> summary. */
async function trainIndices(
  example: string,
  indices: number[],
  runsDir: string,
): Promise<Map<string, RunSummary>> {
  const file = join(root, 'examples', example);
  for (let i = 0; i < indices.length; i += 2) {
    const batch = indices
      .slice(i, i + 2)
      .map((index) => runCli(['run', file, '--index', String(index), '--runs-dir', runsDir, '--json']));
    for (const result of await Promise.all(batch)) assert.equal(result.code, 0, result.stderr);
  }
  const out = new Map<string, RunSummary>();
  for (const id of readdirSync(runsDir)) {
    const meta = JSON.parse(readFileSync(join(runsDir, id, 'meta.json'), 'utf8')) as RunMeta;
    out.set(meta.name, JSON.parse(readFileSync(join(runsDir, id, 'summary.json'), 'utf8')) as RunSummary);
  }
  return out;
}

interface LayerReport {
  step: number;
  layers: { post: { variance: number }; gradNorm: number }[];
}

/** The statistics reports of the run called `name` in `runsDir` (layers.jsonl lines with layers). */
function layerReports(runsDir: string, name: string): LayerReport[] {
  const id = readdirSync(runsDir).find(
    (d) => (JSON.parse(readFileSync(join(runsDir, d, 'meta.json'), 'utf8')) as RunMeta).name === name,
  );
  assert.ok(id, `no run ${name} in ${runsDir}`);
  return readFileSync(join(runsDir, id, 'layers.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Partial<LayerReport>)
    .filter((r): r is LayerReport => Array.isArray(r.layers));
}

describe('README claims about the study examples', () => {
  it('depth-sweep: at depth 4 every arm learns the 4-class teacher task (test accuracy > 0.6, chance 0.25)', async () => {
    // Plan order: variant, depth, repeat; 4 depths x 3 repeats = 12 plans per arm, depth 4 repeat 0 first.
    const runs = await trainIndices('depth-sweep.snn.yaml', [0, 12, 24], join(dir, 'depth'));
    for (const arm of ['SNN', 'ReLU', 'ReLU+BN']) {
      const summary = runs.get(`depth-sweep/${arm}/model.depth=4#r0`);
      assert.ok(summary, [...runs.keys()].join(', '));
      assert.ok((summary.test.test_accuracy as number) > 0.6, `${arm}: ${summary.test.test_accuracy}`);
    }
  });

  let mnist: Promise<Map<string, RunSummary>> | undefined;
  const mnistRuns = (): Promise<Map<string, RunSummary>> =>
    (mnist ??= trainIndices('snn-vs-relu-bn-mnist.snn.json', [0, 3], join(dir, 'mnist')));

  it('snn-vs-relu-bn-mnist: both arms reach at least 0.85 test accuracy (repeat 0 of each)', async () => {
    const runs = await mnistRuns();
    for (const arm of ['SNN', 'ReLU+BN']) {
      const summary = runs.get(`mnist-snn-vs-relu-bn/${arm}#r0`);
      assert.ok(summary, [...runs.keys()].join(', '));
      assert.ok((summary.test.test_accuracy as number) >= 0.85, `${arm}: ${summary.test.test_accuracy}`);
    }
  });

  it('snn-vs-relu-bn-mnist Layers tab (tour step 3): SNN variance near 1 and flat gradients at the start, variance growing with depth as Adam trains, gradients still flat; ReLU+BN gradients fall with depth', async () => {
    await mnistRuns();
    const snn = layerReports(join(dir, 'mnist'), 'mnist-snn-vs-relu-bn/SNN#r0');
    const bn = layerReports(join(dir, 'mnist'), 'mnist-snn-vs-relu-bn/ReLU+BN#r0');
    const [first, last] = [snn[0]!, snn.at(-1)!];
    assert.equal(first.step, 0);
    assert.ok(last.step >= 200, `last report at step ${last.step}`);
    // Tolerances: wide bands around what the runs show (0.77-0.97 at step 0; ratios 1.2-1.4 and 0.23-0.34), so
    // seeds and float order do not matter but a real change of behaviour (a lost normalisation) fails.
    const variances = first.layers.map((l) => l.post.variance);
    assert.ok(
      variances.every((v) => v > 0.6 && v < 1.25),
      `SNN variance at step 0: ${variances.join(', ')}`,
    );
    const spread = (grads: number[]): number => Math.max(...grads) / Math.min(...grads);
    const inner = (r: LayerReport): number[] => r.layers.slice(1).map((l) => l.gradNorm);
    for (const report of [first, last]) {
      assert.ok(
        spread(inner(report)) < 1.6,
        `SNN gradients, step ${report.step}: ${inner(report).join(', ')}`,
      );
    }
    const grown = last.layers.map((l) => l.post.variance);
    assert.ok(grown.at(-1)! > 2 * grown[0]!, `SNN variance at step ${last.step}: ${grown.join(', ')}`);
    for (const report of [bn[0]!, bn.at(-1)!]) {
      const grads = inner(report);
      assert.ok(
        grads.at(-1)! < 0.5 * grads[0]!,
        `ReLU+BN gradients, step ${report.step}: ${grads.join(', ')}`,
      );
    }
  });

  it('tabular-kfold: both variants above 0.9 test accuracy, and neither the t-test nor Wilcoxon finds a difference', async () => {
    const file = join(root, 'examples', 'tabular-kfold.snn.yaml');
    const runsDir = join(dir, 'kfold');
    const trained = await runCli(['run', file, '--runs-dir', runsDir, '--jobs', '2', '--json']);
    assert.equal(trained.code, 0, trained.stderr);
    const study = await runCli([
      'study',
      file,
      '--runs-dir',
      runsDir,
      '--compare',
      'SNN',
      'ReLU',
      '--metric',
      'test_accuracy',
      '--json',
    ]);
    assert.equal(study.code, 0, study.stderr);
    const json = JSON.parse(study.stdout);
    assert.equal(json.finishedRuns, 20);
    for (const group of json.groups) {
      assert.equal(group.metrics.test_accuracy.n, 10, group.label);
      assert.ok(
        group.metrics.test_accuracy.mean > 0.9,
        `${group.label}: ${group.metrics.test_accuracy.mean}`,
      );
    }
    const [comparison] = json.comparisons;
    assert.equal(comparison.pairs.length, 10);
    assert.ok(comparison.tTest.p > 0.05, `t-test p ${comparison.tTest.p}`);
    assert.ok(comparison.wilcoxon.p > 0.05, `Wilcoxon p ${comparison.wilcoxon.p}`);
    assert.equal(comparison.wilcoxon.method, 'exact');
    const text = await runCli([
      'study',
      file,
      '--runs-dir',
      runsDir,
      '--compare',
      'SNN',
      'ReLU',
      '--metric',
      'test_accuracy',
    ]);
    assert.match(text.stdout, /paired t-test\s+n = 10, t = -?\d\.\d{3}, df = 9, p = 0\.\d{4}/);
    assert.match(text.stdout, /Wilcoxon signed-rank\s+n = 10 .* exact, pratt zeros, p = 0\.\d{4}/);
  });
});

test('every run these tests wrote satisfies the run-store schemas (docs/run-store.md)', () => {
  const { runs, problems } = schemaProblemsUnder([dir]);
  assert.ok(runs >= 3, `runs checked: ${runs}`);
  assert.deepEqual(problems, []);
});
