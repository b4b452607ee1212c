// @ts-check
// Build step: derives the schema VS Code's JSON language service gets for `*.snn.json` (package.json
// `jsonValidation`) from schemas/experiment.schema.json: the same keys, descriptions, defaults and value proposals,
// without the keywords that make it report problems. SNN Lab reports every problem of an experiment file itself
// (exact ranges, "Did you mean" quick fixes, variants merged into the base); with the full schema the JSON service
// reported each schema error a second time ("Property activaton is not allowed.").
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the build writes it (shipped in the .vsix; package.json's `jsonValidation` points here). */
export const EDITOR_SCHEMA_PATH = 'dist/schemas/experiment.editor.schema.json';

/** Keywords that only constrain values: dropped. `if` blocks stay whole (they only choose which `then` applies). */
const CONSTRAINTS = new Set([
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'const',
  'type',
  'x-applyDefault',
  '$id',
]);

/**
 * The completion-and-hover copy of a schema node. `enum` becomes `examples` (still proposed, never enforced),
 * a boolean type proposes true and false, `additionalProperties: false` goes (a schema there stays: it describes
 * the values of maps such as `variants`).
 * @param {unknown} node
 * @returns {unknown}
 */
export function editorSchemaNode(node) {
  if (Array.isArray(node)) return node.map(editorSchemaNode);
  if (typeof node !== 'object' || node === null) return node;
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (CONSTRAINTS.has(key)) continue;
    if (key === 'additionalProperties' && typeof value === 'boolean') continue;
    if (key === 'if') out.if = value;
    else if (key === 'enum') out.examples = value;
    else if (key === 'properties' || key === 'definitions') {
      out[key] = Object.fromEntries(
        Object.entries(/** @type {Record<string, unknown>} */ (value)).map(([k, v]) => [
          k,
          editorSchemaNode(v),
        ]),
      );
    } else out[key] = editorSchemaNode(value);
  }
  const type = /** @type {{ type?: unknown }} */ (node).type;
  if (type === 'boolean' && out.examples === undefined) out.examples = [true, false];
  return out;
}

/**
 * Reads the experiment schema under `root` and writes its editor copy to {@link EDITOR_SCHEMA_PATH}.
 * @param {string} [root]
 */
export function writeEditorSchema(root = process.cwd()) {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', 'experiment.schema.json'), 'utf8'));
  const editor = /** @type {Record<string, unknown>} */ (editorSchemaNode(schema));
  editor.description =
    'Completion and hover for SNN Lab experiment files. SNN Lab validates them (schemas/experiment.schema.json).';
  const target = join(root, EDITOR_SCHEMA_PATH);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(editor, null, 2)}\n`);
}
