// The one runs-directory rule: --runs-dir, then $SNN_LAB_RUNS_DIR, then <project>/.snn-lab/runs where the project is
// the nearest folder above the experiment file holding .snn-lab/ or .git/, else the file's folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findProjectRoot, resolveRunsDirectory } from '../../../src/runs/runsDirectory';

function scratch(): { root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'snn-runsdir-'));
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

test('a file in a sub-folder of a workspace that has .snn-lab/ uses the workspace runs directory', () => {
  const { root, done } = scratch();
  try {
    const ws = join(root, 'ws');
    mkdirSync(join(ws, '.snn-lab', 'runs'), { recursive: true });
    mkdirSync(join(ws, 'studies', 'deep'), { recursive: true });
    const file = join(ws, 'studies', 'deep', 'x.snn.yaml');
    writeFileSync(file, 'name: x\n');
    assert.equal(findProjectRoot(join(ws, 'studies', 'deep')), ws);
    assert.equal(resolveRunsDirectory({ experimentPath: file, env: {} }), join(ws, '.snn-lab', 'runs'));
  } finally {
    done();
  }
});

test('a git repository root counts as the project (a .git file of a worktree too)', () => {
  const { root, done } = scratch();
  try {
    mkdirSync(join(root, 'repo', 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'repo', '.git'), 'gitdir: /elsewhere\n');
    const file = join(root, 'repo', 'a', 'b', 'e.snn.json');
    assert.equal(
      resolveRunsDirectory({ experimentPath: file, env: {} }),
      join(root, 'repo', '.snn-lab', 'runs'),
    );
  } finally {
    done();
  }
});

test('the explicit directory wins over the environment, which wins over the project', () => {
  const { root, done } = scratch();
  try {
    mkdirSync(join(root, 'p', '.git'), { recursive: true });
    const file = join(root, 'p', 'e.snn.json');
    const env = { SNN_LAB_RUNS_DIR: join(root, 'from-env') };
    assert.equal(resolveRunsDirectory({ experimentPath: file, env }), join(root, 'from-env'));
    assert.equal(
      resolveRunsDirectory({ experimentPath: file, env, explicit: 'rel', cwd: root }),
      join(root, 'rel'),
    );
  } finally {
    done();
  }
});

test('without a project above it, runs go next to the experiment file (or the current folder)', () => {
  const { root, done } = scratch();
  try {
    mkdirSync(join(root, 'loose'), { recursive: true });
    const file = join(root, 'loose', 'e.snn.yaml');
    // tmpdir() itself has no .git/.snn-lab above it on the machines we test on; guard the assumption.
    if (findProjectRoot(root) !== undefined) {
      return assert.fail(`a project folder above ${root} breaks this test`);
    }
    assert.equal(
      resolveRunsDirectory({ experimentPath: file, env: {} }),
      join(root, 'loose', '.snn-lab', 'runs'),
    );
    assert.equal(
      resolveRunsDirectory({ cwd: join(root, 'loose'), env: {} }),
      join(root, 'loose', '.snn-lab', 'runs'),
    );
  } finally {
    done();
  }
});
