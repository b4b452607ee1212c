// `snn-lab validate` on the built CLI (dist/cli.js, built by scripts/test.mjs before the unit tier):
// compiler-style lines and exit codes 2 (errors) / 0 (clean or warnings only).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from './fixtures';

function validate(...files: string[]) {
  const result = spawnSync(process.execPath, [repoPath('dist', 'cli.js'), 'validate', ...files], {
    encoding: 'utf8',
    cwd: repoPath(),
  });
  return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr };
}

test('an invalid file prints file:line:col lines and exits 2', () => {
  const file = 'test/fixtures/configs/invalid/bad-enums.snn.yaml';
  const { status, lines } = validate(file);
  assert.equal(status, 2);
  assert.deepEqual(lines, [
    `${file}:3:15: error: model.activation must be one of selu, relu, elu, tanh, gelu, swish, leaky_relu, linear, got "sleu". Did you mean "selu"?`,
    `${file}:4:9: error: model.init must be one of lecun_normal, lecun_uniform, he_normal, glorot_uniform, tfjs_lecun_normal, got "lecun"`,
    `${file}:6:14: error: train.optimizer must be one of sgd, momentum, adam, rmsprop, got "adamw". Did you mean "adam"?`,
  ]);
});

test('warnings only: exit 0, warnings printed, run count reported', () => {
  const file = 'test/fixtures/configs/valid/sweep-pitfall.snn.yaml';
  const { status, lines } = validate(file);
  assert.equal(status, 0);
  assert.match(
    lines[0] ?? '',
    /^test\/fixtures\/configs\/valid\/sweep-pitfall\.snn\.yaml:3:30: warning: SELU with he_normal/,
  );
  assert.equal(lines[1], `${file}: ok, 4 runs, 1 warning`);
});

test('a missing file and a missing CSV are errors with positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-validate-'));
  const config = join(dir, 'x.snn.yaml');
  writeFileSync(config, 'data:\n  source: csv\n  path: nowhere.csv\n');
  const missing = validate(join(dir, 'absent.snn.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.lines[0] ?? '', /absent\.snn\.json:1:1: error: Cannot read .*: file not found$/);
  const csv = validate(config);
  assert.equal(csv.status, 2);
  assert.deepEqual(csv.lines, [`${config}:3:9: error: CSV file not found: ${join(dir, 'nowhere.csv')}`]);
});

test('every example validates through the CLI', () => {
  const { status, lines, stderr } = validate(
    'examples/depth-sweep.snn.yaml',
    'examples/init-probe.snn.json',
    'examples/moons-quick.snn.json',
    'examples/slurm-sweep.snn.yaml',
    'examples/snn-vs-relu-bn-mnist.snn.json',
    'examples/tabular-kfold.snn.yaml',
  );
  assert.equal(status, 0, stderr);
  assert.equal(lines.filter((line) => /: error: /.test(line)).length, 0);
  assert.equal(lines.filter((line) => / ok, \d+ runs?/.test(line)).length, 6);
});
