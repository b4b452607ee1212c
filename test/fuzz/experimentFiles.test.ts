/**
 * Mutation fuzzing of experiment files (issue 13): the examples and the config fixtures, JSON and YAML, mutated as
 * text (cut, duplicated, hostile tokens, repeated tokens) or as values (one place, or a new key, set to a hostile
 * value; written back as JSON or YAML), then run through every path that reads an experiment file: validation
 * (parseExperiment: syntax, schema, run and pitfall checks, plan size and memory estimate), the Problems-panel
 * ranges, the quick fixes, the code-lens anchors and run count, the plan expansion, and `snn-lab validate` in
 * process. Invariants per case: no exception, no "could not check" fallback, every problem inside the text with a
 * consistent line:col, the CLI prints `file:line:col: error|warning: …` and exits 2 exactly when there is an error
 * (0 otherwise), a valid file counts ≤ the run cap and its count equals its expansion, no run above the memory
 * budget validates, no control character reaches the terminal, Object.prototype unchanged, a deadline per case and
 * a bound on peak memory. See docs/testing.md (The fuzz tier) for budget and replay.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { registerValidateCommand } from '../../src/cli/validateCommand';
import { applyEdits, fixEdits } from '../../src/core/config/applyFix';
import { countRuns, expandRuns } from '../../src/core/config/expand';
import { DEFAULT_LIMITS } from '../../src/core/config/limits';
import { dataShapeOf, estimateMemory } from '../../src/core/config/memoryEstimate';
import { parseExperiment } from '../../src/core/config/parse';
import { LineIndex } from '../../src/core/config/problem';
import { findRunTargets } from '../../src/core/config/runTargets';
import { parseSource } from '../../src/core/config/sourceTree';
import { experimentFiles, readRepoFile, repoPath } from '../unit/config/fixtures';
import { runFuzz, withDeadline } from './budget';
import { cliInProcess } from './cliInProcess';
import { assertNoPollution, hostileString, hostileValue } from './hostile';

/** Far above a case's real cost (a few ms); only a hang or a quadratic blow-up misses it. */
const CASE_DEADLINE_MS = 5_000;
/** Plans at most this large are expanded to compare with the count (the cap itself is 1,000 runs). */
const EXPAND_CHECK_MAX = 200;

const corpus = [
  ...experimentFiles('examples'),
  ...experimentFiles('test', 'fixtures', 'configs', 'valid'),
  ...experimentFiles('test', 'fixtures', 'configs', 'invalid'),
].map((path) => ({ name: path.split('/').pop() as string, text: readRepoFile(path) }));

const work = mkdtempSync(join(tmpdir(), 'snn-fuzz-experiments-'));
after(() => rmSync(work, { recursive: true, force: true }));
// The examples' CSV (data/orchard.csv) resolves beside the mutated file, so CSV experiments get past the data check.
symlinkSync(repoPath('examples', 'data'), join(work, 'data'));

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '"',
  "'",
  '- ',
  '\n',
  '\r\n',
  '\t',
  '  ',
  '#',
  '//',
  '/*',
  '&a ',
  '*a',
  '<<: *a',
  '!!binary ',
  '!!js/function ',
  '.inf',
  '.nan',
  '1e999',
  '-0',
  '0x10',
  '~',
  '\u0000',
  '\u001b[2J',
  '\ud800',
  '\ufeff',
  '__proto__',
  '"__proto__": ',
  '? ',
  '---\n',
  '...\n',
];

type TextEdit =
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'insert'; at: number; token: string; times: number }
  | { op: 'truncate'; at: number }
  | { op: 'string'; at: number; text: string };

const position = fc.double({ min: 0, max: 1, noNaN: true });
const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 80 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: position,
    token: fc.constantFrom(...TOKENS),
    times: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) },
      fc.integer({ min: 1, max: 1_000 }),
    ),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({
    op: fc.constant('string' as const),
    at: position,
    text: hostileString.map((s) => JSON.stringify(s)),
  }),
);

function applyTextEdit(text: string, edit: TextEdit): string {
  const at = Math.floor(edit.at * text.length);
  if (edit.op === 'delete') return text.slice(0, at) + text.slice(at + edit.length);
  if (edit.op === 'duplicate') return text.slice(0, at) + text.slice(at, at + edit.length) + text.slice(at);
  if (edit.op === 'insert') return text.slice(0, at) + edit.token.repeat(edit.times) + text.slice(at);
  if (edit.op === 'truncate') return text.slice(0, at);
  return text.slice(0, at) + edit.text + text.slice(at);
}

