// The built CLI (dist/cli.js) on hostile input (issue 13, items 4, 5, 9, 13, 15): limits as options, escape
// sequences from files never reach the terminal, a closed pipe ends quietly, invalid Slurm settings exit 2.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import { expandRuns } from '../../../src/core/config/expand';
import { RunStore } from '../../../src/runs/runStore';
import { repoPath } from '../config/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'snn-cli-hostile-'));

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [repoPath('dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, SNN_LAB_RUNS_DIR: join(dir, 'runs'), ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const ESC = '\u001b';

test('--max-runs and --memory-budget set the limits; out of range they exit 2 naming the option', () => {
  const grid = file('grid.snn.yaml', 'sweep:\n  seed: [1, 2, 3, 4, 5]\n  model.depth: [1, 2, 3]\n');
  const refused = cli(['validate', grid, '--max-runs', '10']);
  assert.equal(refused.status, 2);
  assert.match(
    refused.stdout,
    /grid\.snn\.yaml:1:1: error: This file expands to 15 runs \(5 seed × 3 model\.depth\), more than the 10 /,
  );
  assert.equal(cli(['validate', grid, '--max-runs', '15']).status, 0);
  const bad = cli(['validate', grid, '--max-runs', '0']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'snn-lab: --max-runs must be an integer from 1 to 1000000, got "0"\n');
  const wide = file('wide.snn.json', '{"model": {"width": 8192, "depth": 16}}');
  assert.equal(cli(['validate', wide]).status, 2);
  assert.equal(cli(['validate', wide, '--memory-budget', '65536']).status, 0);
});

test('probe --samples is bounded: by its maximum, and by the memory budget before any trainer starts', () => {
  const small = file('probe.snn.json', '{"model": {"width": 512, "depth": 8}}');
  const over = cli(['probe', small, '--samples', '100000000']);
  assert.equal(over.status, 2);
  assert.match(over.stderr, /--samples must be an integer from 1 to 1000000/);
  const budget = cli(['probe', small, '--samples', '1000000']);
  assert.equal(budget.status, 2);
  assert.match(
    budget.stderr,
    /^snn-lab: --samples 1000000: the probe needs about [\d.,]+ GiB by estimate \(the probe batch /,
  );
  assert.deepEqual(
    readdirSync(dir).filter((name) => name === 'runs'),
    [],
    'no run was created',
  );
});

test('names, keys and messages from files reach the terminal escaped', () => {
  const evil = `${ESC}]0;pwned\u0007${ESC}[2J`;
  const config = file('evil.snn.json', JSON.stringify({ model: { [evil]: 1 } }));
  const validate = cli(['validate', config]);
  assert.equal(validate.status, 2);
  assert.ok(!validate.stdout.includes(ESC) && !validate.stdout.includes('\u0007'), validate.stdout);
  assert.match(validate.stdout, /Unknown property "\\x1b\]0;pwned\\x07\\x1b\[2J" in model\./);
  // A run directory written by anything (another tool, a hand edit) may hold any name: the CLI escapes it.
  const parsed = parseExperiment('{"train": {"epochs": 1}}', 'x.snn.json').file;
  assert.ok(parsed);
  const plan = { ...expandRuns(parsed)[0]!, name: `run${ESC}[31mred` };
  const store = new RunStore(join(dir, 'runs'));
  const runId = store.create(plan, { experiment: config, mode: 'train' });
  store.setStatus(runId, 'failed', { reason: 'data', message: `bad cell ${ESC}[2J here` });
  store.dispose();
  for (const args of [
    ['runs', 'list'],
    ['runs', 'show', runId],
  ]) {
    const out = cli(args);
    assert.equal(out.status, 0, out.stderr);
    assert.ok(!out.stdout.includes(ESC), `${args.join(' ')}: ${JSON.stringify(out.stdout)}`);
    assert.match(out.stdout, /run\\x1b\[31mred/);
  }
  assert.match(cli(['runs', 'show', runId]).stdout, /bad cell \\x1b\[2J here/);
});

test('a closed pipe ends the CLI quietly with status 141, like git and ls', async () => {
  // The output (2,000 run names of ~210 characters: ~425 KB) is over three times what the reader can hold when it
  // closes: one read (at most 64 KB) plus a full pipe (64 KB). So the CLI is still writing when the pipe closes,
  // however late a loaded machine lets the reader close it; with a smaller output the CLI could finish first and
  // exit 0 (seen under load).
  const grid = file(
    'many.snn.yaml',
    `name: ${'n'.repeat(200)}\nsweep:\n  seed: [${Array.from({ length: 2000 }, (_, i) => i).join(', ')}]\n`,
  );
  const args = ['validate', '--runs', '--max-runs', '2000', grid];
  const child = spawn(process.execPath, [repoPath('dist', 'cli.js'), ...args], { cwd: dir });
  // Listened to before the pipe is closed: a CLI that already ended closes at once.
  const closed = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Read one chunk, then close the pipe as `head -1` does.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  assert.equal(await closed, 141, 'the status of a process ended by SIGPIPE');
  assert.equal(stderr, '', 'no stack trace');
});

test('invalid Slurm settings exit 2 before anything is submitted (no Slurm needed)', () => {
  const config = file('slurm.snn.yaml', 'executor:\n  kind: slurm\n');
  const huge = cli(['slurm', 'submit', config, '--cpus-per-task', '100000000000000000000']);
  assert.equal(huge.status, 2);
  assert.match(huge.stderr, /executor\.cpusPerTask: must be <= 4096, got 100000000000000000000/);
  const attached = cli(['slurm', 'submit', config, '--sbatch-option=-ofoo']);
  assert.equal(attached.status, 2);
  assert.match(attached.stderr, /executor\.sbatchOptions\[0\]: "-ofoo" sets -o, which SNN Lab sets itself/);
  const notNumber = cli(['slurm', 'submit', config, '--cpus-per-task', '1e20']);
  assert.equal(notNumber.status, 2);
  assert.equal(notNumber.stderr, 'snn-lab: --cpus-per-task must be a positive integer, got "1e20"\n');
  const partition = file('part.snn.yaml', 'executor:\n  kind: slurm\n  partition: "a\\nb"\n');
  const refused = cli(['slurm', 'submit', partition]);
  assert.equal(refused.status, 2);
  assert.match(
    refused.stderr,
    /part\.snn\.yaml:3:14: error: executor\.partition must be a Slurm partition name/,
  );
});
