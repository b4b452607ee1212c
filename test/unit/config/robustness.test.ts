// parseExperiment and findRunTargets never throw on damaged text, and every problem range lies inside the text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import { findRunTargets } from '../../../src/core/config/runTargets';
import { createRng } from '../../../src/core/random';
import { experimentFiles, readRepoFile } from './fixtures';

const SNIPPETS = [
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
  '  ',
  '#',
  '//',
  'null',
  '-1',
  '1e999',
  '&a',
  '*a',
  '<<',
];

/** Deletes, duplicates or inserts a few characters at seeded positions. */
function mutate(text: string, rng: ReturnType<typeof createRng>): string {
  let out = text;
  for (let edits = 1 + rng.int(3); edits > 0; edits--) {
    const at = rng.int(out.length + 1);
    const kind = rng.int(3);
    if (kind === 0) out = out.slice(0, at) + out.slice(at + 1 + rng.int(8));
    else if (kind === 1) out = out.slice(0, at) + out.slice(at, at + 12) + out.slice(at);
    else out = out.slice(0, at) + (SNIPPETS[rng.int(SNIPPETS.length)] ?? '') + out.slice(at);
  }
  return out;
}

test('damaged examples give problems, never exceptions', () => {
  const rng = createRng(2024);
  let checked = 0;
  for (const path of experimentFiles('examples')) {
    const original = readRepoFile(path);
    for (let i = 0; i < 30; i++) {
      const text = mutate(original, rng);
      const result = parseExperiment(text, path);
      for (const p of result.problems) {
        assert.ok(
          p.offset >= 0 && p.offset + p.length <= text.length,
          `${path}: range outside the text: ${JSON.stringify(p)} (length ${text.length})`,
        );
        assert.ok(p.line >= 1 && p.col >= 1 && p.message.length > 0);
      }
      assert.equal(result.file !== undefined, !result.problems.some((p) => p.severity === 'error'));
      const targets = findRunTargets(text, path);
      assert.ok(targets.top.line >= 0 && targets.runCount >= 0);
      checked++;
    }
  }
  assert.ok(checked >= 150);
});
