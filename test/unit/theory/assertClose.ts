/** Relative/absolute closeness assertion shared by the theory unit tests. */
import assert from 'node:assert/strict';

/**
 * Asserts |actual - expected| <= tol * max(|expected|, floor), i.e. relative tolerance with an absolute floor
 * (default floor 1, which makes the check absolute for |expected| < 1 — pass a smaller floor for purely
 * relative checks of small values).
 */
export function assertClose(actual: number, expected: number, tol: number, what: string, floor = 1): void {
  const scale = Math.max(Math.abs(expected), floor);
  const err = Math.abs(actual - expected);
  assert.ok(
    Number.isFinite(actual) && err <= tol * scale,
    `${what}: got ${actual}, expected ${expected} (error ${err.toExponential(2)} > ${tol} * ${scale})`,
  );
}

/** Purely relative check (floor 0): |actual - expected| <= tol * |expected|, exact when expected is 0. */
export function assertRel(actual: number, expected: number, tol: number, what: string): void {
  assertClose(actual, expected, tol, what, 0);
}
