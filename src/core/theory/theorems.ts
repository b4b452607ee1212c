/**
 * The domains of Theorems 1-3 of Klambauer et al. 2017 as data, and a check that says for one (mu, omega, nu,
 * tau) which theorem's box contains it, which conditions fail, and what g does there.
 */
import { DEFAULT_SELU, SELU_ALPHA, SELU_LAMBDA, type SeluParams } from './constants';
import { jacobian, meanVarianceMap, spectralNorm, type MapInput } from './meanVarianceMap';

/** A closed interval [min, max]. */
export type Interval = readonly [number, number];

/** An axis-aligned box in (mu, omega, nu, tau). */
export interface TheoremBox {
  mu: Interval;
  omega: Interval;
  nu: Interval;
  tau: Interval;
}

/** One theorem: its boxes (the statement holds on their union) and what it claims there. */
export interface TheoremDomain {
  name: string;
  claim: string;
  source: string;
  boxes: readonly TheoremBox[];
}

/** Theorems 1-3 (paper §2 and appendix A2/A3; all assume alpha01, lambda01). */
export const THEOREM_DOMAINS = {
  theorem1: {
    name: 'Theorem 1 (stable and attracting fixed point)',
    claim:
      'g is a contraction (largest singular value of H < 1) with a stable, attracting fixed point in ' +
      'mu in [-0.03106, 0.06773], nu in [0.80009, 1.48617]',
    source: 'Klambauer et al. 2017, Theorem 1, appendix A3.1',
    boxes: [{ mu: [-0.1, 0.1], omega: [-0.1, 0.1], nu: [0.8, 1.5], tau: [0.95, 1.1] }],
  },
  theorem2: {
    name: 'Theorem 2 (variance decreases from above)',
    claim: 'nu~ < nu: large variances shrink, so every fixed point has nu < 3 (no exploding gradients)',
    source: 'Klambauer et al. 2017, Theorem 2, appendix A3.2',
    boxes: [{ mu: [-1, 1], omega: [-0.1, 0.1], nu: [3, 16], tau: [0.8, 1.25] }],
  },
  theorem3: {
    name: 'Theorem 3 (variance increases from below)',
    claim: 'nu~ > nu: small variances grow (no vanishing gradients)',
    source: 'Klambauer et al. 2017, Theorem 3 (main text: nu >= 0.02; appendix A2.3 says 0.05)',
    boxes: [
      { mu: [-0.1, 0.1], omega: [-0.1, 0.1], nu: [0.02, 0.16], tau: [0.8, 1.25] },
      { mu: [-0.1, 0.1], omega: [-0.1, 0.1], nu: [0.02, 0.24], tau: [0.9, 1.25] },
    ],
  },
} as const satisfies Record<string, TheoremDomain>;

/** The fixed-point region that Theorem 1 guarantees. */
export const THEOREM1_FIXED_POINT_REGION = {
  mean: [-0.03106, 0.06773],
  variance: [0.80009, 1.48617],
} as const;

/** Outcome for one theorem at one input. */
export interface TheoremCheck {
  /** The input lies in one of the theorem's boxes and (alpha, lambda) are alpha01, lambda01 (within 1e-9). */
  holds: boolean;
  /** Index of the first box that contains the input, or -1. */
  box: number;
  /** Human-readable reasons why it does not hold (for the closest box), empty when it holds. */
  failed: string[];
}

/** Result of {@link checkTheorems}. */
export interface TheoremsReport {
  theorem1: TheoremCheck & { spectralNorm: number; contraction: boolean };
  theorem2: TheoremCheck & { varianceChange: number; varianceDecreases: boolean };
  theorem3: TheoremCheck & { varianceChange: number; varianceIncreases: boolean };
}

/**
 * Relative tolerance within which (alpha, lambda) count as (alpha01, lambda01). The theorems are stated for those
 * constants; 1e-9 accepts them typed to 10 or more significant digits (the CLI's `--alpha 1.67326324235`) and as
 * solved back by seluParams for the target (0, 1) (round-off ~1e-15), and rejects every value a person picks as
 * different (the explorer's slider step is 1e-3).
 */
export const SELU_PARAMS_TOLERANCE = 1e-9;

/** True when `p` equals (alpha01, lambda01) within {@link SELU_PARAMS_TOLERANCE} (relative). */
export function isStandardSelu(p: SeluParams): boolean {
  const near = (value: number, target: number): boolean =>
    Math.abs(value - target) <= SELU_PARAMS_TOLERANCE * Math.abs(target);
  return near(p.alpha, SELU_ALPHA) && near(p.lambda, SELU_LAMBDA);
}

/** A number for messages: 4 significant digits, trailing zeros dropped (1.0000000000000009 -> "1"). */
export function formatValue(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0 || Math.abs(value) < 1e-12) return '0';
  return String(Number(value.toPrecision(digits)));
}

function boxFailures(input: MapInput, box: TheoremBox): string[] {
  return (['mu', 'omega', 'nu', 'tau'] as const).flatMap((key) => {
    const [lo, hi] = box[key];
    const value = input[key];
    return value >= lo && value <= hi ? [] : [`${key} = ${formatValue(value)} outside [${lo}, ${hi}]`];
  });
}

function check(input: MapInput, domain: TheoremDomain, p: SeluParams): TheoremCheck {
  const failures = domain.boxes.map((box) => boxFailures(input, box));
  const box = failures.findIndex((f) => f.length === 0);
  const closest = failures.reduce((best, f) => (f.length < best.length ? f : best));
  const failed = box >= 0 ? [] : [...closest];
  const standard = isStandardSelu(p);
  if (!standard) {
    failed.push(
      `alpha = ${formatValue(p.alpha)}, lambda = ${formatValue(p.lambda)}: the theorem assumes alpha01 = ` +
        `${formatValue(SELU_ALPHA, 8)}, lambda01 = ${formatValue(SELU_LAMBDA, 8)}`,
    );
  }
  return { holds: box >= 0 && standard, box, failed };
}

/**
 * Says which theorem's box holds for (mu, omega, nu, tau) and evaluates the quantity each theorem is about:
 * the spectral norm of H (Theorem 1) and nu~ - nu (Theorems 2 and 3), with parameters `p`.
 * @throws RangeError when the input is invalid (see meanVarianceMap).
 */
export function checkTheorems(input: MapInput, p: SeluParams = DEFAULT_SELU): TheoremsReport {
  const norm = spectralNorm(jacobian(input, p));
  const change = meanVarianceMap(input, p).variance - input.nu;
  return {
    theorem1: {
      ...check(input, THEOREM_DOMAINS.theorem1, p),
      spectralNorm: norm,
      contraction: norm < 1,
    },
    theorem2: {
      ...check(input, THEOREM_DOMAINS.theorem2, p),
      varianceChange: change,
      varianceDecreases: change < 0,
    },
    theorem3: {
      ...check(input, THEOREM_DOMAINS.theorem3, p),
      varianceChange: change,
      varianceIncreases: change > 0,
    },
  };
}
