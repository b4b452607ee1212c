/**
 * Parses JSONC or YAML experiment text into a plain value plus a position tree, so every problem can point at
 * the exact key or value it concerns. Uses jsonc-parser (offsets, comments) and the yaml package (node ranges).
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { clip, MAX_NESTING, MAX_TEXT_CHARS } from './limits';
import { jsonTooDeep, yamlTooDeep } from './nesting';

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

/** Parses `text` as JSONC or YAML (chosen from `fileName`), refusing text too large or too deep to parse safely. */
export function parseSource(text: string, fileName: string): SourceTree {
  const format = formatOf(fileName);
  const refuse = (message: string, offset = 0, length = 0): SourceTree => ({
    value: undefined,
    issues: [{ message, offset, length }],
    format,
  });
  if (text.length > MAX_TEXT_CHARS) {
    const size = `${(text.length / 1e6).toFixed(1)} million characters`;
    return refuse(
      `The file is ${size} long: experiment files are limited to ${MAX_TEXT_CHARS / 1e6} million`,
    );
  }
  if (text.trim() === '') {
    return refuse(`The file is empty: expected ${format === 'yaml' ? 'a YAML mapping' : 'a JSON object'}`);
  }
  const deep = format === 'yaml' ? yamlTooDeep(text, MAX_NESTING) : jsonTooDeep(text, MAX_NESTING);
  if (deep) return refuse(tooDeepMessage(), deep.offset, 1);
  return format === 'yaml' ? parseYaml(text) : parseJsonc(text);
}

function tooDeepMessage(what = 'The file'): string {
  return `${what} nests deeper than ${MAX_NESTING} levels; an experiment file needs about 5`;
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
      // defineProperty: a key "__proto__" becomes a property (reported as unknown), never the object's prototype
      if (key && value) {
        Object.defineProperty(out, String(key.value), {
          value: jsonValue(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
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

/** Most nodes all aliases of a YAML file may expand to (the yaml package's maxAliasCount). */
const MAX_ALIAS_EXPANSIONS = 100;

/**
 * The yaml package's message with every quoted token it echoes cut to a readable length (a 10,000-character scalar
 * where a key was expected made a 10,000-character problem), and the whole bounded too.
 */
function yamlMessage(message: string): string {
  const cut = message.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) =>
    quoted.length > 62 ? `"${clip(quoted.slice(1, -1))}"` : quoted,
  );
  return clip(cut, 300);
}

function parseYaml(text: string): SourceTree {
  // uniqueKeys off: the yaml package compares each key with every earlier one (20,000 keys took seconds);
  // fromYaml reports duplicates in linear time instead.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, merge: true });
  const issues: SyntaxIssue[] = doc.errors.map((e) => ({
    message: yamlMessage(e.message),
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
  const aliasIssue = checkAliases(doc, contents);
  if (aliasIssue) return { value: undefined, issues: [...issues, aliasIssue], format: 'yaml' };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const message = /alias count/i.test(text)
      ? `YAML aliases expand to more than ${MAX_ALIAS_EXPANSIONS} nodes: refused, as a guard against alias bombs`
      : text;
    issues.push({ message, offset: 0, length: 1 });
  }
  if (valueDepth(value) > MAX_NESTING) {
    issues.push({ message: tooDeepMessage('With its aliases expanded, the file'), offset: 0, length: 1 });
  }
  return { value, root: fromYaml(contents, issues), issues, format: 'yaml' };
}

/**
 * Walks the YAML tree without recursion: refuses nesting deeper than MAX_NESTING (the text scan estimates it;
 * this is exact) and an alias inside the node it refers to (`a: &a [*a]`), which would make a circular value.
 */
function checkAliases(doc: Document, contents: YamlNode): SyntaxIssue | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const [start = 0, end = 0] = node.range ?? [];
      const [from = 0, to = 0] = target?.range ?? [];
      if (target && start >= from && start < to) {
        const message = `Alias *${node.source} refers to the node that contains it: the value would be circular`;
        return { message, offset: start, length: Math.max(1, end - start) };
      }
    } else if (isMap(node) || isSeq(node)) {
      if (depth > MAX_NESTING) {
        const offset = node.range?.[0] ?? 0;
        return { message: tooDeepMessage(), offset, length: 1 };
      }
      for (const item of node.items as unknown[]) {
        if (isMap(node)) {
          const pair = item as { key: unknown; value: unknown };
          stack.push({ node: pair.key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
        } else stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Depth of nested objects/arrays of a plain value, without recursion; stops counting past MAX_NESTING. */
function valueDepth(value: unknown): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; depth: number };
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    deepest = Math.max(deepest, depth);
    if (depth > MAX_NESTING) return depth;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth });
  }
  return deepest;
}

function rangeOf(node: YamlNode): Range {
  const [start, end] = node.range ?? [0, 0];
  return { offset: start, length: Math.max(0, end - start) };
}

/** The source tree of a YAML node; a scalar key repeated in one mapping is reported as a duplicate. */
function fromYaml(node: YamlNode, issues: SyntaxIssue[]): SourceNode {
  const out: SourceNode = rangeOf(node);
  if (isMap(node)) {
    out.props = new Map();
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      const name = isScalar(key) ? String(key.value) : String(key);
      const value = pair.value as YamlNode | null;
      const keyRange = key ? rangeOf(key) : { offset: out.offset, length: 0 };
      if (isScalar(key)) {
        if (seen.has(key.value)) issues.push({ message: `Duplicate key "${name}"`, ...keyRange });
        seen.add(key.value);
      }
      const child: SourceNode = value
        ? fromYaml(value, issues)
        : { offset: keyRange.offset + keyRange.length, length: 0 };
      out.props.set(name, { ...child, key: keyRange });
    }
  } else if (isSeq(node)) {
    out.items = node.items.map((item) =>
      item ? fromYaml(item as YamlNode, issues) : { offset: out.offset, length: 0 },
    );
  }
  return out;
}
