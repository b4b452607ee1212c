/**
 * Log-gamma, log-beta and the regularised incomplete beta function in float64, for the Student-t distribution of
 * the study tests. Our own code (not jstat or @stdlib) for the reasons measured in docs/studies.md#numerics:
 * jstat's Student-t is off by up to 9e-8, and @stdlib's t CDF/quantile/binomial CDF pull 235 packages and
 * 185 kB of minified code into a webview bundle. Accuracy against scipy: test/unit/study/distributions.test.ts.
 */

const HALF_LN_2PI = 0.9189385332046728; // ln(2*pi)/2, correctly rounded
/** Lanczos approximation, g = 7, 9 terms (Godfrey's coefficients, as in Numerical Recipes 3rd ed. sec. 6.1). */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
/** From this argument on, ln Gamma uses Stirling's series (its correction term delta is then < 1e-16 off). */
const STIRLING_FROM = 10;

/**
 * delta(x) = ln Gamma(x) - ((x - 1/2) ln x - x + ln(2 pi)/2), Stirling's remainder, by its asymptotic series
 * (Bernoulli numbers B2..B14); for x >= 10 the first omitted term is below 1e-17.
 */
function stirlingRemainder(x: number): number {
  const r = 1 / (x * x);
  const series =
    1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - r * (691 / 360360 - r / 156)))));
  return series / x;
}

/** ln Gamma(x) for x > 0 (Lanczos below 10, Stirling's series from 10 on); absolute error ~1e-15 * max(1, |ln Gamma|). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x >= STIRLING_FROM) return (x - 0.5) * Math.log(x) - x + HALF_LN_2PI + stirlingRemainder(x);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b), a, b > 0, written so that large arguments do not cancel
 * (the way of Didonato & Morris 1992, ACM TOMS 708): Stirling's remainders and log1p for the big terms.
 */
export function logBeta(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (!(lo > 0)) return Number.NaN;
  if (hi < STIRLING_FROM) return logGamma(lo) + logGamma(hi) - logGamma(lo + hi);
  const sum = lo + hi;
  const remainders = stirlingRemainder(hi) - stirlingRemainder(sum);
  if (lo < STIRLING_FROM) {
    // ln Gamma(hi) - ln Gamma(hi + lo) = -(hi - 1/2) log1p(lo/hi) - lo ln(hi + lo) + lo + remainders
    return logGamma(lo) - (hi - 0.5) * Math.log1p(lo / hi) - lo * Math.log(sum) + lo + remainders;
  }
  return (
    HALF_LN_2PI -
    0.5 * Math.log(hi) +
    (lo - 0.5) * Math.log(lo / sum) -
    hi * Math.log1p(lo / hi) +
    stirlingRemainder(lo) +
    remainders
  );
}

const CF_TINY = 1e-300;
const CF_EPS = 1e-16;
const CF_MAX_TERMS = 100_000;

/**
 * The continued fraction of I_x(a, b) (Numerical Recipes 3rd ed. eq. 6.4.5) by the modified Lentz method;
 * converges quickly for x < (a + 1)/(a + b + 2).
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_TERMS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= CF_EPS) return h;
  }
  return Number.NaN;
}

/** Both tails of the beta distribution at one point: lower = I_x(a, b), upper = 1 - I_x(a, b). */
export interface BetaTails {
  lower: number;
  upper: number;
}

/**
 * The regularised incomplete beta function I_x(a, b) and its complement. The tail on the side where the continued
 * fraction converges (the smaller one there) is computed directly, the other as 1 minus it, so tiny tails keep
 * their relative accuracy. `x` and `y = 1 - x` are both passed so that a caller
 * who knows the complement exactly (e.g. t^2/(nu + t^2)) loses nothing to the subtraction 1 - x.
 */
export function incompleteBeta(a: number, b: number, x: number, y: number = 1 - x): BetaTails {
  if (!(a > 0 && b > 0) || !(x >= 0 && y >= 0) || Number.isNaN(x + y)) {
    return { lower: Number.NaN, upper: Number.NaN };
  }
  if (x === 0) return { lower: 0, upper: 1 };
  if (y === 0) return { lower: 1, upper: 0 };
  const lnX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const lnY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const logFront = a * lnX + b * lnY - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
    return { lower, upper: 1 - lower };
  }
  const upper = (Math.exp(logFront) * betaContinuedFraction(b, a, y)) / b;
  return { lower: 1 - upper, upper };
}
