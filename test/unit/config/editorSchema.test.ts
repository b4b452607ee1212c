// The schema VS Code's JSON service gets for *.snn.json (dist/schemas/experiment.editor.schema.json, built by
// scripts/editorSchema.mjs): the same keys, descriptions, defaults and value proposals as the experiment schema,
// but nothing it could report, so every problem of an experiment file is reported once (by SNN Lab).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse as parseJsonc } from 'jsonc-parser';
import manifest from '../../../package.json';

// Bundled to out/test/unit/config/, so the repository root is four levels up.
const ROOT = resolve(__dirname, '../../../..');
const EDITOR = join(ROOT, 'dist', 'schemas', 'experiment.editor.schema.json');

type Node = Record<string, unknown>;
const read = (path: string): Node => JSON.parse(readFileSync(path, 'utf8')) as Node;
const full = (): Node => read(join(ROOT, 'schemas', 'experiment.schema.json'));
const editor = (): Node => {
  assert.ok(existsSync(EDITOR), `${EDITOR} is missing: build with "node esbuild.mjs"`);
  return read(EDITOR);
};

/** Every (path, node) of a schema, not descending into `if` (a condition, never reported). */
function walk(node: unknown, path: string, out: [string, Node][] = []): [string, Node][] {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`, out));
  else if (typeof node === 'object' && node !== null) {
    out.push([path, node as Node]);
    for (const [key, value] of Object.entries(node)) if (key !== 'if') walk(value, `${path}/${key}`, out);
  }
  return out;
}

test('package.json points the JSON service at the editor schema', () => {
  const entry = manifest.contributes.jsonValidation[0];
  assert.deepEqual(entry?.fileMatch, ['*.snn.json']);
  assert.equal(entry?.url, './dist/schemas/experiment.editor.schema.json');
});

test('the editor schema keeps every description and default, and proposes every allowed value', () => {
  const editorNodes = new Map(walk(editor(), ''));
  let described = 0;
  for (const [path, node] of walk(full(), '')) {
    if (typeof node.description === 'string' && path !== '') {
      assert.equal(editorNodes.get(path)?.description, node.description, path);
      described++;
    }
    if ('default' in node) assert.deepEqual(editorNodes.get(path)?.default, node.default, path);
    if (Array.isArray(node.enum)) assert.deepEqual(editorNodes.get(path)?.examples, node.enum, path);
  }
  assert.ok(described > 40, `${described} described keys`);
  assert.equal(editor().allowComments, true);
  assert.equal(editor().allowTrailingCommas, true);
});

test('the editor schema has no constraint the JSON service could report', () => {
  const constraints = [
    'required',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'pattern',
    'enum',
    'const',
    'type',
  ];
  for (const [path, node] of walk(editor(), '')) {
    for (const key of constraints) assert.ok(!(key in node), `${path} still has "${key}"`);
    assert.notEqual(node.additionalProperties, false, `${path} forbids unknown keys`);
  }
  // A file full of mistakes: the full schema rejects it; the editor schema accepts it (nothing to report twice).
  const broken = {
    modle: {},
    model: { activaton: 'selu', activation: 'rleu', depth: 'four', width: -3 },
    data: { source: 'csv' },
    sweep: { 'model.dept': [] },
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  assert.equal(ajv.validate(full(), broken), false);
  assert.ok((ajv.errors ?? []).length >= 5);
  assert.equal(new Ajv({ strict: false }).validate(editor(), broken), true);
});

test('no JSON example names a "$schema" (it would make the JSON service validate it a second time)', () => {
  const dir = join(ROOT, 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.snn.json'));
  assert.ok(files.length >= 3, files.join(', '));
  for (const file of files) {
    const value = parseJsonc(readFileSync(join(dir, file), 'utf8')) as Node;
    assert.equal(value.$schema, undefined, file);
  }
});
