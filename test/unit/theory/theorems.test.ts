// Tests the theorem domains and checkTheorems, and reproduces the corner values of docs/snn-spec.md §2.4-2.6.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  jacobian,
  meanVarianceMap,
  spectralNorm,
  type MapInput,
} from '../../../src/core/theory/meanVarianceMap';
import { SELU_ALPHA, SELU_LAMBDA } from '../../../src/core/theory/constants';
import { solveSeluParameters } from '../../../src/core/theory/seluParams';
import {
  checkTheorems,
  formatValue,
  isStandardSelu,
  SELU_PARAMS_TOLERANCE,
  THEOREM_DOMAINS,
  type TheoremBox,
} from '../../../src/core/theory/theorems';
import { assertClose, assertRel } from './assertClose';

const at = (mu: number, omega: number, nu: number, tau: number): MapInput => ({ mu, omega, nu, tau });

/** All points of a grid with `n` values per axis over a box. */
function grid(box: TheoremBox, n: number): MapInput[] {
  const axis = ([lo, hi]: readonly [number, number]) =>
    Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const out: MapInput[] = [];
  for (const mu of axis(box.mu)) {
    for (const omega of axis(box.omega)) {
      for (const nu of axis(box.nu)) for (const tau of axis(box.tau)) out.push({ mu, omega, nu, tau });
    }
  }
  return out;
}

test('§2.4: Theorem 1 extremes at the corners the spec reports', () => {
  // 1e-12 relative: the spec gives 16 digits (40-digit recomputation); our map is accurate to ~1e-15.
  assertRel(spectralNorm(jacobian(at(-0.1, -0.1, 0.8, 1.1))), 0.8976083584089181, 1e-12, 'max s_max');
  assertRel(meanVarianceMap(at(0.1, -0.1, 0.8, 0.95)).mean, -0.03106050179221768, 1e-12, 'min mean');
  assertRel(meanVarianceMap(at(0.1, 0.1, 1.5, 1.1)).mean, 0.06772510168987857, 1e-12, 'max mean');
  assertRel(meanVarianceMap(at(-0.1, 0.1, 0.8, 0.95)).variance, 0.8037117576791128, 1e-12, 'min variance');
  assertRel(meanVarianceMap(at(0.1, 0.1, 1.5, 1.1)).variance, 1.481574958271165, 1e-12, 'max variance');
});

test('§2.4: on a 6^4 grid over the Theorem 1 box, g is a contraction and stays within the extremes', () => {
  const box = THEOREM_DOMAINS.theorem1.boxes[0];
  let maxNorm = 0;
  for (const x of grid(box, 6)) {
    const g = meanVarianceMap(x);
    maxNorm = Math.max(maxNorm, spectralNorm(jacobian(x)));
    // 1e-15 slack: the extremes are attained at corners, which are grid points too.
    assert.ok(
      g.mean >= -0.03106050179221768 - 1e-15 && g.mean <= 0.06772510168987857 + 1e-15,
      `mean at ${JSON.stringify(x)}`,
    );
    assert.ok(
      g.variance >= 0.8037117576791128 - 1e-15 && g.variance <= 1.481574958271165 + 1e-15,
      'variance',
    );
  }
  assertRel(maxNorm, 0.8976083584089181, 1e-12, 'grid maximum of s_max is the corner value');
});

test('§2.5: Theorem 2 maximum of nu~ - nu and a grid check that the variance decreases', () => {
  const x = at(-1, -0.1, 3, 1.25);
  // 1e-12 relative (16-digit spec value); nu~ - nu has no cancellation here (about -0.12 from ~2.9 - 3).
  assertRel(meanVarianceMap(x).variance - 3, -0.1197442899559943, 1e-12, 'max(nu~ - nu)');
  const report = checkTheorems(x);
  assert.equal(report.theorem2.holds, true);
  assert.equal(report.theorem2.varianceDecreases, true);
  for (const y of grid(THEOREM_DOMAINS.theorem2.boxes[0], 5)) {
    assert.ok(meanVarianceMap(y).variance - y.nu <= -0.1197442899559943 + 1e-12, JSON.stringify(y));
  }
});

test('§2.6: Theorem 3 corner values and a grid check that the variance increases', () => {
  const [boxI, boxII] = THEOREM_DOMAINS.theorem3.boxes;
  // 1e-12 relative (16-digit spec values). These differences nu~ - nu of ~0.01 cancel ~1 digit of ~0.03.
  assertRel(
    meanVarianceMap(at(0.1, 0.1, 0.02, 0.8)).variance - 0.02,
    0.007736083210586022,
    1e-12,
    'domain (i)',
  );
  assertRel(
    meanVarianceMap(at(-0.1, -0.1, 0.02, 0.9)).variance - 0.02,
    0.01102927420442019,
    1e-12,
    'domain (ii)',
  );
  for (const box of [boxI, boxII]) {
    for (const y of grid(box, 5)) assert.ok(meanVarianceMap(y).variance > y.nu, JSON.stringify(y));
  }
});

