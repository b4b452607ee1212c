/**
 * Turns ajv schema errors into readable issues ("model.depth must be an integer, got "x"") attached to a path in
 * the file, with "did you mean" suggestions for unknown keys and enum values.
 */
import type { ErrorObject } from 'ajv';
import { clip, MAX_ECHO_CHARS, MAX_PROBLEMS } from './limits';
import type { ProblemFix } from './problem';
import { deref, type SchemaNode } from './schema';

/** A problem before it is placed in the text: where (a path; its key or its value), what, and maybe its fix. */
export interface Issue {
  path: (string | number)[];
  at: 'key' | 'value';
  message: string;
  code: string;
  severity?: 'error' | 'warning';
  fix?: ProblemFix;
}

/** Renders a path as dotted text: model.depth, variants["ReLU+BN"].model, stats.layers[2]. */
export function describePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${clip(segment)}` : clip(segment);
    else out += `[${JSON.stringify(clip(segment))}]`;
  }
  return out;
}

/** Short JSON-like rendering of a value for messages (Infinity and NaN as such, where JSON would print null). */
export function show(value: unknown): string {
  const text = preview(value, 41, 0);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Renders `value` until about `budget` characters are written, never more: a message about a 20,000-key object or
 * a million-item list costs what its first 40 characters cost, not a full JSON.stringify per problem.
 */
function preview(value: unknown, budget: number, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, budget));
  if (typeof value !== 'object' || value === null) return String(value);
  if (depth > 3) return '…';
  const array = Array.isArray(value);
  let out = array ? '[' : '{';
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (out.length > budget) return `${out}…`;
    if (out.length > 1) out += ',';
    const item = (value as Record<string, unknown>)[key];
    const rest = budget - out.length;
    out += array
      ? preview(item, rest, depth + 1)
      : `${JSON.stringify(key.slice(0, rest))}:${preview(item, rest, depth + 1)}`;
  }
  return `${out}${array ? ']' : '}'}`;
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, '');
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), in three rolling rows. */
export function editDistance(a: string, b: string): number {
  let before = new Int32Array(b.length + 1);
  let previous = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1);
      }
      row[j] = d;
    }
    [before, previous, row] = [previous, row, before];
  }
  return previous[b.length]!;
}

/** Longest word compared for "did you mean": beyond it a suggestion helps nobody and costs O(length²). */
const MAX_TYPO_CHARS = 4 * MAX_ECHO_CHARS;

/** The closest candidate to `word`, if close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_TYPO_CHARS) return undefined;
  const target = normalise(word);
  const allowed = Math.max(2, Math.ceil(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > MAX_TYPO_CHARS) continue;
    const other = normalise(candidate);
    // The distance is at least the difference in length: skip candidates that cannot be close enough.
    if (Math.abs(other.length - target.length) > allowed) continue;
    const distance = editDistance(target, other);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** " Did you mean "x"?" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}

/**
 * The quick fix behind a "Did you mean" for a misspelt key at `path`: rename it to the closest candidate, unless the
 * object already has that key (a rename would make a duplicate).
 */
export function renameKeyFix(
  path: (string | number)[],
  candidates: readonly string[],
  siblings: object,
): ProblemFix | undefined {
  const key = String(path.at(-1));
  const match = closest(key, candidates);
  // An own-key lookup, not a list of the siblings: a file with 20,000 unknown keys stays linear.
  if (match === undefined || Object.hasOwn(siblings, match)) return undefined;
  return { title: `Rename to "${match}"`, path, renameTo: match };
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const PATTERN_HINTS: Record<string, string> = {
  name: 'must not contain "/" or control characters',
  timeLimit: 'must be a Slurm time such as "30", "1:00:00" or "2-00:00:00"',
  memory: 'must be a Slurm memory size such as "4G" or "500M"',
  partition:
    'must be a Slurm partition name (letters, digits, "_", ".", "-"; a comma-separated list allowed)',
  sbatchOptions: 'must be one sbatch option on one line, starting with "-" (e.g. "--account=lab")',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

/** " when source is "csv"" for errors raised inside data's if/then branches. */
function branchCondition(schemaPath: string): string {
  const match = /\/allOf\/(\d+)\/then\//.exec(schemaPath);
  if (!match) return '';
  const data = deref({ $ref: '#/definitions/data' });
  const condition = data?.allOf?.[Number(match[1])]?.if?.properties ?? {};
  return Object.entries(condition)
    .map(([key, sub]) => ` when ${key} is ${show(sub.const)}`)
    .join('');
}

function describeAlternative(schema: SchemaNode): string {
  if (schema.const !== undefined) return show(schema.const);
  if (schema.enum) return schema.enum.map(show).join(', ');
  return typeWords(schema.type);
}

function pathOf(instancePath: string, root: unknown): (string | number)[] {
  if (!instancePath) return [];
  const path: (string | number)[] = [];
  let current: unknown = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(current) ? Number(segment) : segment;
    path.push(key);
    current = (current as Record<string | number, unknown> | undefined)?.[key];
  }
  return path;
}

/** Converts ajv errors for `root` into issues, dropping ajv's redundant follow-up errors. */
export function schemaIssues(errors: ErrorObject[], root: unknown): Issue[] {
  // A Set: anyOf errors repeat once per offending value, but come from a handful of places in the schema.
  const anyOfPaths = [...new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`))];
  const issues: Issue[] = [];
  // "Did you mean" costs an edit distance per known key: only as many unknown keys get one as can be shown.
  let suggestions = 0;
  for (const error of errors) {
    if (error.keyword === 'if' || error.propertyName !== undefined) continue;
    if (anyOfPaths.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const path = pathOf(error.instancePath, root);
    const where = describePath(path);
    const got = (): string => `, got ${show(error.data)}`;
    const when = branchCondition(error.schemaPath);
    const params = error.params as Record<string, unknown>;
    const parent = (error.parentSchema ?? {}) as SchemaNode;
    const issue = (message: string, at: Issue['at'] = 'value', issuePath = path, fix?: ProblemFix): void => {
      issues.push({ path: issuePath, at, message, code: `schema-${error.keyword}`, ...(fix ? { fix } : {}) });
    };
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const place = path.length === 0 ? ' at the top level' : ` in ${where}`;
        const known = Object.keys(parent.properties ?? {}).filter((k) => k !== '$schema');
        const siblings = typeof error.data === 'object' && error.data !== null ? error.data : {};
        const suggest = suggestions++ < MAX_PROBLEMS;
        const fix = suggest ? renameKeyFix([...path, key], known, siblings) : undefined;
        issue(
          `Unknown property "${clip(key)}"${place}.${suggest ? didYouMean(key, known) : ''}`.trimEnd(),
          'key',
          [...path, key],
          fix,
        );
        break;
      }
      case 'required':
        issue(
          `${where || 'The file'} is missing required property "${String(params.missingProperty)}"${when}`,
          'key',
        );
        break;
      case 'type':
        issue(`${where} must be ${typeWords(params.type)}${when}${got()}`);
        break;
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map(String);
        const match = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
        const hint = match === undefined ? '' : ` Did you mean "${match}"?`;
        const value = (params.allowedValues as unknown[]).find((v) => String(v) === match);
        const fix = match === undefined ? undefined : { title: `Change to "${match}"`, path, value };
        issue(
          `${where} must be one of ${allowed.join(', ')}${got()}.${hint}`.replace(/\.$/, ''),
          'value',
          path,
          fix,
        );
        break;
      }
      case 'const':
        issue(`${where} must be ${show(params.allowedValue)}${got()}`);
        break;
      case 'anyOf':
        issue(`${where} must be ${(parent.anyOf ?? []).map(describeAlternative).join(' or ')}${got()}`);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        issue(`${where} must be ${String(params.comparison)} ${String(params.limit)}${when}${got()}`);
        break;
      case 'minItems':
        issue(`${where} must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
        break;
      case 'minLength':
        issue(`${where} must not be empty`);
        break;
      case 'maxItems': {
        const items = Array.isArray(error.data)
          ? ` (it has ${error.data.length.toLocaleString('en-US')})`
          : '';
        issue(`${where} must have at most ${Number(params.limit).toLocaleString('en-US')} items${items}`);
        break;
      }
      case 'maxProperties':
        issue(`${where} must have at most ${Number(params.limit).toLocaleString('en-US')} entries`, 'key');
        break;
      case 'maxLength':
        issue(`${where} must be at most ${Number(params.limit).toLocaleString('en-US')} characters long`);
        break;
      case 'pattern': {
        const last = String((typeof path.at(-1) === 'number' ? path.at(-2) : path.at(-1)) ?? '');
        issue(`${where} ${PATTERN_HINTS[last] ?? `must match ${String(params.pattern)}`}${got()}`);
        break;
      }
      case 'propertyNames': {
        const name = String(params.propertyName);
        const max = (parent.propertyNames as SchemaNode | undefined)?.maxLength;
        const rule =
          typeof max === 'number' && name.length > max
            ? `is longer than ${max} characters`
            : path[0] === 'variants'
              ? 'must not contain "/", ",", "=" or control characters'
              : 'is not allowed';
        if (path[0] !== 'sweep') issue(`Name "${clip(name)}" in ${where} ${rule}`, 'key', [...path, name]);
        break;
      }
      default:
        issue(`${where || 'The file'} ${error.message ?? 'is invalid'}`);
    }
  }
  return issues;
}
