/**
 * Turns a Problem's machine-readable fix (set the value at a JSON path) into minimal text edits of the
 * experiment file, keeping comments and layout: jsonc-parser `modify` for JSON, the `yaml` Document API for YAML.
 * Pure: no Node, no vscode.
 */
import { modify } from 'jsonc-parser';
import { isMap, isSeq, parseDocument } from 'yaml';
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
  return isYamlFile(fileName) ? yamlEdits(text, fix) : jsonEdits(text, fix);
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
  doc.setIn(fix.path, fix.value);
  const eol = eolOf(text);
  const after = eol === '\n' ? doc.toString() : doc.toString().replace(/\n/g, eol);
  return [minimalEdit(text, after)];
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
