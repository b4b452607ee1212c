// Every run the snn_lab unittest suite wrote (python/tests, kept under $SNN_LAB_TEST_RUNS_OUT by the python tier)
// satisfies the run-store schemas. Run alone, this test runs that suite itself into a temp folder first.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runPython } from '../shared/python';
import { repoRoot, validateRunsUnder } from '../shared/runStoreSchemas';

function runsOfTheSuite(): string {
  const kept = process.env.SNN_LAB_TEST_RUNS_OUT;
  if (kept && readdirSync(kept, { withFileTypes: true }).some((e) => e.isDirectory())) return kept;
  const dir = mkdtempSync(join(tmpdir(), 'snn-python-runs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
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
