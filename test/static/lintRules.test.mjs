// @ts-check
// The folder dependency rules of docs/architecture.md bite: each fixture in test/fixtures/lint is linted as if it
// lived at its `lint-as` path and must fail with its `expect`ed rule (or pass, for the allowed controls); an import
// cycle written into a scratch copy of the tree fails import-x/no-cycle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'lint');

/** @param {string} text @param {string} key */
function header(text, key) {
  const match = new RegExp(`^// ${key}: (.+)$`, 'm').exec(text);
  if (!match?.[1]) throw new Error(`fixture lacks "// ${key}: …"`);
  return match[1].trim();
}

const eslint = new ESLint({ cwd: ROOT });

for (const name of readdirSync(FIXTURES).sort()) {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  const lintAs = header(text, 'lint-as');
  const expected = header(text, 'expect');
  test(`${name}: linted as ${lintAs} ${expected === 'nothing' ? 'passes' : `fails with ${expected}`}`, async () => {
    const [result] = await eslint.lintText(text, { filePath: join(ROOT, lintAs) });
    assert.ok(result, 'ESLint returned a result');
    const rules = result.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
    if (expected === 'nothing') {
      assert.deepEqual(rules, [], 'an allowed import must not be reported');
    } else {
      assert.ok(
        result.messages.some((m) => m.ruleId === expected && m.severity === 2),
        `expected an error from ${expected}, got: ${rules.join(' | ') || 'none'}`,
      );
    }
  });
}

test('an import cycle between two core files fails import-x/no-cycle', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'snn-lint-'));
  try {
    copyFileSync(join(ROOT, 'eslint.config.mjs'), join(scratch, 'eslint.config.mjs'));
    symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
    mkdirSync(join(scratch, 'src', 'core'), { recursive: true });
    writeFileSync(
      join(scratch, 'src/core/a.ts'),
      "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
    );
    writeFileSync(
      join(scratch, 'src/core/b.ts'),
      "import { a } from './a';\nexport const b = (): number => a() - 1;\n",
    );
    // A separate process: import-x caches what it has parsed per process, keyed by more than the file path.
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', 'src/core/a.ts'],
      {
        cwd: scratch,
        encoding: 'utf8',
      },
    );
    /** @type {{ messages: { ruleId: string | null; severity: number }[] }[]} */
    const results = JSON.parse(run.stdout);
    const messages = results.flatMap((r) => r.messages);
    assert.ok(
      messages.some((m) => m.ruleId === 'import-x/no-cycle' && m.severity === 2),
      `expected import-x/no-cycle, got: ${messages.map((m) => m.ruleId).join(', ') || 'none'}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('the product tree itself passes the dependency rules', async () => {
  const results = await eslint.lintFiles(['src', 'webview']);
  const broken = results.flatMap((r) =>
    r.messages
      .filter((m) =>
        ['import-x/no-restricted-paths', 'import-x/no-cycle', 'no-restricted-imports'].includes(
          m.ruleId ?? '',
        ),
      )
      .map((m) => `${r.filePath}:${m.line}: ${m.message}`),
  );
  assert.deepEqual(broken, []);
});
