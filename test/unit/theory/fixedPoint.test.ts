// Tests iteration of g and the fixed-point search against the sequences and the tau table of docs/snn-spec.md §2.7
// and the mu_f != 0 caveat of §1.3.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findFixedPoint, iterateMap } from '../../../src/core/theory/fixedPoint';
import { meanVarianceMap } from '../../../src/core/theory/meanVarianceMap';
import { solveSeluParameters } from '../../../src/core/theory/seluParams';
import { assertClose } from './assertClose';

// §2.7 sequences (omega = 0, tau = 1), printed rounded to 6 decimals.
const SEQUENCES: [number, number, [number, number][]][] = [
  [
    0,
    3,
    [
      [0.175004, 2.349062],
      [0.12006, 1.942352],
      [0.084522, 1.67603],
      [0.060805, 1.494889],
      [0.044523, 1.3679],
      [0.033065, 1.276724],
      [0.024834, 1.210021],
      [0.018818, 1.1605],
    ],
  ],
  [
    0,
    0.1,
    [
      [-0.051716, 0.149942],
      [-0.054832, 0.212843],
      [-0.055454, 0.286436],
      [-0.053662, 0.366827],
      [-0.049924, 0.449438],
      [-0.044902, 0.529978],
      [-0.039263, 0.605121],
      [-0.033549, 0.672741],
    ],
  ],
  [
    0,
    16,
    [
      [0.96361, 9.016897],
      [0.593101, 5.62036],
      [0.373944, 3.846161],
      [0.24289, 2.852064],
      [0.16273, 2.258394],
      [0.112215, 1.88392],
      [0.079345, 1.636797],
      [0.057287, 1.467666],
    ],
  ],
  [
    1,
    5,
    [
      [0.329686, 3.505862],
      [0.216051, 2.65266],
    ],
  ],
  [
    0.5,
    2,
    [
      [0.089612, 1.714478],
      [0.064248, 1.521424],
    ],
  ],
];

test('§2.7: iteration sequences from (0,3), (0,0.1), (0,16), (1,5), (0.5,2)', () => {
  for (const [mu, nu, expected] of SEQUENCES) {
    const states = iterateMap({ mu, nu, omega: 0, tau: 1 }, expected.length);
    assert.equal(states.length, expected.length + 1);
    assert.deepEqual(states[0], { mean: mu, variance: nu });
    expected.forEach(([mean, variance], i) => {
      // 5.000001e-7 absolute: the spec rounds to 6 decimals (half a unit = 5e-7); our values are exact to ~1e-15.
      assertClose(states[i + 1]!.mean, mean, 5.000001e-7, `mean step ${i + 1} from (${mu}, ${nu})`);
      assertClose(
        states[i + 1]!.variance,
        variance,
        5.000001e-7,
        `variance step ${i + 1} from (${mu}, ${nu})`,
      );
    });
  }
});

test('iterateMap rejects a bad step count', () => {
  assert.throws(() => iterateMap({ mu: 0, nu: 1, omega: 0, tau: 1 }, -1), /steps must be an integer >= 0/);
  assert.throws(() => iterateMap({ mu: 0, nu: 1, omega: 0, tau: 1 }, 1.5), /steps/);
  assert.equal(iterateMap({ mu: 0, nu: 1, omega: 0, tau: 1 }, 0).length, 1);
  assert.throws(() => iterateMap({ mu: 0, nu: -1, omega: 0, tau: 1 }, 3), /nu .* > 0/);
});

test('iterateMap stops early, without throwing, once the variance dies out (tau = 1/3)', () => {
  const states = iterateMap({ mu: 0, nu: 1, omega: 0, tau: 1 / 3 }, 500);
  assert.ok(states.length > 50 && states.length < 501, `${states.length} states`);
  assert.ok(states.every((s) => s.variance > 0));
  assert.ok(states.at(-1)!.variance < 1e-12);
});

