// Every run the snn_lab unittest suite wrote (python/tests, kept under $SNN_LAB_TEST_RUNS_OUT by the python tier)
// satisfies the run-store schemas, and the README's PyTorch example run reaches the dashboard as the README says.
// Run alone, this test runs that suite itself into a temp folder first.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunSeries } from '../../src/host/webviews/runSeries';
import { decodeFrame } from '../../src/protocol/frameCodec';
import { RunStore } from '../../src/runs/runStore';
import { runPython } from '../shared/python';
import { repoRoot, validateRunsUnder } from '../shared/runStoreSchemas';

let suiteRuns: string | undefined;
const temporary: string[] = [];
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The folder holding the suite's runs (the same for every test of this file). */
function runsOfTheSuite(): string {
  suiteRuns ??= suiteRunsFolder();
  return suiteRuns;
}

function suiteRunsFolder(): string {
  const kept = process.env.SNN_LAB_TEST_RUNS_OUT;
  if (kept && readdirSync(kept, { withFileTypes: true }).some((e) => e.isDirectory())) return kept;
  const dir = mkdtempSync(join(tmpdir(), 'snn-python-runs-'));
  temporary.push(dir);
  const code =
    'import sys, unittest; sys.argv = ["unittest", "discover", "-s", "tests", "-t", "."]; unittest.main(module=None)';
  const result = runPython(code, { cwd: join(repoRoot(), 'python'), env: { SNN_LAB_TEST_RUNS_OUT: dir } });
  assert.equal(result.status, 0, `the snn_lab unittest suite failed:\n${result.stderr.slice(-3000)}`);
  return dir;
}

describe('runs written by the snn_lab test suite', () => {
  it('all satisfy the run-store schemas (train, probe, failed, diverged, stopped, no-Linear, conv)', () => {
    const { runs, problems } = validateRunsUnder(runsOfTheSuite());
    assert.ok(runs.length >= 20, `runs found: ${runs.length}`);
    assert.deepEqual(problems, []);
  });
});

describe("the README's PyTorch example in the dashboard", () => {
  it('curves at whole epochs, 9 Linear layers every 10 steps (what the dashboard feed builds)', async () => {
    const folder = readdirSync(runsOfTheSuite()).find((name) => name.startsWith('test_the_example_runs'));
    assert.ok(folder, 'python/tests/test_readme.py kept its run');
    const store = new RunStore(join(runsOfTheSuite(), folder));
    const [meta] = store.list();
    assert.ok(meta);
    assert.equal(meta.name, 'selu-mlp');
    const budget = { frames: 100, histograms: 10, curvePoints: 1000 };
    const series = new RunSeries(meta.runId, meta, store);
    await series.load(budget);
    const { curves, frames, info } = series.payload(budget);
    assert.equal(info.status, 'finished');
    // 3 epochs of 8 steps: each loss point sits at the epoch its step is in, epoch metrics at epochs finished.
    const loss = curves.batch_loss;
    assert.ok(loss && loss.step.length >= 3, 'loss points');
    assert.deepEqual(
      loss.epoch,
      loss.step.map((step) => Math.floor(step / 8)),
    );
    assert.deepEqual(curves.loss?.epoch, [1, 2, 3]);
    assert.deepEqual(
      frames.map((f) => f.step),
      [0, 10, 20],
    );
    assert.ok(frames.every((f) => decodeFrame(f).layers.length === 9));
  });
});
