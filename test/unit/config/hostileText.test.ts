// Hostile experiment text (issue 13, item 6): deep nesting, circular YAML aliases, huge lists, thousands of unknown
// keys and enormous keys all end as errors at a line and column. Each check carries a deadline only a hang would
// miss (a hang, not a speed, is what these deadlines catch).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_NESTING, MAX_PROBLEMS, MAX_TEXT_CHARS } from '../../../src/core/config/limits';
import { schemaIssues } from '../../../src/core/config/messages';
import { parseExperiment, type ParseResult } from '../../../src/core/config/parse';
import { findRunTargets } from '../../../src/core/config/runTargets';
import { schemaErrors } from '../../../src/core/config/schema';

/** Generous: these inputs took 7 s to 111 s (or crashed) before the limits; they now take milliseconds. */
const DEADLINE_MS = 20_000;

function check(text: string, fileName: string): ParseResult {
  const started = Date.now();
  const result = parseExperiment(text, fileName);
  findRunTargets(text, fileName, result);
  assert.ok(Date.now() - started < DEADLINE_MS, `${fileName}: no answer within ${DEADLINE_MS} ms`);
  return result;
}

function firstError(result: ParseResult): { line: number; col: number; message: string } {
  const error = result.problems.find((p) => p.severity === 'error');
  assert.ok(error, 'an error is reported');
  assert.equal(result.file, undefined);
  return error;
}

test('10,000 levels of JSON nesting: one error where the nesting passes the limit', () => {
  const text = `{"model": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
  const error = firstError(check(text, 'deep.snn.json'));
  assert.equal(error.line, 1);
  assert.equal(error.col, 11 + MAX_NESTING - 1, 'at the bracket that opens level 33');
  assert.match(error.message, /nests deeper than 32 levels/);
});

test('brackets inside strings and comments do not count as nesting', () => {
  const text = `// ${'['.repeat(100)}\n{"name": "${'{'.repeat(100)}", "seed": 3 /* ${'['.repeat(100)} */}`;
  const result = check(text, 'strings.snn.json');
  assert.ok(result.file, JSON.stringify(result.problems));
});