test('domains are the ones of the paper', () => {
  assert.deepEqual(THEOREM_DOMAINS.theorem1.boxes, [
    { mu: [-0.1, 0.1], omega: [-0.1, 0.1], nu: [0.8, 1.5], tau: [0.95, 1.1] },
  ]);
  assert.deepEqual(THEOREM_DOMAINS.theorem2.boxes, [
    { mu: [-1, 1], omega: [-0.1, 0.1], nu: [3, 16], tau: [0.8, 1.25] },
  ]);
  assert.equal(THEOREM_DOMAINS.theorem3.boxes.length, 2);
  assert.deepEqual(THEOREM_DOMAINS.theorem3.boxes[1].nu, [0.02, 0.24]);
});

test('checkTheorems says which box holds and why the others fail', () => {
  const fixed = checkTheorems(at(0, 0, 1, 1));
  assert.equal(fixed.theorem1.holds, true);
  assert.equal(fixed.theorem1.box, 0);
  assert.deepEqual(fixed.theorem1.failed, []);
  // 1e-12: spec §2.3 value.
  assertClose(fixed.theorem1.spectralNorm, 0.7876733604657156, 1e-12, 's_max');
  assert.equal(fixed.theorem1.contraction, true);
  assert.equal(fixed.theorem2.holds, false);
  assert.deepEqual(fixed.theorem2.failed, ['nu = 1 outside [3, 16]']);
  assert.equal(fixed.theorem3.holds, false);

  // nu = 0.2, tau = 0.95 lies only in Theorem 3's second box (nu <= 0.24 needs tau >= 0.9).
  const small = checkTheorems(at(0.05, 0.02, 0.2, 0.95));
  assert.equal(small.theorem3.holds, true);
  assert.equal(small.theorem3.box, 1);
  assert.equal(small.theorem3.varianceIncreases, true);
  assert.ok(small.theorem3.varianceChange > 0);
  const outside = checkTheorems(at(0.05, 0.02, 0.2, 0.85));
  assert.equal(outside.theorem3.holds, false);
  assert.deepEqual(outside.theorem3.failed, ['nu = 0.2 outside [0.02, 0.16]']);

  const far = checkTheorems(at(2, 0.5, 20, 2));
  assert.equal(far.theorem1.holds, false);
  assert.deepEqual(far.theorem1.failed, [
    'mu = 2 outside [-0.1, 0.1]',
    'omega = 0.5 outside [-0.1, 0.1]',
    'nu = 20 outside [0.8, 1.5]',
    'tau = 2 outside [0.95, 1.1]',
  ]);

  const custom = checkTheorems(at(0, 0, 1, 1), { alpha: 1.9, lambda: 1.06 });
  assert.equal(custom.theorem1.holds, false);
  assert.match(
    custom.theorem1.failed.join(';'),
    /alpha = 1\.9, lambda = 1\.06: the theorem assumes alpha01 = 1\.6732632, lambda01 = 1\.050701/,
  );
});

test('alpha01, lambda01 are recognised within the stated 1e-9 relative tolerance, not only bit for bit', () => {
  // Typed to 12 significant digits (the CLI example of the issue): relative differences ~3e-13 < 1e-9.
  const typed = { alpha: 1.67326324235, lambda: 1.05070098735 };
  assert.equal(isStandardSelu(typed), true);
  assert.equal(checkTheorems(at(0, 0, 1, 1), typed).theorem1.holds, true);
  // Solved back from the target fixed point (0, 1): Newton's round-off, not the literal constants.
  const solved = solveSeluParameters(0, 1);
  assert.equal(checkTheorems(at(0, 0, 1, 1), solved).theorem1.holds, true);
  // A slider value 1.673 differs by 1.6e-4 relative: a different parameter, so the theorem does not apply.
  assert.equal(isStandardSelu({ alpha: 1.673, lambda: SELU_LAMBDA }), false);
  assert.equal(isStandardSelu({ alpha: SELU_ALPHA * (1 + 2e-9), lambda: SELU_LAMBDA }), false);
  assert.equal(isStandardSelu({ alpha: SELU_ALPHA * (1 + 0.9e-9), lambda: SELU_LAMBDA }), true);
  assert.equal(SELU_PARAMS_TOLERANCE, 1e-9);
});

test('failure texts show 4 significant digits, never raw float64 digits', () => {
  const r = checkTheorems(at(0.42675155372457313, 0, 1.0000000000000009, 1.5));
  assert.deepEqual(r.theorem2.failed, ['nu = 1 outside [3, 16]', 'tau = 1.5 outside [0.8, 1.25]']);
  assert.deepEqual(r.theorem1.failed, ['mu = 0.4268 outside [-0.1, 0.1]', 'tau = 1.5 outside [0.95, 1.1]']);
  assert.equal(formatValue(-1.2e-17), '0');
  assert.equal(formatValue(4.2600000001), '4.26');
  assert.equal(formatValue(123456), '123500');
  assert.equal(formatValue(Number.NaN), 'NaN');
});
