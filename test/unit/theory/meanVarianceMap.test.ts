// Tests g, its second moment, the omega = 0 special case, the Jacobian and singular values against the tables of
// docs/snn-spec.md §2.2, §2.3, §2.7 and an independent mpmath quadrature reference (jacobian-reference.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  jacobian,
  meanVarianceMap,
  meanVarianceMapOmegaZero,
  singularValues,
  spectralNorm,
  type MapInput,
  type Matrix2,
} from '../../../src/core/theory/meanVarianceMap';
import { erfcx } from '../../../src/core/theory/erf';
import { selu } from '../../../src/core/theory/selu';
import jacobianRef from '../../fixtures/theory/jacobian-reference.json';
import { assertClose, assertRel } from './assertClose';

const input = (mu: number, omega: number, nu: number, tau: number): MapInput => ({ mu, omega, nu, tau });

// §2.7: (mu, omega, nu, tau) -> (mean, variance); "any" mu is tested with mu = 0.7 (omega = 0 ignores it).
const TABLE_2_7: [number, number, number, number, number, number][] = [
  [0, 0, 1, 1, 0, 1],
  [0.7, 0, 0.02, 1, -0.0317400023838821, 0.034922742582164],
  [0.7, 0, 0.1, 1, -0.0517163452020683, 0.149941513153249],
  [0.7, 0, 0.25, 1, -0.0548005035961125, 0.327682933910194],
  [0.7, 0, 0.5, 1, -0.0414300000331972, 0.577499753201415],
  [0.7, 0, 1.5, 1, 0.0449834377070055, 1.3715310036425],
  [0.7, 0, 2, 1, 0.0896120837639607, 1.71447807166375],
  [0.7, 0, 3, 1, 0.175003580513983, 2.34906219949743],
  [0.7, 0, 4, 1, 0.254828442953157, 2.94110192651749],
  [0.7, 0, 9, 1, 0.592091065830884, 5.61181044501078],
  [0.7, 0, 16, 1, 0.96360980748081, 9.01689662248068],
  [0.1, 0.1, 1, 1, 0.00986115440479155, 1.00301106564887],
  [0.1, 0.1, 1.5, 1.1, 0.0677251016898786, 1.48157495827116],
  [-0.1, -0.1, 0.8, 1.1, -0.000556610552333657, 0.907264783427327],
  [-0.1, 0.1, 1.2, 0.95, 0.00283217993543091, 1.10434442876941],
  [0.05, -0.05, 0.9, 1.05, -0.00734869090316732, 0.955941273496161],
  [0.5, 1, 1, 1, 0.51000813729506, 1.10497203124112],
  [1, 0.1, 4, 1.2, 0.39591591059269, 3.49302814392682],
  [1, -0.1, 16, 1.25, 1.07838325102237, 10.6683647791285],
  [-1, -0.1, 16, 0.8, 0.875388019660377, 7.65913458209901],
  [0.1, 0.1, 0.05, 1.25, -0.0338356268712371, 0.098341276307424],
];

test('§2.7: all 21 rows of the g table to 1e-12 relative', () => {
  assert.equal(TABLE_2_7.length, 21);
  for (const [mu, omega, nu, tau, mean, variance] of TABLE_2_7) {
    const g = meanVarianceMap(input(mu, omega, nu, tau));
    const at = `(${mu}, ${omega}, ${nu}, ${tau})`;
    if (mean === 0) {
      // Spec §8: g(0,0,1,1) = (0, 1) to 1e-14 (absolute; the mean is a cancellation of O(1) terms).
      assertClose(g.mean, 0, 1e-14, `mean ${at}`);
    } else {
      // 1e-12 relative (spec §8). The spec prints 12-15 significant digits; our error is ~1e-15 except where
      // the terms cancel (small v), which costs up to ~2 digits.
      assertRel(g.mean, mean, 1e-12, `mean ${at}`);
    }
    assertRel(g.variance, variance, 1e-12, `variance ${at}`);
    assertRel(g.secondMoment, g.variance + g.mean * g.mean, 1e-15, `second moment ${at}`);
  }
});