test('deep YAML in every form: flow, block sequences on one line, indentation, mappings', () => {
  const forms: Record<string, string> = {
    flow: `model: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    'flow mappings': `model: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}\n`,
    'compact sequences': `model:\n  ${'- '.repeat(10_000)}x\n`,
    indentation: Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
  };
  for (const [form, text] of Object.entries(forms)) {
    const error = firstError(check(text, `${form.replace(/ /g, '-')}.snn.yaml`));
    assert.match(error.message, /nests deeper than 32 levels/, form);
    assert.ok(error.line >= 1 && error.col >= 1, form);
  }
});

test('real YAML structure stays below the nesting limit (block scalars, quotes, brackets in plain text)', () => {
  const text = [
    'seed: 3',
    '# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
    'variants:',
    '  SNN:',
    '    model:',
    '      dropout: {kind: alpha, rate: 0.05}',
    'executor:',
    '  kind: slurm',
    '  runsDir: |',
    `    ${'['.repeat(40)}`,
    `    ${'- '.repeat(40)}x`,
    '  sbatchOptions:',
    '    - --comment=x[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
    'data:',
    '  source: synthetic',
  ].join('\n');
  const result = check(text, 'real.snn.yaml');
  assert.ok(result.file, JSON.stringify(result.problems));
  const executor = result.file.executor;
  assert.equal(executor.kind === 'slurm' && executor.runsDir, `${'['.repeat(40)}\n${'- '.repeat(40)}x\n`);
  const quoted = check(text.replace('seed: 3', 'name: "a [b {c"'), 'q.snn.yaml');
  assert.ok(quoted.file, JSON.stringify(quoted.problems));
});

test('a YAML alias inside its own anchor is refused at the alias; a plain alias still works', () => {
  const error = firstError(check('a: &a [*a]\n', 'self.snn.yaml'));
  assert.deepEqual([error.line, error.col], [1, 8]);
  assert.match(error.message, /Alias \*a refers to the node that contains it/);
  const nested = firstError(check('model: &m\n  dropout: {kind: alpha, rate: *m}\n', 'nested.snn.yaml'));
  assert.match(nested.message, /circular/);
  const fine = check('model: &m {depth: 2}\nvariants:\n  A: {model: *m}\n', 'alias.snn.yaml');
  assert.equal(fine.file?.variants.A && typeof fine.file.variants.A, 'object');
});

test('aliases that expand past the nesting limit are refused', () => {
  // Each line nests 7 levels (within the limit); through six aliases the value nests 37.
  const lines = ['a0: &a0 [1]'];
  for (let i = 1; i <= 6; i++) lines.push(`a${i}: &a${i} ${'['.repeat(6)}*a${i - 1}${']'.repeat(6)}`);
  const error = firstError(check(lines.join('\n'), 'chain.snn.yaml'));
  assert.match(error.message, /aliases expanded, the file nests deeper than 32 levels/);
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (const name of 'bcdefg') {
    bomb.push(
      `${name}: &${name} [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]`.replace(
        /\*a/g,
        `*${String.fromCharCode(name.charCodeAt(0) - 1)}`,
      ),
    );
  }
  const exploded = firstError(check(bomb.join('\n'), 'bomb.snn.yaml'));
  assert.match(exploded.message, /YAML aliases expand to more than 100 nodes/);
});

test('a million-value sweep is refused by size; 100,000 values by the schema, at the list', () => {
  const million = `{"sweep": {"seed": [${Array.from({ length: 1_000_000 }, (_, i) => i).join(',')}]}}`;
  assert.ok(million.length > MAX_TEXT_CHARS);
  const big = firstError(check(million, 'million.snn.json'));
  assert.deepEqual([big.line, big.col], [1, 1]);
  assert.match(big.message, /million characters long: experiment files are limited to 2 million/);
  const list = `{"sweep": {"seed": [${Array.from({ length: 100_000 }, (_, i) => i).join(',')}]}}`;
  const error = firstError(check(list, 'long-list.snn.json'));
  assert.deepEqual([error.line, error.col], [1, 20]);
  assert.equal(error.message, 'sweep.seed must have at most 10,000 items (it has 100,000)');
});

test('20,000 unknown keys: the first 100 problems and one that counts the rest', () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `"k${i}": 1`).join(',');
  const result = check(`{${keys}}`, 'keys.snn.json');
  assert.equal(result.problems.length, MAX_PROBLEMS + 1);
  assert.equal(result.problems[0]?.message, 'Unknown property "k0" at the top level.');
  assert.equal(result.problems.at(-1)?.message, '... and 19,900 more problems not shown');
  assert.equal(result.problems.at(-1)?.severity, 'error');
});

test('a 1,000,000-character key is reported, cut to 60 characters, with no suggestion search', () => {
  const key = 'x'.repeat(1_000_000);
  const error = firstError(check(`{"model": {"${key}": 1}}`, 'key.snn.json'));
  assert.deepEqual([error.line, error.col], [1, 12]);
  assert.equal(error.message, `Unknown property "${'x'.repeat(59)}…" in model.`);
});

test('"__proto__" is an unknown key, never a prototype', () => {
  for (const [name, text] of [
    ['p.snn.json', '{"__proto__": {"seed": 5}, "model": {"__proto__": {"depth": 3}}}'],
    ['p.snn.yaml', '__proto__: {seed: 5}\nmodel:\n  __proto__: {depth: 3}\n'],
  ] as const) {
    const result = check(text, name);
    const messages = result.problems.map((p) => p.message);
    assert.deepEqual(messages, [
      'Unknown property "__proto__" at the top level.',
      'Unknown property "__proto__" in model.',
    ]);
  }
});

test('a plan of 10^4 runs is refused at the sweep, naming the product, and counted without expanding', () => {
  const values = '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]';
  const text = `{\n  "sweep": {\n    "seed": ${values},\n    "model.depth": ${values},\n    "model.width": ${values},\n    "train.epochs": ${values}\n  }\n}\n`;
  const result = check(text, 'grid.snn.json');
  const error = firstError(result);
  assert.deepEqual([error.line, error.col], [2, 3]);
  assert.equal(
    error.message,
    'This file expands to 10,000 runs (10 seed × 10 model.depth × 10 model.width × 10 train.epochs), more than ' +
      'the 1,000 a file may have. Shrink the sweep, or raise the limit (setting snnLab.maxRunsPerFile, snn-lab --max-runs).',
  );
  assert.equal(findRunTargets(text, 'grid.snn.json', result).runCount, 10_000);
  const raised = parseExperiment(text, 'grid.snn.json', { maxRuns: 10_000, memoryBudgetMB: 4096 });
  assert.ok(raised.file, 'within a raised limit the same file is valid');
});

test('the plan count names variants and folds, and works on a million-run grid within the deadline', () => {
  const text = 'variants: {A: {}, B: {}}\ndata: {split: {folds: 5}}\nsweep:\n  model.depth: [1, 2, 3]\n';
  assert.ok(check(text, 'folds.snn.yaml').file, '30 runs are within the default limit');
  const limited = parseExperiment(text, 'folds.snn.yaml', { maxRuns: 10, memoryBudgetMB: 4096 });
  assert.match(
    limited.problems[0]?.message ?? '',
    /^This file expands to 30 runs \(2 variants × 3 model\.depth × 5 folds\), more than the 10 a file may have/,
  );
  const values = `[${Array.from({ length: 1000 }, (_, i) => i + 1).join(', ')}]`;
  const huge = `sweep:\n  seed: ${values}\n  train.epochs: ${values}\n`;
  const started = Date.now();
  const ok = parseExperiment(huge, 'huge.snn.yaml', { maxRuns: 1_000_000, memoryBudgetMB: 4096 });
  assert.ok(Date.now() - started < DEADLINE_MS);
  assert.ok(ok.file, 'a million-run plan within the limit validates without being expanded');
});

test('YAML: a key repeated in one mapping is an error at the repeat, nested ones too (found by the fuzz tier)', () => {
  const text = 'name: a\nmodel:\n  depth: 2\n  depth: 3\nname: b\n';
  const messages = check(text, 'dup.snn.yaml').problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  assert.deepEqual(messages, ['4:3 Duplicate key "depth"', '5:1 Duplicate key "name"']);
  // The yaml package compared each key with every earlier one (20,000 keys: 11.6 s on the loaded 2-core machine);
  // now one pass with a Set. The cost stays with the fuzz tier's per-case deadline, not a timed assertion here.
  const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: 1`).join('\n');
  const result = check(`${keys}\n`, 'keys.snn.yaml');
  assert.equal(result.problems.at(-1)?.message, '... and 19,900 more problems not shown');
});

