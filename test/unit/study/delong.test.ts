// Tests DeLong's test of src/core/study against the numpy reference (Sun & Xu mid-ranks, checked against DeLong's
// O(mn) definition) and an exact rational case, from test/fixtures/study/tests.json.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delongTest } from '../../../src/core/study/delong';
import { StudyInputError } from '../../../src/core/study/inputError';
import reference from '../../fixtures/study/tests.json';
import { assertClose, assertRel } from '../theory/assertClose';

const KEYS = [
  'aucA',
  'aucB',
  'difference',
  'varianceA',
  'varianceB',
  'covariance',
  'standardError',
  'z',
  'p',
] as const;

test('DeLong: AUCs, variances, covariance, z, p and the interval match the numpy reference to 1e-10', () => {
  assert.ok(reference.delong.length >= 5);
  for (const c of reference.delong) {
    const got = delongTest({ positive: c.positive, scoresA: c.scoresA, scoresB: c.scoresB });
    const what = `m + n = ${c.positive.length}`;
    for (const key of KEYS) assertRel(got[key], c[key], 1e-10, `${key}, ${what}`);
    assertClose(got.ciLow, c.ciLow, 1e-12, `ciLow, ${what}`);
    assertClose(got.ciHigh, c.ciHigh, 1e-12, `ciHigh, ${what}`);
  }
});

test('DeLong: the tied 3 + 4 sample case equals its exact rational solution', () => {
  const c = reference.delong.find((d) => 'exactFractions' in d);
  assert.ok(c && 'exactFractions' in c);
  const got = delongTest({ positive: c.positive, scoresA: c.scoresA, scoresB: c.scoresB });
  const fractions = c.exactFractions as Record<string, string>;
  for (const [key, text] of Object.entries(fractions)) {
    const [num, den] = text.split('/').map(Number) as [number, number | undefined];
    assertClose(got[key as (typeof KEYS)[number]], num / (den ?? 1), 1e-15, key);
  }
  assert.equal(got.aucA, 19 / 24);
});

test('DeLong: identical models give difference 0 and NaN p; bad input throws StudyInputError', () => {
  const positive = [true, false, true, false, true];
  const scores = [0.9, 0.2, 0.6, 0.7, 0.4];
  const same = delongTest({ positive, scoresA: scores, scoresB: scores });
  assert.equal(same.difference, 0);
  assert.ok(Number.isNaN(same.p));
  assert.throws(() => delongTest({ positive, scoresA: scores, scoresB: [1] }), StudyInputError);
  assert.throws(
    () => delongTest({ positive: [true, false, false], scoresA: [1, 2, 3], scoresB: [1, 2, 3] }),
    /2 positives/,
  );
  assert.throws(
    () => delongTest({ positive, scoresA: [0.1, Number.NaN, 0.3, 0.4, 0.5], scoresB: scores }),
    /score 1 is not finite/,
  );
});
