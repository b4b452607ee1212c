/**
 * Completion and hover content for YAML experiment files, from the experiment schema (the same one JSON files get
 * through VS Code's JSON language service): keys of the mapping at the cursor, enum and boolean values, the
 * schema's `defaultSnippets` (variants, sweeps, …) written as YAML, dotted sweep keys, and the schema's
 * descriptions. Pure: the host turns these items into VS Code completion items and hovers.
 */
import { DATA_KEYS_BY_SOURCE } from './fileChecks';
import { deref, experimentSchema, propertySchema, sweepKeys, type SchemaNode } from './schema';
import { ITEM, yamlCursor, yamlKeyAt } from './yamlCursor';

export interface AssistItem {
  label: string;
  kind: 'property' | 'value' | 'snippet';
  /** Snippet text (VS Code snippet syntax: $1, ${1|a,b|}, $0). */
  insert: string;
  /** One line shown beside the label. */
  detail?: string;
  /** Markdown. */
  documentation?: string;
}

export interface AssistResult {
  items: AssistItem[];
  /** How many characters before the cursor the chosen item replaces (the partial word). */
  replace: number;
}

interface Snippet {
  label: string;
  description?: string;
  body: unknown;
}

const SWEEP = 'sweep';

/** The value at `path` of a parsed document (best effort; undefined when absent). */
function valueAt(doc: unknown, path: readonly string[]): unknown {
  let value = doc;
  for (const key of path) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/** The schema of a dotted sweep key such as "model.depth" (one value of the grid). */
function dottedSchema(dotted: string, doc: unknown): SchemaNode | undefined {
  return schemaAt(dotted.split('.'), doc);
}

/**
 * The schema at a key path (ITEM for a sequence item), merging the if/then branches that the document's own
 * values select (e.g. `data.kind` exists only for `source: synthetic`). Under `sweep`, a dotted key's schema is a
 * list of values of the setting it names.
 */
export function schemaAt(path: readonly string[], doc: unknown): SchemaNode | undefined {
  let node: SchemaNode | undefined = experimentSchema;
  for (let i = 0; i < path.length && node; i++) {
    const key = path[i] as string;
    if (i === 1 && path[0] === SWEEP) {
      const one = dottedSchema(key, doc);
      return one ? { type: 'array', items: one, description: one.description } : undefined;
    }
    if (key === ITEM) node = deref(node.items);
    else if (node.properties?.[key]) node = propertySchema(node, key, valueAt(doc, path.slice(0, i)));
    else if (typeof node.additionalProperties === 'object') node = deref(node.additionalProperties);
    else node = undefined;
  }
  return deref(node);
}

function typesOf(node: SchemaNode): string[] {
  if (node.enum) return ['enum'];
  return Array.isArray(node.type) ? node.type : node.type ? [node.type] : node.properties ? ['object'] : [];
}

/** A scalar written as YAML: plain when that is unambiguous, else double-quoted. */
function yamlScalar(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  const plain = /^[A-Za-z_./+][\w./+ -]*$/.test(value) && !/^(true|false|null|yes|no|on|off)$/i.test(value);
  return plain && !/\s$/.test(value) ? value : JSON.stringify(value);
}

/** A JSON value as block-style YAML lines at `indent` (short scalar lists stay in flow style). */
export function toYamlLines(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (typeof value !== 'object' || value === null) return [`${pad}${yamlScalar(value)}`];
  if (Array.isArray(value)) return [`${pad}[${value.map(yamlScalar).join(', ')}]`];
  return Object.entries(value).flatMap(([key, child]) => {
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) {
      const inner = Object.keys(child).length === 0 ? [] : toYamlLines(child, indent + 2);
      return inner.length === 0 ? [`${pad}${yamlScalar(key)}: {}`] : [`${pad}${yamlScalar(key)}:`, ...inner];
    }
    return [`${pad}${yamlScalar(key)}: ${toYamlLines(child, 0)[0]}`];
  });
}

/** Escapes text for a snippet outside placeholders (`$` and `\\` literal). */
const literal = (text: string): string => text.replace(/[$\\]/g, (c) => `\\${c}`);
/** Escapes text for a snippet placeholder's default (also `}`). */
const inPlaceholder = (text: string): string => text.replace(/[$}\\]/g, (c) => `\\${c}`);

function describe(node: SchemaNode): string {
  const lines = [node.description ?? ''];
  if (node.enum) lines.push(`Values: ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (node.default !== undefined && typeof node.default !== 'object') {
    lines.push(`Default: \`${String(node.default)}\``);
  }
  return lines.filter(Boolean).join('\n\n');
}

/**
 * The inserted text of a key: its value's shape as a snippet, children `indent` spaces in (relative to the line's
 * own indentation, which VS Code adds to every inserted line).
 */
function keyInsert(key: string, node: SchemaNode, indent: number): string {
  const types = typesOf(node);
  const name = literal(yamlScalar(key));
  if (node.enum) return `${name}: \${1|${node.enum.map((v) => String(v).replace(/[,|]/g, '')).join(',')}|}`;
  if (types.includes('object') && !types.includes('array')) return `${name}:\n${' '.repeat(indent)}$0`;
  if (types.length === 1 && types[0] === 'boolean') return `${name}: \${1|true,false|}`;
  if (types.includes('array')) return `${name}: [$1]`;
  if (node.default !== undefined && typeof node.default !== 'object') {
    return `${name}: \${1:${inPlaceholder(String(node.default))}}`;
  }
  return `${name}: $0`;
}