test('"Did you mean" is searched only for the unknown keys that can be shown', () => {
  const keys = Array.from({ length: 150 }, (_, i) => `"modle${i}": 1`).join(',');
  const errors = schemaIssues(schemaErrors(JSON.parse(`{${keys}}`)), JSON.parse(`{${keys}}`));
  assert.equal(errors.length, 150);
  assert.equal(errors.filter((e) => e.fix !== undefined).length, MAX_PROBLEMS);
  assert.equal(errors.filter((e) => e.message.includes('Did you mean "model"')).length, MAX_PROBLEMS);
  assert.equal(errors[MAX_PROBLEMS]?.message, 'Unknown property "modle100" at the top level.');
});

test('a long sweep value is cut in the message that names it (found by the fuzz tier)', () => {
  const value = JSON.stringify({ '': 'x'.repeat(5_000) });
  const text = `{"variants": {"ReLU": {"model": {"activation": "relu"}}}, "sweep": {"model.depth": [${value}]}}`;
  const error = firstError(check(text, 'long.snn.json'));
  assert.ok(error.message.length < 400, `a message of ${error.message.length} characters: ${error.message}`);
  assert.match(error.message, /model\.depth=\{"":"x+…/);
});

test('a YAML syntax error echoing a 3,000-character token says so in a message of readable length', () => {
  // Found by the experiment-file fuzz target (seed 20261207): a long quoted scalar where a mapping was expected.
  const token = 'x'.repeat(3_000);
  const text = `"x"}${token}"\nname: a\n`;
  const result = check(text, 'long-token.snn.yaml');
  firstError(result);
  for (const problem of result.problems) {
    assert.ok(problem.message.length <= 300, `message of ${problem.message.length} characters`);
    assert.ok(!problem.message.includes(token), 'the whole token is not echoed');
  }
});
