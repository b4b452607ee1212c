/**
 * Turns a Problem's machine-readable fix (set the value at a JSON path, or rename a key) into minimal text edits of the
 * experiment file, keeping comments and layout: jsonc-parser `modify` for JSON, the `yaml` Document API for YAML.
 * Pure: no Node, no vscode.
 */
import { findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import { isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { ProblemFix } from './problem';

/** Replace `length` characters at 0-based `offset` by `content`. */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/** True for names the YAML parser handles (`.yaml`, `.yml`); everything else is treated as JSON with comments. */
export function isYamlFile(fileName: string): boolean {
  return /\.ya?ml$/i.test(fileName);
}

/**
 * Edits that set `fix.value` at `fix.path` in `text`. Missing objects on the path are created.
 * Throws with a clear message when the text cannot be parsed well enough to place the edit.
 */
export function fixEdits(text: string, fileName: string, fix: ProblemFix): TextEdit[] {
  if (fix.path.length === 0) throw new Error(`quick fix "${fix.title}" has an empty path`);
  if (fix.renameTo !== undefined) {
    const edit = isYamlFile(fileName)
      ? yamlKeyEdit(text, fix, fix.renameTo)
      : jsonKeyEdit(text, fix, fix.renameTo);
    return [edit];
  }
  return isYamlFile(fileName) ? yamlEdits(text, fix) : jsonEdits(text, fix);
}

/** Replaces the key text of the property at `fix.path` (quotes, comments and the value stay). */
function jsonKeyEdit(text: string, fix: ProblemFix, key: string): TextEdit {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const keyNode = root ? findNodeAtLocation(root, fix.path)?.parent?.children?.[0] : undefined;
  if (!keyNode || keyNode.type !== 'string') {
    throw new Error(`cannot apply "${fix.title}": no key at ${fix.path.join('.')}`);
  }
  return { offset: keyNode.offset, length: keyNode.length, content: JSON.stringify(key) };
}

/** Replaces the key scalar of the pair at `fix.path` in its own quoting style. */
function yamlKeyEdit(text: string, fix: ProblemFix, key: string): TextEdit {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    throw new Error(
      `cannot apply "${fix.title}": the YAML does not parse (${doc.errors[0]?.message ?? 'error'})`,
    );
  }
  const parentPath = fix.path.slice(0, -1);
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  const old = fix.path.at(-1);
  const pair = isMap(parent)
    ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(old))
    : undefined;
  const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
  if (!pair || !isScalar(pair.key) || !range) {
    throw new Error(`cannot apply "${fix.title}": no key at ${fix.path.join('.')}`);
  }
  return { offset: range[0], length: range[1] - range[0], content: yamlScalar(key, pair.key.type) };
}

/** Applies edits (non-overlapping, any order) to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) {
    result = result.slice(0, edit.offset) + edit.content + result.slice(edit.offset + edit.length);
  }
  return result;
}

function jsonEdits(text: string, fix: ProblemFix): TextEdit[] {
  const indent = detectIndent(text);
  return modify(text, fix.path, fix.value, {
    formattingOptions: {
      insertSpaces: indent !== '\t',
      tabSize: indent === '\t' ? 1 : indent.length,
      eol: eolOf(text),
    },
  });
}

function yamlEdits(text: string, fix: ProblemFix): TextEdit[] {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    throw new Error(
      `cannot apply "${fix.title}": the YAML does not parse (${doc.errors[0]?.message ?? 'error'})`,
    );
  }
  const parentPath = fix.path.slice(0, -1);
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (parent !== undefined && parent !== null && !isMap(parent) && !isSeq(parent)) {
    throw new Error(`cannot apply "${fix.title}": ${parentPath.join('.')} is not a mapping`);
  }
  const current = doc.getIn(fix.path, true);
  if (isScalar(current) && current.range && isPrimitive(fix.value)) {
    const [start, end] = current.range;
    return [{ offset: start, length: end - start, content: yamlScalar(fix.value, current.type) }];
  }
  doc.setIn(fix.path, fix.value);
  const eol = eolOf(text);
  const after = eol === '\n' ? doc.toString() : doc.toString().replace(/\n/g, eol);
  return [minimalEdit(text, after)];
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * A scalar written in place of an existing one: same quote style when it was quoted; plain when the value is a
 * simple word (safe in block and flow context); otherwise double-quoted (always valid YAML).
 */
function yamlScalar(value: string | number | boolean | null, style: Scalar['type']): string {
  if (typeof value !== 'string') return String(value);
  if (style === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (
    style !== Scalar.QUOTE_DOUBLE &&
    /^[A-Za-z_][A-Za-z0-9_.+-]*$/.test(value) &&
    !/^(true|false|null|yes|no|on|off|~)$/i.test(value)
  ) {
    return value;
  }
  return JSON.stringify(value);
}

/** One edit covering only the part between the common prefix and the common suffix of two texts. */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < max - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++;
  }
  return {
    offset: start,
    length: before.length - start - end,
    content: after.slice(start, after.length - end),
  };
}

/** The indentation unit of the first indented line ('\t' or N spaces); two spaces when none is found. */
function detectIndent(text: string): string {
  const match = /^([ \t]+)\S/m.exec(text);
  if (!match?.[1]) return '  ';
  return match[1].startsWith('\t') ? '\t' : match[1];
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
