/**
 * Parses JSONC or YAML experiment text into a plain value plus a position tree, so every problem can point at
 * the exact key or value it concerns. Uses jsonc-parser (offsets, comments) and the yaml package (node ranges).
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';

/** A character range, 0-based offset and length. */
export interface Range {
  offset: number;
  length: number;
}

/** Position tree of a parsed value: the value's range, its key's range, and children. */
export interface SourceNode extends Range {
  key?: Range;
  props?: Map<string, SourceNode>;
  items?: SourceNode[];
}

/** A syntax problem found while parsing. */
export interface SyntaxIssue extends Range {
  message: string;
}

/** Result of parsing experiment text. */
export interface SourceTree {
  value: unknown;
  root?: SourceNode;
  issues: SyntaxIssue[];
  format: 'json' | 'yaml';
}

/** Chooses the format from the file name: .yaml/.yml is YAML, anything else JSON with comments. */
export function formatOf(fileName: string): 'json' | 'yaml' {
  return /\.ya?ml$/i.test(fileName) ? 'yaml' : 'json';
}

/** Parses `text` as JSONC or YAML (chosen from `fileName`). */
export function parseSource(text: string, fileName: string): SourceTree {
  const format = formatOf(fileName);
  if (text.trim() === '') {
    const what = format === 'yaml' ? 'a YAML mapping' : 'a JSON object';
    return {
      value: undefined,
      issues: [{ message: `The file is empty: expected ${what}`, offset: 0, length: 0 }],
      format,
    };
  }
  return format === 'yaml' ? parseYaml(text) : parseJsonc(text);
}

/** Finds the node at `path`; returns the deepest existing node and how many segments matched. */
export function locate(
  root: SourceNode | undefined,
  path: readonly (string | number)[],
): { node?: SourceNode; depth: number } {
  let node = root;
  let depth = 0;
  for (const segment of path) {
    const next: SourceNode | undefined =
      typeof segment === 'number' ? node?.items?.[segment] : node?.props?.get(String(segment));
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

const JSON_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Invalid symbol',
  InvalidNumberFormat: 'Invalid number format',
  PropertyNameExpected: 'Property name expected',
  ValueExpected: 'Value expected',
  ColonExpected: 'Colon expected',
  CommaExpected: 'Comma expected',
  CloseBraceExpected: 'Closing brace "}" expected',
  CloseBracketExpected: 'Closing bracket "]" expected',
  EndOfFileExpected: 'End of file expected',
  InvalidCommentToken: 'Invalid comment token',
  UnexpectedEndOfComment: 'Unexpected end of comment',
  UnexpectedEndOfString: 'Unexpected end of string',
  UnexpectedEndOfNumber: 'Unexpected end of number',
  InvalidUnicode: 'Invalid unicode sequence',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character',
};

function parseJsonc(text: string): SourceTree {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const issues: SyntaxIssue[] = errors.map((e) => {
    const code = printParseErrorCode(e.error);
    return { message: JSON_MESSAGES[code] ?? code, offset: e.offset, length: Math.max(1, e.length) };
  });
  if (!tree) {
    if (issues.length === 0) {
      issues.push({ message: 'The file is empty: expected a JSON object', offset: 0, length: 0 });
    }
    return { value: undefined, issues, format: 'json' };
  }
  const root = fromJson(tree, issues);
  return { value: jsonValue(tree), root, issues, format: 'json' };
}

function jsonValue(node: JsonNode): unknown {
  if (node.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (key && value) out[String(key.value)] = jsonValue(value);
    }
    return out;
  }
  if (node.type === 'array') return (node.children ?? []).map(jsonValue);
  return node.value;
}

function fromJson(node: JsonNode, issues: SyntaxIssue[]): SourceNode {
  const out: SourceNode = { offset: node.offset, length: node.length };
  if (node.type === 'object') {
    out.props = new Map();
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) continue;
      const name = String(key.value);
      if (out.props.has(name)) {
        issues.push({ message: `Duplicate key "${name}"`, offset: key.offset, length: key.length });
      }
      out.props.set(name, { ...fromJson(value, issues), key: { offset: key.offset, length: key.length } });
    }
  } else if (node.type === 'array') {
    out.items = (node.children ?? []).map((child) => fromJson(child, issues));
  }
  return out;
}

function parseYaml(text: string): SourceTree {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true });
  const issues: SyntaxIssue[] = doc.errors.map((e) => ({
    message: e.message,
    offset: e.pos[0],
    length: Math.max(1, e.pos[1] - e.pos[0]),
  }));
  const contents = doc.contents as YamlNode | null;
  if (!contents) {
    if (issues.length === 0) {
      issues.push({ message: 'The file is empty: expected a YAML mapping', offset: 0, length: 0 });
    }
    return { value: undefined, issues, format: 'yaml' };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    issues.push({ message: error instanceof Error ? error.message : String(error), offset: 0, length: 1 });
  }
  return { value, root: fromYaml(contents), issues, format: 'yaml' };
}

function rangeOf(node: YamlNode): Range {
  const [start, end] = node.range ?? [0, 0];
  return { offset: start, length: Math.max(0, end - start) };
}

function fromYaml(node: YamlNode): SourceNode {
  const out: SourceNode = rangeOf(node);
  if (isMap(node)) {
    out.props = new Map();
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      const name = isScalar(key) ? String(key.value) : String(key);
      const value = pair.value as YamlNode | null;
      const keyRange = key ? rangeOf(key) : { offset: out.offset, length: 0 };
      const child: SourceNode = value
        ? fromYaml(value)
        : { offset: keyRange.offset + keyRange.length, length: 0 };
      out.props.set(name, { ...child, key: keyRange });
    }
  } else if (isSeq(node)) {
    out.items = node.items.map((item) =>
      item ? fromYaml(item as YamlNode) : { offset: out.offset, length: 0 },
    );
  }
  return out;
}