/** Every path into a value (objects and arrays, at most 6 deep), the root first. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (typeof value === 'object' && value !== null && prefix.length < 6) {
    for (const [key, child] of Object.entries(value)) {
      paths(child, [...prefix, Array.isArray(value) ? Number(key) : key], out);
    }
  }
  return out;
}

/** Sets one place (chosen by `where` in [0, 1)) of the parsed text to `replacement`; the root gets a new key. */
function mutateValue(
  text: string,
  name: string,
  m: { where: number; key: string; replacement: unknown; yaml: boolean },
): { text: string; name: string } | undefined {
  const value = parseSource(text, name).value;
  if (typeof value !== 'object' || value === null) return undefined;
  const all = paths(value);
  const path = all[Math.floor(m.where * all.length)] ?? [];
  const root: unknown = structuredClone(value);
  if (path.length === 0) {
    Object.defineProperty(root, m.key.slice(0, 64) || 'k', {
      value: m.replacement,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    let parent = root as Record<string | number, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
    Object.defineProperty(parent, path.at(-1) as string | number, {
      value: m.replacement,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const base = name.replace(/\.(jsonc?|ya?ml)$/, '');
  try {
    return m.yaml
      ? { text: stringify(root, { aliasDuplicateObjects: false }), name: `${base}.yaml` }
      : { text: JSON.stringify(root) ?? 'null', name: `${base}.json` };
  } catch {
    return undefined; // the serialiser itself refused (e.g. too deep): nothing to check
  }
}

/** One experiment text through every reader; throws on a broken invariant. */
async function checkText(text: string, name: string): Promise<void> {
  const result = parseExperiment(text, name);
  const index = new LineIndex(text);
  for (const p of result.problems) {
    assert.notEqual(p.code, 'internal', `an exception reached the last line of defence: ${p.message}`);
    assert.ok(
      p.offset >= 0 && p.length >= 0 && p.offset + p.length <= text.length,
      `outside: ${JSON.stringify(p)}`,
    );
    const start = index.position(p.offset);
    assert.deepEqual(
      [p.line, p.col],
      [start.line, start.col],
      `line:col disagrees with the offset: ${p.message}`,
    );
    assert.ok(
      p.message.length > 0 && p.message.length < 2_000,
      `message of ${p.message.length} characters: ${p.message.slice(0, 300)}`,
    );
    if (p.fix) {
      try {
        const fixed = applyEdits(text, fixEdits(text, name, p.fix));
        parseExperiment(fixed, name);
      } catch (error) {
        assert.match(
          (error as Error).message,
          /^cannot apply|has an empty path/,
          `quick fix "${p.fix.title}" threw`,
        );
      }
    }
  }
  const errors = result.problems.filter((p) => p.severity === 'error');
  assert.equal(
    result.file !== undefined,
    errors.length === 0,
    'a file is returned exactly when there is no error',
  );
  const targets = findRunTargets(text, name, result);
  assert.ok(
    Number.isSafeInteger(targets.runCount) && targets.runCount >= 0,
    `code-lens count ${targets.runCount}`,
  );
  for (const v of targets.variants) assert.ok(v.line >= 0 && v.line < index.position(text.length).line);
  if (result.file) {
    const count = countRuns(result.file);
    assert.ok(count >= 1 && count <= DEFAULT_LIMITS.maxRuns, `a valid file expands to ${count} runs`);
    assert.equal(targets.runCount, count, 'the code lens counts what validation counts');
    if (count <= EXPAND_CHECK_MAX) {
      const plans = expandRuns(result.file);
      assert.equal(plans.length, count, 'the arithmetic count equals the expansion');
      const budget = DEFAULT_LIMITS.memoryBudgetMB * 1024 * 1024;
      for (const plan of plans) {
        const bytes = estimateMemory(plan.config, dataShapeOf(plan.config.data)).bytes;
        assert.ok(
          bytes <= budget,
          `${plan.name} is estimated at ${bytes} bytes, above the budget, yet validated`,
        );
      }
    }
  }
  const path = join(work, name);
  writeFileSync(path, text);
  const cli = await cliInProcess(registerValidateCommand, ['validate', path]);
  const lines = cli.out.split('\n').filter((l) => l.startsWith(`${path}:`) && !/: ok, \d+ runs?/.test(l));
  for (const line of lines) {
    assert.match(line, /:\d+:\d+: (error|warning): \S/, `not file:line:col: ${line.slice(0, 200)}`);
  }
  // The CLI also checks that data files exist: it may find errors validation alone cannot.
  const printed = lines.filter((l) => /:\d+:\d+: error: /.test(l)).length;
  assert.ok(
    printed >= errors.length,
    `${errors.length} errors, ${printed} printed:\n${cli.out.slice(0, 400)}`,
  );
  assert.equal(cli.code, printed > 0 ? 2 : 0, `snn-lab validate exit ${cli.code}:\n${cli.out.slice(0, 400)}`);
  assert.doesNotMatch(
    cli.out,
    // eslint-disable-next-line no-control-regex -- control characters must not reach the terminal
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/,
    'raw control characters',
  );
  assertNoPollution();
}

const textCase = fc.record({
  kind: fc.constant('text' as const),
  base: fc.nat({ max: corpus.length - 1 }),
  edits: fc.array(textEdit, { minLength: 1, maxLength: 5 }),
});
const valueCase = fc.record({
  kind: fc.constant('value' as const),
  base: fc.nat({ max: corpus.length - 1 }),
  where: position,
  key: hostileString,
  replacement: hostileValue,
  yaml: fc.boolean(),
});

test(
  'fuzz: mutated experiment files through validation, diagnostics, quick fixes, code lenses, expansion and snn-lab validate',
  { timeout: 600_000 },
  async () => {
    const property = fc.asyncProperty(
      fc.oneof(textCase, valueCase),
      withDeadline(CASE_DEADLINE_MS, async (c) => {
        const base = corpus[c.base] as { name: string; text: string };
        let text = base.text;
        let name = base.name;
        if (c.kind === 'text') {
          for (const edit of c.edits) text = applyTextEdit(text, edit);
        } else {
          const mutated = mutateValue(text, name, c);
          if (!mutated) return;
          ({ text, name } = mutated);
        }
        await checkText(text, name);
      }),
    );
    await runFuzz(property, {
      name: 'experiment files',
      file: 'experimentFiles.test.js',
      budgetMs: 15_000,
      minCases: 150,
      maxPeakRssMiB: 400,
    });
  },
);
