// Unit tests of toJsonLine (src/runs/numericJson.ts): the same line as the previous walk-then-stringify form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../../src/core/random';
import {
  decodeNonFinite,
  encodeNonFinite,
  parseNumericJson,
  toJsonLine,
} from '../../../src/runs/numericJson';

/** The previous toJsonLine: a walk for non-finite numbers, then JSON.stringify with the replacer only if one was found. */
function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasNonFinite);
  for (const key in value) if (hasNonFinite((value as Record<string, unknown>)[key])) return true;
  return false;
}
const previous = (value: unknown): string =>
  `${hasNonFinite(value) ? JSON.stringify(value, encodeNonFinite) : JSON.stringify(value)}\n`;

/** Random JSON-like values: numbers (with NaN and infinities), strings (some containing "null"), nulls, nesting. */
function randomValue(rng: ReturnType<typeof createRng>, depth: number): unknown {
  const r = rng.next();
  if (depth > 3 || r < 0.35) {
    const k = rng.int(8);
    if (k === 0) return NaN;
    if (k === 1) return rng.next() < 0.5 ? Infinity : -Infinity;
    if (k === 2) return null;
    if (k === 3) return ['null', 'a null here', 'NaN', 'x'][rng.int(4)];
    if (k === 4) return rng.next() < 0.5;
    return rng.normal() * 10 ** rng.int(6);
  }
  if (r < 0.65) return Array.from({ length: rng.int(6) }, () => randomValue(rng, depth + 1));
  const out: Record<string, unknown> = {};
  const keys = ['a', 'null', 'step', 'mean', 'nullish'];
  for (let i = rng.int(6); i > 0; i--) {
    out[keys[rng.int(keys.length)] as string] = randomValue(rng, depth + 1);
  }
  return out;
}

describe('toJsonLine', () => {
  it('writes the same line as walking for non-finite numbers first, for 5,000 random values', () => {
    const rng = createRng(19);
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(rng, 0);
      assert.equal(toJsonLine(value), previous(value));
    }
  });
  it('writes NaN and infinities as strings and reads them back, a finite record as plain JSON', () => {
    const record = {
      step: 3,
      pre: { mean: NaN, max: Infinity, min: -Infinity, counts: [1, 2] },
      note: 'null',
    };
    const line = toJsonLine(record);
    assert.equal(
      line,
      '{"step":3,"pre":{"mean":"NaN","max":"Infinity","min":"-Infinity","counts":[1,2]},"note":"null"}\n',
    );
    assert.deepEqual(parseNumericJson(line.trim()), record);
    assert.deepEqual(JSON.parse(line, decodeNonFinite), record);
    assert.equal(toJsonLine({ step: 1, loss: 0.5 }), '{"step":1,"loss":0.5}\n');
    assert.equal(toJsonLine(undefined), 'undefined\n');
  });
});
