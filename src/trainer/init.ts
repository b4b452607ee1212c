/**
 * Weight initialisers drawn in JS from the run's seeded generator (so a seed gives the same weights on every
 * backend). lecun_normal is the untruncated N(0, 1/fan_in) SNNs need (docs/snn-spec.md §3.1, §3.3);
 * tfjs_lecun_normal reproduces tfjs 4.22's truncated normal without variance correction (0.7737/fan_in, tfjs #8594).
 */
import type { Init } from '../core/config/experimentConfig';
import type { Rng } from '../core/random';

/** Draws a [fanIn, units] weight matrix (row-major) for the named scheme. */
export function initWeights(init: Init, fanIn: number, units: number, rng: Rng): Float32Array {
  const n = fanIn * units;
  const out = new Float32Array(n);
  const normal = (std: number): void => {
    for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  };
  const uniform = (limit: number): void => {
    for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * limit;
  };
  switch (init) {
    case 'lecun_normal':
      normal(Math.sqrt(1 / fanIn));
      break;
    case 'lecun_uniform':
      // U(-sqrt(3/fan_in), sqrt(3/fan_in)) has variance 1/fan_in.
      uniform(Math.sqrt(3 / fanIn));
      break;
    case 'he_normal':
      normal(Math.sqrt(2 / fanIn));
      break;
    case 'glorot_uniform':
      uniform(Math.sqrt(6 / (fanIn + units)));
      break;
    case 'tfjs_lecun_normal': {
      // tfjs truncatedNormal: redraw samples outside +-2 sigma, then scale by sigma (no 0.8796 correction).
      const std = Math.sqrt(1 / fanIn);
      for (let i = 0; i < n; i++) {
        let z = rng.normal();
        while (Math.abs(z) > 2) z = rng.normal();
        out[i] = z * std;
      }
      break;
    }
    default:
      throw new Error(`unknown init ${String(init satisfies never)}`);
  }
  return out;
}
