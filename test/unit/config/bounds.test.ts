// Values that validated but broke runs (issue 13, items 5, 11, 12, 15): every bound is in the schema, so the
// editor, `snn-lab validate` and the trainer's own check refuse the same values at the same place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import { checkRunConfig } from '../../../src/core/config/runConfigCheck';
import { sbatchConflict, validateSlurmConfig } from '../../../src/core/slurm/validate';

function errors(
  text: string,
  fileName: string,
  limits?: { maxRuns: number; memoryBudgetMB: number },
): string[] {
  return parseExperiment(text, fileName, limits)
    .problems.filter((p) => p.severity === 'error')
    .map((p) => `${p.line}:${p.col} ${p.message}`);
}

/** A resolved run config that is valid, to change one value of. */
function validRun(): Record<string, unknown> {
  const file = parseExperiment('{}', 'base.snn.json').file;
  assert.ok(file);
  const { variants: _v, sweep: _s, executor: _e, ...run } = file as unknown as Record<string, unknown>;
  return run;
}

test('values that overflow float32 or the run are refused by the schema, in the file and in the trainer', () => {
  const cases: [string, string, string][] = [
    [
      '{"model": {"selu": {"alpha": 1e308, "lambda": 1}}}',
      'model.selu.alpha',
      'model.selu.alpha must be <= 1000000, got 1e+308',
    ],
    ['{"data": {"noise": 1e308}}', 'data.noise', 'data.noise must be <= 1000, got 1e+308'],
    ['{"stats": {"range": 1e308}}', 'stats.range', 'stats.range must be <= 1000000, got 1e+308'],
    [
      '{"stats": {"everySteps": 10000000000000}}',
      'stats.everySteps',
      'stats.everySteps must be <= 1000000000, got 10000000000000',
    ],
    [
      '{"train": {"weightDecay": 1e308}}',
      'train.weightDecay',
      'train.weightDecay must be <= 1000, got 1e+308',
    ],
  ];
  for (const [text, path, message] of cases) {
    const found = errors(text, 'b.snn.json');
    assert.equal(found.length, 1, `${path}: ${found.join(' | ')}`);
    assert.match(found[0] ?? '', new RegExp(`^1:\\d+ ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // The trainer's check of a run config (what arrives over IPC) says the same.
    const run = validRun();
    const [section, ...rest] = path.split('.') as [string, ...string[]];
    let target = run[section] as Record<string, unknown>;
    for (const key of rest.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
    let value: unknown = parsed[section];
    for (const key of rest) value = (value as Record<string, unknown>)[key];
    if (path === 'model.selu.alpha') target.lambda = 1;
    target[rest.at(-1) as string] = value;
    assert.ok(checkRunConfig(run).includes(message), `${path}: ${checkRunConfig(run).join('; ')}`);
  }
});

test('YAML .inf and .nan are named as such, not as null', () => {
  assert.deepEqual(errors('model:\n  width: .inf\n  depth: .nan\n', 'i.snn.yaml'), [
    '2:10 model.width must be an integer, got Infinity',
    '3:10 model.depth must be an integer, got NaN',
  ]);
  assert.deepEqual(errors('train:\n  learningRate: -.inf\n', 'n.snn.yaml'), [
    '2:17 train.learningRate must be a number, got -Infinity',
  ]);
});

test('memory: a width of 65536 is refused at model.width, a sweep value at itself, a variant at its key', () => {
  const [wide] = errors('{\n  "model": {"width": 65536}\n}', 'w.snn.json');
  assert.match(
    wide ?? '',
    /^2:22 a run needs about [\d,]+ GiB by estimate \(30,065,557,506 weights with gradients and adam state [\d,]+ GiB, /,
  );
  assert.match(
    wide ?? '',
    /more than the memory budget of 4\.0 GiB\. Reduce model\.width, or raise the budget \(setting snnLab\.memoryBudgetMB, snn-lab --memory-budget\)\.$/,
  );
  const swept = errors('sweep:\n  model.width: [64, 65536]\n  train.batchSize: [16, 32]\n', 's.snn.yaml');
  assert.equal(swept.length, 1);
  assert.match(swept[0] ?? '', /^2:21 In sweep model\.width=65536,train\.batchSize=32: a run needs about/);
  const variant = errors('variants:\n  small: {}\n  big: {model: {width: 20000, depth: 20}}\n', 'v.snn.yaml');
  assert.equal(variant.length, 1);
  assert.match(variant[0] ?? '', /^3:24 In variant "big": a run needs about/);
  assert.deepEqual(
    errors('{"model": {"width": 65536}}', 'w.snn.json', { maxRuns: 1000, memoryBudgetMB: 1_048_576 }),
    [],
  );
});

test('memory: the batch is blamed when it dominates; a MNIST run counts its decoder', () => {
  const [batch] = errors(
    '{"train": {"batchSize": 65536}, "data": {"samples": 100000}, "model": {"width": 1024}}',
    'b.snn.json',
    {
      maxRuns: 1000,
      memoryBudgetMB: 512,
    },
  );
  assert.match(batch ?? '', /^1:25 a run needs about .* Reduce train\.batchSize,/);
  assert.deepEqual(errors('{"data": {"source": "mnist"}}', 'm.snn.json'), []);
  const [small] = errors('{"data": {"source": "mnist"}}', 'm.snn.json', {
    maxRuns: 1000,
    memoryBudgetMB: 64,
  });
  assert.match(small ?? '', /the data set \d+ MiB/);
});

test('Slurm settings are checked where they are written: partition, CPUs, attached short options', () => {
  const text = [
    'executor:',
    '  kind: slurm',
    '  partition: "gpu\\nrm -rf ~"',
    '  cpusPerTask: 100000000000000000000',
    '  sbatchOptions: ["-ofoo", "-a0-99", "-eerr", "--out=x", "-Qofoo", "--account=lab", "-Jname-o", "--export=ALL"]',
  ].join('\n');
  assert.deepEqual(errors(text, 's.snn.yaml'), [
    '3:14 executor.partition must be a Slurm partition name (letters, digits, "_", ".", "-"; a comma-separated list allowed), got "gpu\\nrm -rf ~"',
    '4:16 executor.cpusPerTask must be <= 4096, got 100000000000000000000',
    '5:19 -o is set by SNN Lab itself (the job array, its output files, no requeue); remove it from executor.sbatchOptions',
    '5:28 -a is set by SNN Lab itself (the job array, its output files, no requeue); remove it from executor.sbatchOptions',
    '5:38 -e is set by SNN Lab itself (the job array, its output files, no requeue); remove it from executor.sbatchOptions',
    '5:47 --output is set by SNN Lab itself (the job array, its output files, no requeue); remove it from executor.sbatchOptions',
    '5:58 -o is set by SNN Lab itself (the job array, its output files, no requeue); remove it from executor.sbatchOptions',
  ]);
});

test('sbatch option conflicts follow getopt: abbreviations, attached values, clustered flags', () => {
  const own = [
    '--array=0-3',
    '--arr=1',
    '--output',
    '--error=e',
    '--parsable',
    '--wrap=x',
    '--requeue',
    '-a1',
    '-o',
    '-e x',
    '-Ho',
    '-vvQe',
  ];
  for (const option of own) assert.ok(sbatchConflict(option), option);
  const fine = [
    '--account=lab',
    '--export=ALL',
    '--no-requeue',
    '--qos=short',
    '-Jjob-o',
    '-pdebug',
    '-t10',
    '--mail-type=END',
    '-c2',
  ];
  for (const option of fine) assert.equal(sbatchConflict(option), undefined, option);
  assert.deepEqual(
    validateSlurmConfig({ kind: 'slurm', sbatchOptions: ['-a0-99'], cpusPerTask: 1e20 }).map((p) => p.path),
    ['executor.cpusPerTask', 'executor.sbatchOptions[0]'],
  );
});

test('the default CPUs per task is 1: parallel tasks can share a 2-CPU node', () => {
  const file = parseExperiment('executor: {kind: slurm, parallel: 2}', 'p.snn.yaml').file;
  assert.equal(file?.executor.kind === 'slurm' ? file.executor.cpusPerTask : undefined, 1);
});
