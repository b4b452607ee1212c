// The JSON Schema (compiled here independently with ajv) and parseExperiment agree on every fixture and
// example; the schema's enums equal the TypeScript unions; every property has a description and a default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Ajv from 'ajv';
import type {
  Activation,
  Init,
  Normalization,
  OptimizerName,
  SyntheticKind,
  Task,
} from '../../../src/core/config/experimentConfig';
import { parseExperiment } from '../../../src/core/config/parse';
import { parseSource } from '../../../src/core/config/sourceTree';
import { experimentFiles, readRepoFile } from './fixtures';

const schema = JSON.parse(readRepoFile('schemas', 'experiment.schema.json')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strictRequired: false, allowUnionTypes: true });
ajv.addKeyword({ keyword: 'x-applyDefault', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'allowComments', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'allowTrailingCommas', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'defaultSnippets', schemaType: 'array' });
const validate = ajv.compile(schema);

/**
 * Invalid fixtures whose errors the schema cannot express, so the schema accepts them: each is checked by the
 * parser's extra rules (documented in docs/experiment-format.md).
 */
const PARSER_ONLY: Record<string, string> = {
  'split-sum.snn.yaml': 'test + validation < 1 spans two properties',
  'sweep-keys.snn.yaml': 'sweep keys are checked against the real settings',
  'sweep-values.snn.yaml': 'sweep values are validated after merging into each run',
  'variant-csv.snn.yaml': 'a variant is validated merged with the base',
};

const files = [
  ...experimentFiles('test', 'fixtures', 'configs', 'valid'),
  ...experimentFiles('test', 'fixtures', 'configs', 'invalid'),
  ...experimentFiles('examples'),
];

test('there are fixtures and examples to compare', () => {
  assert.ok(files.length >= 20, `found ${files.length}`);
});

for (const path of files) {
  test(`schema and parser agree on ${path}`, () => {
    const text = readRepoFile(path);
    const source = parseSource(text, path);
    const errors = parseExperiment(text, path).problems.filter((p) => p.severity === 'error');
    if (source.issues.length > 0) {
      assert.ok(errors.length > 0, 'a syntax error is an error');
      return;
    }
    const schemaValid = validate(source.value);
    const name = path.split('/').pop() ?? path;
    if (!schemaValid) assert.ok(errors.length > 0, `schema rejects it: ${ajv.errorsText(validate.errors)}`);
    else if (name in PARSER_ONLY) assert.ok(errors.length > 0, PARSER_ONLY[name]);
    else assert.deepEqual(errors, [], 'schema accepts it, so must the parser');
    if (path.includes('/valid/') || path.startsWith('examples')) assert.deepEqual(errors, []);
    if (path.includes('/invalid/')) assert.ok(errors.length > 0);
  });
}

/** Every member of a TS union, as a record so the compiler rejects a missing or extra member. */
const ACTIVATIONS: Record<Activation, true> = {
  selu: true,
  relu: true,
  elu: true,
  tanh: true,
  gelu: true,
  swish: true,
  leaky_relu: true,
  linear: true,
};
const INITS: Record<Init, true> = {
  lecun_normal: true,
  lecun_uniform: true,
  he_normal: true,
  glorot_uniform: true,
  tfjs_lecun_normal: true,
};
const NORMALIZATIONS: Record<Normalization, true> = { none: true, batchnorm: true, layernorm: true };
const OPTIMIZERS: Record<OptimizerName, true> = { sgd: true, momentum: true, adam: true, rmsprop: true };
const TASKS: Record<Task, true> = { classification: true, regression: true };
const KINDS: Record<SyntheticKind, true> = {
  blobs: true,
  moons: true,
  spirals: true,
  xor: true,
  teacher: true,
};

type Node = { enum?: string[]; properties?: Record<string, Node> };
const definitions = schema.definitions as Record<string, Node>;

test('schema enums equal the TypeScript unions', () => {
  const model = definitions.model?.properties ?? {};
  const data = definitions.data?.properties ?? {};
  assert.deepEqual(model.activation?.enum, Object.keys(ACTIVATIONS));
  assert.deepEqual(model.init?.enum, Object.keys(INITS));
  assert.deepEqual(model.normalization?.enum, Object.keys(NORMALIZATIONS));
  assert.deepEqual(definitions.train?.properties?.optimizer?.enum, Object.keys(OPTIMIZERS));
  assert.deepEqual(data.task?.enum, Object.keys(TASKS));
  assert.deepEqual(data.kind?.enum, Object.keys(KINDS));
});

test('every property in the schema has a description and a default', () => {
  const missing: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.properties && typeof record.properties === 'object' && !/\/(if|then)(\/|$)/.test(where)) {
      for (const [key, sub] of Object.entries(record.properties as Record<string, Record<string, unknown>>)) {
        const resolved = (sub.$ref ? definitions[String(sub.$ref).split('/').pop() ?? ''] : sub) as
          Record<string, unknown> | undefined;
        const described = typeof sub.description === 'string' || typeof resolved?.description === 'string';
        const defaulted = 'default' in sub || (resolved !== undefined && 'default' in resolved);
        if (!described || !defaulted) missing.push(`${where}/${key}`);
      }
    }
    for (const [key, value] of Object.entries(record)) walk(value, `${where}/${key}`);
  };
  walk(schema, '#');
  assert.deepEqual(missing, []);
});
