// `.snn-lab/.gitignore`: written when SNN Lab creates `.snn-lab/` for its runs, never over a user's choice, never
// outside `.snn-lab/`, and the CLI writes it too on its first run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, test } from 'node:test';
import { createRunsFolder, gitignoreFromEnv, GITIGNORE_TEXT } from '../../../src/runs/runsFolder';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-runs-folder-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('creating .snn-lab/runs writes .snn-lab/.gitignore ignoring everything in it', () => {
  const project = scratch();
  const runs = join(project, '.snn-lab', 'runs');
  const result = createRunsFolder(runs, { gitignore: true });
  assert.ok(existsSync(runs));
  assert.equal(result.gitignore, join(project, '.snn-lab', '.gitignore'));
  assert.equal(readFileSync(join(project, '.snn-lab', '.gitignore'), 'utf8'), GITIGNORE_TEXT);
  assert.match(GITIGNORE_TEXT, /^\*$/m, 'a line "*" ignores the folder, the .gitignore included');
});

test('an existing .snn-lab/ is left alone: a deleted or edited .gitignore stays the user’s choice', () => {
  const project = scratch();
  mkdirSync(join(project, '.snn-lab'));
  assert.deepEqual(createRunsFolder(join(project, '.snn-lab', 'runs'), { gitignore: true }), {});
  assert.ok(!existsSync(join(project, '.snn-lab', '.gitignore')));
  writeFileSync(join(project, '.snn-lab', '.gitignore'), '!runs/\n');
  createRunsFolder(join(project, '.snn-lab', 'runs'), { gitignore: true });
  assert.equal(readFileSync(join(project, '.snn-lab', '.gitignore'), 'utf8'), '!runs/\n');
});

test('switched off, or a runs directory outside any .snn-lab/: no .gitignore anywhere', () => {
  const project = scratch();
  createRunsFolder(join(project, '.snn-lab', 'runs'), { gitignore: false });
  assert.ok(!existsSync(join(project, '.snn-lab', '.gitignore')));
  const other = scratch();
  createRunsFolder(join(other, 'results', 'runs'), { gitignore: true });
  assert.ok(!existsSync(join(other, 'results', '.gitignore')) && !existsSync(join(other, '.gitignore')));
  assert.equal(gitignoreFromEnv({ SNN_LAB_GITIGNORE: '0' }), false);
  assert.equal(gitignoreFromEnv({}), true);
});

test('the CLI writes it on its first run in a project (and not with SNN_LAB_GITIGNORE=0)', () => {
  for (const env of [{}, { SNN_LAB_GITIGNORE: '0' }]) {
    const project = scratch();
    mkdirSync(join(project, '.git'));
    const file = join(project, 'tiny.snn.json');
    const config = {
      name: 'tiny',
      data: { source: 'synthetic', kind: 'moons', samples: 64 },
      model: { depth: 2, width: 4 },
      train: { epochs: 1, batchSize: 32 },
    };
    writeFileSync(file, JSON.stringify(config));
    const { SNN_LAB_RUNS_DIR: _drop, ...inherited } = process.env;
    const r = spawnSync(process.execPath, [CLI, 'run', file, '--json', '--backend', 'cpu'], {
      encoding: 'utf8',
      env: { ...inherited, ...env },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(project, '.snn-lab', 'runs')));
    assert.equal(existsSync(join(project, '.snn-lab', '.gitignore')), Object.keys(env).length === 0);
  }
});