// §2.7 tau table, 8 decimals. Glorot 784 -> 128 has tau = 2*784/(784+128) = 1.7192982..., printed as 1.7193.
const TAU_TABLE: [number, number, number][] = [
  [0.5625, -0.02841808, 0.02676433],
  [0.7737413, -0.05417505, 0.35108354],
  [0.8, -0.05187902, 0.41070968],
  [0.95, -0.01856606, 0.8287946],
  [1, 0, 1],
  [1.1, 0.0485178, 1.39930809],
  [1.25, 0.15196745, 2.17885564],
  [2, 1.78042108, 18.45990082],
  [1568 / 912, 0.82707607, 7.703601],
];

test('§2.7: fixed point for omega = 0 and the tabulated tau values', () => {
  for (const [tau, mean, variance] of TAU_TABLE) {
    const r = findFixedPoint({ omega: 0, tau });
    assert.ok(r.converged, `tau ${tau}: ${r.reason}`);
    assert.ok(r.iterations > 0 && r.iterations < 1000, `iterations ${r.iterations}`);
    // 5.000001e-9 absolute (relative to max(1, |value|)): the table is rounded to 8 decimals.
    assertClose(r.mean, mean, 5.000001e-9, `mean tau=${tau}`);
    assertClose(r.variance, variance, 5.000001e-9, `variance tau=${tau}`);
    // It is a fixed point: one more application of g moves it by rounding noise only (1e-13, a few ulp of 18.5).
    const g = meanVarianceMap({ mu: r.mean, nu: r.variance, omega: 0, tau });
    assertClose(g.variance, r.variance, 1e-13, `g fixes tau=${tau}`);
  }
});

test('tau = 1/3: the variance dies out and the search reports no convergence instead of throwing', () => {
  const r = findFixedPoint({ omega: 0, tau: 1 / 3 });
  assert.equal(r.converged, false);
  assert.match(r.reason ?? '', /variance|iterations/);
  assert.ok(r.variance < 1e-6, `variance ${r.variance}`);
});

test('omega != 0: converges from different starts to the same point inside the Theorem 1 region', () => {
  const a = findFixedPoint({ omega: 0.1, tau: 1.05 });
  const b = findFixedPoint({ omega: 0.1, tau: 1.05, start: { mean: -0.1, variance: 1.5 } });
  assert.ok(a.converged && b.converged);
  // 1e-13: both stop when the step is <= 1e-14 and the map contracts with factor ~0.79.
  assertClose(a.mean, b.mean, 1e-13, 'mean');
  assertClose(a.variance, b.variance, 1e-13, 'variance');
  assert.ok(a.mean >= -0.03106 && a.mean <= 0.06773 && a.variance >= 0.80009 && a.variance <= 1.48617);
});

test('maxIterations caps the work and is reported', () => {
  const r = findFixedPoint({ omega: 0, tau: 1.25, maxIterations: 5 });
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 5);
  assert.match(r.reason ?? '', /within 5 iterations/);
  assert.throws(() => findFixedPoint({ omega: 0, tau: 1, maxIterations: 0 }), /maxIterations/);
  assert.throws(() => findFixedPoint({ omega: 0, tau: -1 }), /tau/);
});

test('§1.3 caveat: parameters for mu_f != 0 do not give that fixed point with omega = 0, tau = 1', () => {
  const cases: [number, number, number, number][] = [
    [-0.1, 2, 0.015914, 2.22345],
    [0.1, 1, -0.0087819, 0.87668],
  ];
  for (const [mf, vf, mean, variance] of cases) {
    const { alpha, lambda } = solveSeluParameters(mf, vf);
    const r = findFixedPoint({ omega: 0, tau: 1 }, { alpha, lambda });
    assert.ok(r.converged);
    // The spec prints 5-6 significant digits: 5e-6 absolute covers the rounding.
    assertClose(r.mean, mean, 5e-6, `mean for (${mf}, ${vf})`);
    assertClose(r.variance, variance, 5e-6, `variance for (${mf}, ${vf})`);
  }
  const zeroMean = solveSeluParameters(0, 2);
  const r = findFixedPoint({ omega: 0, tau: 1, start: { mean: 0.3, variance: 0.5 } }, zeroMean);
  // For mu_f = 0 both conventions agree: (0, 2) is the fixed point (to the 1e-13 of the stopping rule).
  assertClose(r.mean, 0, 1e-13, 'mean (0,2)');
  assertClose(r.variance, 2, 1e-13, 'variance (0,2)');
});