function snippetsOf(node: SchemaNode | undefined): Snippet[] {
  const list = node?.defaultSnippets;
  return Array.isArray(list) ? (list as Snippet[]) : [];
}

/**
 * False for a data key the section's source ignores (`kind` under `source: csv`), which the schema itself allows.
 * A variant's data section without its own source follows the base file's.
 */
function appliesToSource(path: string[], key: string, doc: unknown): boolean {
  if (path[path.length - 1] !== 'data' || !Object.values(DATA_KEYS_BY_SOURCE).flat().includes(key)) {
    return true;
  }
  const chosen = valueAt(doc, [...path, 'source']) ?? valueAt(doc, ['data', 'source']);
  const source = typeof chosen === 'string' ? chosen : String(schemaAt(['data', 'source'], doc)?.default);
  return DATA_KEYS_BY_SOURCE[source]?.includes(key) ?? true;
}

function keyItems(path: string[], siblings: string[], markers: number, doc: unknown): AssistItem[] {
  const parent = schemaAt(path, doc);
  if (!parent) return [];
  const taken = new Set(siblings);
  const indented = (lines: string[]): string => lines.map((l) => literal(l)).join('\n');
  const ownSnippets = snippetsOf(parent).map<AssistItem>((s) => ({
    label: s.label,
    kind: 'snippet',
    insert: indented(toYamlLines(s.body, markers)).trimStart(),
    ...(s.description ? { detail: s.description } : {}),
  }));
  if (path.length === 1 && path[0] === SWEEP) {
    const keys = sweepKeys().filter((k) => !taken.has(k));
    return [
      ...ownSnippets,
      ...keys.map<AssistItem>((key) => {
        const one = dottedSchema(key, doc);
        return {
          label: key,
          kind: 'property',
          insert: one?.enum ? `${key}: [\${1:${one.enum.join(', ')}}]` : `${key}: [$1]`,
          ...(one ? { documentation: describe(one) } : {}),
        };
      }),
    ];
  }
  const properties = Object.keys(parent.properties ?? {}).filter(
    (k) => !taken.has(k) && k !== '$schema' && appliesToSource(path, k, doc),
  );
  return [
    ...ownSnippets,
    ...properties.flatMap<AssistItem>((key) => {
      const node = schemaAt([...path, key], doc) ?? {};
      const item: AssistItem = {
        label: key,
        kind: 'property',
        insert: keyInsert(key, node, markers + 2),
        documentation: describe(node),
      };
      const snippets = snippetsOf(node).map<AssistItem>((s) => ({
        label: `${key}: ${s.label}`,
        kind: 'snippet',
        insert: `${literal(yamlScalar(key))}:\n${indented(toYamlLines(s.body, markers + 2))}`,
        ...(s.description ? { detail: s.description } : {}),
      }));
      return [item, ...snippets];
    }),
  ];
}

function valueItems(path: string[], doc: unknown): AssistItem[] {
  const node = schemaAt(path, doc);
  if (!node) return [];
  const item = (value: unknown, detail?: string): AssistItem => ({
    label: yamlScalar(value),
    kind: 'value',
    insert: literal(yamlScalar(value)),
    ...(detail ? { detail } : {}),
  });
  const items = deref(node.items);
  if (typesOf(node).includes('array') && items?.enum) {
    return [{ label: `[${items.enum.join(', ')}]`, kind: 'value', insert: `[${items.enum.join(', ')}]` }];
  }
  if (node.enum) return node.enum.map((v) => item(v, v === node.default ? 'default' : undefined));
  if (typesOf(node).includes('boolean')) return [true, false].map((v) => item(v));
  if (node.default !== undefined && typeof node.default !== 'object') return [item(node.default, 'default')];
  return [];
}

/** Completion items at `offset` of a YAML experiment text; `doc` is its (possibly partial) parsed value. */
export function yamlCompletions(text: string, offset: number, doc: unknown): AssistResult {
  const cursor = yamlCursor(text, offset);
  if (!cursor) return { items: [], replace: 0 };
  if (cursor.kind === 'value') {
    return { items: valueItems(cursor.path, doc), replace: cursor.prefix.length };
  }
  return {
    items: keyItems(cursor.path, cursor.siblings, cursor.markers, doc),
    replace: cursor.prefix.length,
  };
}

/** Hover text (markdown) for the key at `offset`, with the key's offsets; undefined off a key. */
export function yamlHover(
  text: string,
  offset: number,
  doc: unknown,
): { markdown: string; start: number; end: number } | undefined {
  const key = yamlKeyAt(text, offset);
  if (!key) return undefined;
  const node = schemaAt(key.path, doc);
  if (!node) return undefined;
  const name = key.path.filter((k) => k !== ITEM).join('.');
  const type = typesOf(node).join(' | ');
  const markdown = [`**${name}**${type ? ` · ${type}` : ''}`, describe(node)].filter(Boolean).join('\n\n');
  return { markdown, start: key.start, end: key.end };
}
