/**
 * Where the cursor is in a block-style YAML experiment file, from the text alone (the file is usually incomplete
 * while someone types, so a parser's tree cannot be trusted): the key path of the enclosing mapping, whether the
 * cursor is at a key or after `key:`, the partial word before it, and the sibling keys already written. Flow
 * mappings (`{ a: 1 }`) are not looked into.
 */

/** One analysed line: its content column (after indentation and `- ` markers) and its key, if it has one. */
interface YamlLine {
  column: number;
  /** Column of the last `- ` marker when the line starts a sequence item. */
  dash?: number;
  key?: string;
  /** Column where the key ends (before the colon). */
  keyEnd?: number;
  /** Text after `key:`, trimmed, comment removed ('' for a key whose value is on the lines below). */
  rest?: string;
  /** Empty or comment-only. */
  blank: boolean;
}

/** `[]` stands for "an item of the sequence" in a path. */
export const ITEM = '[]';

export interface YamlCursor {
  /** Keys from the root to the mapping the cursor's key belongs to (kind 'key'), or to its key (kind 'value'). */
  path: string[];
  kind: 'key' | 'value';
  /** The partial word before the cursor, which a completion replaces. */
  prefix: string;
  /** Column of the cursor line's content (after indentation and `- ` markers). */
  column: number;
  /**
   * Width of the `- ` markers before the content. VS Code indents the lines of an inserted snippet by the line's
   * leading whitespace, so a child of an inserted key needs `markers + 2` more spaces.
   */
  markers: number;
  /** Keys already present in the cursor's mapping (kind 'key'), the one being typed excluded. */
  siblings: string[];
}

const KEY = /^("[^"]*"|'[^']*'|[^\s#'"{[\]},:][^#:]*?)\s*:(?:\s+|$)/;

function unquote(key: string): string {
  return /^(["']).*\1$/.test(key) ? key.slice(1, -1) : key;
}

/** Removes a trailing ` # comment` (outside quotes, good enough for keys and scalars). */
function stripComment(text: string): string {
  const at = text.search(/(^|\s)#/);
  return at < 0 ? text : text.slice(0, at);
}

function analyse(line: string): YamlLine {
  const markers = /^(\s*)((?:-(?:\s+|$))*)/.exec(line) as RegExpExecArray;
  const column = markers[0].length;
  const result: YamlLine = { column, blank: false };
  if (markers[2]) result.dash = line.lastIndexOf('-', column - 1);
  const content = line.slice(column);
  if (content.trim() === '' || content.startsWith('#')) {
    result.blank = result.dash === undefined;
    return result;
  }
  const match = KEY.exec(content);
  if (match) {
    result.key = unquote((match[1] as string).trim());
    result.keyEnd = column + (match[1] as string).trimEnd().length;
    result.rest = stripComment(content.slice(match[0].length)).trim();
  }
  return result;
}

/**
 * The key path of the mapping whose keys start at `start.column`, found by scanning up from line `lineIndex`:
 * each less-indented `key:` without a value is a parent; `- ` items add ITEM.
 */
function ancestors(lines: readonly string[], lineIndex: number, start: YamlLine): string[] {
  const path: string[] = [];
  let column = start.column;
  // After entering a sequence item, the sequence's own key may sit at the dash's column (`key:` over `- a`).
  let sameColumnParent = false;
  const enterItem = (line: YamlLine): void => {
    path.unshift(ITEM);
    column = line.dash as number;
    sameColumnParent = true;
  };
  if (start.dash !== undefined) enterItem(start);
  for (let i = lineIndex - 1; i >= 0 && (column > 0 || sameColumnParent); i--) {
    const line = analyse(lines[i] as string);
    if (line.blank) continue;
    if (!sameColumnParent && line.dash !== undefined && line.column === column) {
      enterItem(line);
      continue;
    }
    if (!(line.column < column || (sameColumnParent && line.column === column))) continue;
    if (line.key === undefined || line.rest !== '') break;
    path.unshift(line.key);
    column = line.column;
    sameColumnParent = false;
    if (line.dash !== undefined) enterItem(line);
  }
  return path;
}

/** Keys at `column` of the mapping holding line `lineIndex`, above and below it (that line excluded). */
function siblingKeys(lines: readonly string[], lineIndex: number, column: number, item: boolean): string[] {
  const keys: string[] = [];
  for (const step of [-1, 1]) {
    if (item && step === -1) continue;
    for (let i = lineIndex + step; i >= 0 && i < lines.length; i += step) {
      const line = analyse(lines[i] as string);
      if (line.blank || line.column > column) continue;
      if (line.column < column || (step === 1 && line.dash !== undefined)) break;
      if (line.key !== undefined) keys.push(line.key);
      if (line.dash !== undefined) break;
    }
  }
  return keys;
}

/** Analyses the cursor at `offset` of `text`; undefined inside a comment. */
export function yamlCursor(text: string, offset: number): YamlCursor | undefined {
  const before = text.slice(0, offset);
  const lines = text.split(/\r?\n/);
  const lineIndex = before.split(/\r?\n/).length - 1;
  const linePrefix = before.slice(before.lastIndexOf('\n') + 1);
  const head = analyse(linePrefix);
  if (/(^|\s)#/.test(linePrefix.slice(head.column))) return undefined;
  const path = ancestors(lines, lineIndex, head);
  if (head.key !== undefined && head.keyEnd !== undefined && linePrefix.length > head.keyEnd) {
    const value = linePrefix.slice(head.keyEnd).replace(/^\s*:\s*/, '');
    const markers = head.column - (linePrefix.length - linePrefix.trimStart().length);
    return {
      path: [...path, head.key],
      kind: 'value',
      prefix: value,
      column: head.column,
      markers,
      siblings: [],
    };
  }
  return {
    path,
    kind: 'key',
    prefix: linePrefix.slice(head.column),
    column: head.column,
    markers: head.column - (linePrefix.length - linePrefix.trimStart().length),
    siblings: siblingKeys(lines, lineIndex, head.column, head.dash !== undefined),
  };
}

/** The key under `offset` with its full path and offsets (for hovers); undefined when not on a key. */
export function yamlKeyAt(
  text: string,
  offset: number,
): { path: string[]; start: number; end: number } | undefined {
  const lines = text.split(/\r?\n/);
  const before = text.slice(0, offset);
  const lineIndex = before.split(/\r?\n/).length - 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = analyse(lines[lineIndex] ?? '');
  const at = offset - lineStart;
  if (line.key === undefined || line.keyEnd === undefined) return undefined;
  if (at < line.column || at > line.keyEnd) return undefined;
  return {
    path: [...ancestors(lines, lineIndex, line), line.key],
    start: lineStart + line.column,
    end: lineStart + line.keyEnd,
  };
}
