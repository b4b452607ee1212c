// Training losses of the fused MLP step (src/trainer/wasmMlp.ts) and their gradients with respect to the network's
// outputs, as tfjs's tf.losses compute them (mean over the batch; float64 here). exp and log are written out below
// because AssemblyScript's Math.exp and Math.log use lookup tables, i.e. a data segment, which this module must not
// have (it would overwrite tfjs's heap when instantiated).

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;

/** eˣ for x ≤ 0: x = n·ln2 + r, |r| ≤ ln2/2, eʳ by its Taylor series to r¹¹ (error < 1e-13 relative). */
function expNonPositive(x: f64): f64 {
  if (x < -708) return x != x ? x : 0;
  const n = Math.round(x * 1.4426950408889634);
  const r = x - n * LN2_HI - n * LN2_LO;
  let p = 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * reinterpret<f64>(<i64>(<i32>n + 1023) << 52);
}

/** ln x for x ≥ 1 (a sum of exponentials with the largest equal to 1): x = m·2ᵉ, ln m = 2·atanh((m − 1)/(m + 1)). */
function logAtLeastOne(x: f64): f64 {
  if (!(x < Infinity)) return x;
  const bits = reinterpret<i64>(x);
  let e = <i32>(bits >> 52) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e++;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let sum = 0.0;
  for (let k = 21; k >= 1; k -= 2) sum = sum * s2 + 1 / <f64>k;
  return 2 * s * sum + <f64>e * (LN2_HI + LN2_LO);
}

/**
 * Mean softmax cross-entropy of rows×classes logits against integer class labels (stored as float32), and
 * d = (softmax − onehot)/rows. Returns the loss (NaN when a logit is NaN; labels are checked by the caller).
 */
export function softmaxCrossEntropy(logits: usize, labels: usize, d: usize, rows: i32, classes: i32): f64 {
  const inv = 1.0 / <f64>rows;
  let total = 0.0;
  for (let i = 0; i < rows; i++) {
    const base = <usize>i * classes << 2;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, <f64>load<f32>(logits + base + (<usize>c << 2)));
    let sum = 0.0;
    for (let c = 0; c < classes; c++) {
      const e = expNonPositive(<f64>load<f32>(logits + base + (<usize>c << 2)) - max);
      store<f32>(d + base + (<usize>c << 2), <f32>e);
      sum += e;
    }
    const label = <i32>load<f32>(labels + (<usize>i << 2));
    total += max + logAtLeastOne(sum) - <f64>load<f32>(logits + base + (<usize>label << 2));
    const scale = inv / sum;
    for (let c = 0; c < classes; c++) {
      const at = d + base + (<usize>c << 2);
      // The exponential was stored as float32: its relative rounding (6e-8) stays within float32's own.
      store<f32>(at, <f32>(<f64>load<f32>(at) * scale - (c == label ? inv : 0.0)));
    }
  }
  return total * inv;
}

/** Mean squared error of n outputs against n targets, and d = 2(output − target)/n. */
export function meanSquaredError(outputs: usize, targets: usize, d: usize, n: i32): f64 {
  let total = 0.0;
  const inv = 1.0 / <f64>n;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const diff = <f64>load<f32>(outputs + o) - <f64>load<f32>(targets + o);
    total += diff * diff;
    store<f32>(d + o, <f32>(2 * diff * inv));
  }
  return total * inv;
}