test('second moment agrees with a midpoint-rule integral of selu(z)^2 (independent check)', () => {
  for (const [m, v] of [
    [0.3, 2],
    [-0.5, 0.4],
    [1.2, 3],
    [0.3, 50],
  ] as const) {
    const s = Math.sqrt(v);
    let first = 0;
    let second = 0;
    const n = 200000;
    const lo = m - 12 * s;
    const h = (24 * s) / n;
    for (let i = 0; i < n; i++) {
      const z = lo + (i + 0.5) * h;
      const w = (Math.exp(-((z - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v)) * h;
      first += selu(z) * w;
      second += selu(z) ** 2 * w;
    }
    const g = meanVarianceMap(input(m, 1, v, 1));
    // 1e-8: the midpoint rule's error is O(h^2 * f'') with a kink at z = 0 where selu' jumps, ~1e-9 here.
    assertClose(g.mean, first, 1e-8, `mean m=${m} v=${v}`);
    assertClose(g.secondMoment, second, 1e-8, `second m=${m} v=${v}`);
  }
});

test('§2.2: erfcx form does not overflow and matches the spec at m = 0.3, v = 50; omega = 0 special case', () => {
  const [m, v] = [0.3, 50];
  const gauss = Math.exp(-(m * m) / (2 * v));
  // 1e-14 relative: the spec prints 15 significant digits; erfcx is within 1e-15.
  assertRel(erfcx((m + v) / Math.sqrt(2 * v)) * gauss, 0.109969253564068, 1e-14, 'exp(m+v/2) erfc(u1)');
  assertRel(erfcx((m + 2 * v) / Math.sqrt(2 * v)) * gauss, 0.0559243504425089, 1e-14, 'exp(2(m+v)) erfc(u2)');
  const big = meanVarianceMap(input(0.3, 1, 50, 1));
  assert.ok(Number.isFinite(big.mean) && Number.isFinite(big.variance));
  const huge = meanVarianceMap(input(2, 1, 1e4, 1));
  assert.ok(Number.isFinite(huge.mean) && huge.variance > 0, 'v = 1e4 stays finite');
  for (const v of [0.02, 0.1, 1, 2.5, 16, 50]) {
    const general = meanVarianceMap(input(0.4, 0, v, 1));
    const special = meanVarianceMapOmegaZero(v);
    // 1e-14: two algebraically identical forms, both built from erfcx within 1e-15.
    assertClose(special.mean, general.mean, 1e-14, `mean v=${v}`);
    assertRel(special.variance, general.variance, 1e-13, `variance v=${v}`);
  }
});

test('invalid inputs raise a RangeError naming the argument', () => {
  assert.throws(() => meanVarianceMap(input(0, 0, 0, 1)), /nu .* > 0/);
  assert.throws(() => meanVarianceMap(input(0, 0, 1, -1)), /tau .* > 0/);
  assert.throws(() => meanVarianceMap(input(Number.NaN, 0, 1, 1)), /mu must be a finite number/);
  assert.throws(() => meanVarianceMapOmegaZero(0), /nu\*tau/);
});

function assertMatrix(actual: Matrix2, expected: number[][], tol: number, what: string): void {
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      assertClose(actual[i]![j]!, expected[i]![j]!, tol, `${what}[${i}][${j}]`);
    }
  }
}

test('§2.3: H and spectral norm at (0,1) match the spec to 1e-12', () => {
  const H = jacobian(input(0, 0, 1, 1));
  // 1e-12 absolute on entries of size <= 1 (spec §2.3 prints 16 digits; our error is a few ulp).
  assertMatrix(
    H,
    [
      [0, 0.08883475510689012],
      [0, 0.7826478831968128],
    ],
    1e-12,
    'H(0,1)',
  );
  assertClose(spectralNorm(H), 0.7876733604657156, 1e-12, 's_max(0,1)');
});

