/**
 * Finds where experiment text nests deeper than a limit, in one linear pass over the characters and before any
 * parser sees it: jsonc-parser and the yaml package recurse per level (10,000 levels of JSON overflow the stack,
 * 10,000 levels of YAML flow exhaust memory inside the parser), and so do the schema validator and our own walks.
 */

/** Offset and depth of the first place deeper than the limit, or undefined when the text stays within it. */
export interface TooDeep {
  offset: number;
  depth: number;
}

/** JSON with comments: every `[` or `{` outside strings and comments opens a level. */
export function jsonTooDeep(text: string, limit: number): TooDeep | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote (or the end of the line, where jsonc-parser ends it too)
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22 || s === 0x0a) break;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > limit) return { offset: i, depth };
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** State of the YAML scan that carries over from one line to the next. */
interface YamlScan {
  /** Columns of the open block levels (mapping keys, sequence entries), innermost last. */
  blocks: number[];
  /** Open flow collections ([ or {). */
  flow: number;
  /** Lines indented deeper than this column belong to a block scalar (| or >); -1 when none is open. */
  blockScalar: number;
}

/**
 * YAML: open block levels (indentation, `- ` and `? ` entries) plus open flow collections. A fast estimate, not a
 * parser: a quoted scalar is taken to end with its line, and a plain scalar after `- ` counts as a level, so it
 * errs towards deeper and real files (depth < 10) pass. The parsed tree's depth is checked exactly afterwards.
 */
export function yamlTooDeep(text: string, limit: number): TooDeep | undefined {
  const scan: YamlScan = { blocks: [], flow: 0, blockScalar: -1 };
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const found = scanYamlLine(text, start, end, scan, limit);
    if (found) return found;
    if (newline < 0) break;
    start = newline + 1;
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || Number.isNaN(c);
}

function scanYamlLine(
  text: string,
  start: number,
  end: number,
  scan: YamlScan,
  limit: number,
): TooDeep | undefined {
  let i = start;
  while (i < end && text.charCodeAt(i) === 0x20) i++;
  const indent = i - start;
  const blank = i >= end || text.charCodeAt(i) === 0x23 || text.charCodeAt(i) === 0x0d;
  if (scan.blockScalar >= 0) {
    if (blank || indent > scan.blockScalar) return undefined;
    scan.blockScalar = -1;
  }
  const depth = (): number => scan.blocks.length + scan.flow;
  if (scan.flow === 0) {
    if (blank) return undefined;
    while (scan.blocks.length > 0 && (scan.blocks.at(-1) as number) >= indent) scan.blocks.pop();
    // Compact entries ("- - x", "? x") each open a level at their own column.
    for (;;) {
      const c = text.charCodeAt(i);
      if ((c !== 0x2d && c !== 0x3f) || !isSpace(text.charCodeAt(i + 1))) break;
      scan.blocks.push(i - start);
      if (depth() > limit) return { offset: i, depth: depth() };
      i += 1;
      while (i < end && text.charCodeAt(i) === 0x20) i++;
    }
    if (i < end) scan.blocks.push(i - start);
    if (depth() > limit) return { offset: i, depth: depth() };
  }
  return scanYamlContent(text, i, end, indent, scan, limit);
}

/** The rest of a line: quotes, comments, flow brackets and a block-scalar header at its end. */
function scanYamlContent(
  text: string,
  from: number,
  end: number,
  indent: number,
  scan: YamlScan,
  limit: number,
): TooDeep | undefined {
  let previous = 0x20; // the last non-space character: a bracket opens flow only after an indicator
  let lastToken = from;
  let quote = 0;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (quote === 0x22 && c === 0x5c) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 0x23 && isSpace(text.charCodeAt(i - 1))) break;
    if ((c === 0x22 || c === 0x27) && isIndicator(previous)) {
      quote = c;
    } else if (c === 0x5b || c === 0x7b) {
      // In block context a bracket starts a collection only where a node starts: `key: [`, `- [`, at the start.
      if (scan.flow > 0 || isNodeStart(previous)) {
        scan.flow++;
        if (scan.blocks.length + scan.flow > limit) {
          return { offset: i, depth: scan.blocks.length + scan.flow };
        }
      }
    } else if ((c === 0x5d || c === 0x7d) && scan.flow > 0) {
      scan.flow--;
    }
    if (!isSpace(c)) {
      previous = c;
      lastToken = i;
    }
  }
  if (scan.flow === 0 && quote === 0 && blockScalarHeader(text, from, lastToken + 1)) {
    scan.blockScalar = indent;
  }
  return undefined;
}

/** Characters after which a node starts in block context: the line's start (space), `:`, `-` or `?`. */
function isNodeStart(c: number): boolean {
  return c === 0x20 || c === 0x3a || c === 0x2d || c === 0x3f;
}

/** Characters after which `[`, `{` or a quote starts a node rather than continuing a plain scalar. */
function isIndicator(c: number): boolean {
  // space (or the line's start), : - ? , [ {
  return c === 0x20 || c === 0x3a || c === 0x2d || c === 0x3f || c === 0x2c || c === 0x5b || c === 0x7b;
}

/** True when the line's content ends with a block scalar header: `|`, `>`, optionally with -, + or a digit. */
function blockScalarHeader(text: string, from: number, end: number): boolean {
  let i = end - 1;
  while (i >= from && /[-+0-9]/.test(text[i] as string)) i--;
  const c = text.charCodeAt(i);
  return (c === 0x7c || c === 0x3e) && (i === from || isSpace(text.charCodeAt(i - 1)));
}
