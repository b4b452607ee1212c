/** Generation of the sbatch job-array script and validation of the Slurm executor settings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  arraySpec,
  renderBatchScript,
  shellQuote,
  type BatchScriptInput,
} from '../../../src/core/slurm/batchScript';
import { validateSlurmConfig } from '../../../src/core/slurm/validate';

const input: BatchScriptInput = {
  jobName: 'snn-lab depth sweep',
  experiment: '/home/ana/exp/depth.snn.json',
  runsDir: '/shared/runs',
  logDir: '/shared/runs/.slurm/20261127-080000-depth',
  runIds: ['r0', 'r1', 'r2', 'r3'],
  nodePath: '/usr/bin/node',
  cliPath: '/home/ana/.vscode-server/extensions/snn-lab/dist/cli.js',
  executor: {
    kind: 'slurm',
    partition: 'cpu',
    timeLimit: '0-01:00:00',
    cpusPerTask: 2,
    memory: '4G',
    parallel: 2,
    sbatchOptions: ['--account=lab'],
  },
};

test('arraySpec: range, throttle only when it limits, single task', () => {
  assert.equal(arraySpec(4), '0-3');
  assert.equal(arraySpec(4, 2), '0-3%2');
  assert.equal(arraySpec(4, 8), '0-3');
  assert.equal(arraySpec(1), '0');
  assert.throws(() => arraySpec(0), /at least one task/);
});

test('shellQuote leaves plain words and single-quotes the rest', () => {
  assert.equal(shellQuote('/usr/bin/node'), '/usr/bin/node');
  assert.equal(shellQuote('/a b/c'), `'/a b/c'`);
  assert.equal(shellQuote(`it's`), `'it'\\''s'`);
});

test('renderBatchScript writes every directive and runs the CLI for the task index', () => {
  const script = renderBatchScript(input);
  const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH'));
  assert.deepEqual(directives, [
    '#SBATCH --job-name=snn-lab_depth_sweep',
    '#SBATCH --array=0-3%2',
    '#SBATCH --output=/shared/runs/.slurm/20261127-080000-depth/task-%A_%a.out',
    '#SBATCH --ntasks=1',
    '#SBATCH --no-requeue',
    '#SBATCH --cpus-per-task=2',
    '#SBATCH --partition=cpu',
    '#SBATCH --time=0-01:00:00',
    '#SBATCH --mem=4G',
    '#SBATCH --account=lab',
  ]);
  assert.ok(script.startsWith('#!/bin/bash\n'));
  assert.match(script, /^RUN_IDS=\(r0 r1 r2 r3\)$/m);
  assert.match(script, /^export ELECTRON_RUN_AS_NODE=1$/m);
  assert.match(
    script,
    /^exec \/usr\/bin\/node \/home\/ana\/\.vscode-server\/extensions\/snn-lab\/dist\/cli\.js slurm task \\$/m,
  );
  assert.match(script, /^ {2}--runs-dir \/shared\/runs --run-id "\$\{RUN_IDS\[\$i\]\}"$/m);
  assert.match(script, /^# {3}\/home\/ana\/exp\/depth\.snn\.json$/m);
});

test('renderBatchScript: defaults, quoted paths with spaces, run names as comments', () => {
  const script = renderBatchScript({
    ...input,
    experiment: '/home/ana/my exp/a.snn.yaml',
    logDir: '/shared/my runs/.slurm/x',
    runsDir: '/shared/my runs',
    runIds: ['a', 'b'],
    runNames: ['exp/model.depth=2', 'exp/model.depth=4'],
    executor: { kind: 'slurm' },
  });
  assert.match(script, /^#SBATCH --output="\/shared\/my runs\/\.slurm\/x\/task-%A_%a\.out"$/m);
  assert.match(script, /^#SBATCH --cpus-per-task=1$/m);
  assert.doesNotMatch(script, /--partition|--time|--mem/);
  assert.match(script, /--runs-dir '\/shared\/my runs' --run-id/);
  assert.match(script, /^# {3}task 1: b {2}exp\/model\.depth=4$/m);
});

test('renderBatchScript refuses relative paths, bad run ids and invalid settings', () => {
  assert.throws(() => renderBatchScript({ ...input, runsDir: 'runs' }), /runsDir must be an absolute path/);
  assert.throws(() => renderBatchScript({ ...input, runIds: ['a b'] }), /invalid run id/);
  assert.throws(() => renderBatchScript({ ...input, runIds: [] }), /at least one task/);
  assert.throws(
    () => renderBatchScript({ ...input, executor: { kind: 'slurm', memory: 'lots' } }),
    /executor\.memory: must be a Slurm memory size such as "4G" or "500M", got "lots"/,
  );
});

test('validateSlurmConfig reports each bad field by its path', () => {
  const problems = validateSlurmConfig({
    kind: 'slurm',
    partition: 'cpu gpu',
    timeLimit: '1h',
    cpusPerTask: 0,
    memory: '4GB',
    parallel: 1.5,
    sbatchOptions: ['account=lab', '--array=0-9', '--qos=short', '--requeue', '--account=x', '--export=ALL'],
  });
  assert.deepEqual(
    problems.map((p) => p.path),
    [
      'executor.partition',
      'executor.timeLimit',
      'executor.cpusPerTask',
      'executor.memory',
      'executor.parallel',
      'executor.sbatchOptions[0]',
      'executor.sbatchOptions[1]',
      'executor.sbatchOptions[3]',
    ],
  );
  for (const t of ['30', '30:00', '1:30:00', '2-0', '2-12:00', '2-12:00:00', 'UNLIMITED']) {
    assert.deepEqual(validateSlurmConfig({ kind: 'slurm', timeLimit: t }), [], t);
  }
  assert.deepEqual(validateSlurmConfig({ kind: 'slurm', partition: 'cpu,gpu', memory: '500M' }), []);
});