test('§2.3: H at the two other points, vs the spec (its 11-13 printed digits) and vs mpmath quadrature', () => {
  const spec: [MapInput, number[][], number][] = [
    [
      input(0.1, 0.1, 1.2, 1.05),
      [
        [0.0959003810863, 0.0937206098109],
        [0.0373556731256, 0.779860630267],
      ],
      0.78698996147,
    ],
    [
      input(-0.05, 0.08, 0.9, 0.97),
      [
        [0.0800697123683, 0.0850090588897],
        [0.021196039389, 0.783643110577],
      ],
      0.788805534476,
    ],
  ];
  for (const [x, H, s] of spec) {
    // 1e-11 absolute: the spec rounds these to 11-12 decimals (half a unit of the 11th decimal is 5e-12).
    assertMatrix(jacobian(x), H, 1e-11, `H(${x.mu},${x.omega},${x.nu},${x.tau}) vs spec`);
    assertClose(spectralNorm(jacobian(x)), s, 1e-11, 's_max vs spec');
  }
  assert.equal(jacobianRef.points.length, 3);
  for (const p of jacobianRef.points) {
    const x = input(p.mu, p.omega, p.nu, p.tau);
    const H = jacobian(x);
    // 1e-12 absolute: the reference is a 40-digit quadrature + numerical derivative, independent of the closed
    // form, rounded to float64; our closed form is accurate to a few ulp.
    assertMatrix(H, p.H, 1e-12, `H vs quadrature at (${p.mu},${p.omega},${p.nu},${p.tau})`);
    const [s1, s2] = singularValues(H);
    assertClose(s1, p.singularValues[0]!, 1e-12, 's_max vs quadrature');
    assertClose(s2, p.singularValues[1]!, 1e-12, 's_min vs quadrature');
  }
});

test('Jacobian agrees with central finite differences of g away from the tabulated points', () => {
  for (const x of [input(0.3, -0.4, 2.5, 0.9), input(-0.8, 0.6, 0.3, 1.3), input(1.5, 1, 7, 1.1)]) {
    const H = jacobian(x);
    const h = 1e-6;
    const g = (mu: number, nu: number) => meanVarianceMap({ ...x, mu, nu });
    const dMu = [g(x.mu + h, x.nu), g(x.mu - h, x.nu)] as const;
    const dNu = [g(x.mu, x.nu + h), g(x.mu, x.nu - h)] as const;
    const fd = [
      [(dMu[0].mean - dMu[1].mean) / (2 * h), (dNu[0].mean - dNu[1].mean) / (2 * h)],
      [(dMu[0].variance - dMu[1].variance) / (2 * h), (dNu[0].variance - dNu[1].variance) / (2 * h)],
    ];
    // 1e-8: central differences have truncation error ~h^2 = 1e-12 and rounding error ~eps/h = 2e-10.
    assertMatrix(H, fd, 1e-8, 'H vs finite differences');
  }
});

test('singular values of 2x2 matrices: closed form vs known cases', () => {
  assert.deepEqual(
    singularValues([
      [3, 0],
      [0, -2],
    ]),
    [3, 2],
  );
  const [a, b] = singularValues([
    [1, 2],
    [3, 4],
  ]);
  // sqrt of eigenvalues of A^T A = [[10, 14], [14, 20]]: (15 +- sqrt(221)).
  assertRel(a, Math.sqrt(15 + Math.sqrt(221)), 1e-15, 's1');
  assertRel(b, Math.sqrt(15 - Math.sqrt(221)), 1e-14, 's2');
  assert.deepEqual(
    singularValues([
      [0, 0],
      [0, 0],
    ]),
    [0, 0],
  );
  assert.equal(
    spectralNorm([
      [0, 5],
      [0, 0],
    ]),
    5,
  );
});
