// The same statistics as SNN Lab's trainer: snn_lab's on-device reductions (PyTorch) and src/core/statistics.ts
// (what the tfjs trainer reports) agree on identical float32 values. Both sum in float64 and interpolate the same
// order statistics, so moments agree to 1e-12 relative, percentiles and histogram counts exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadUnitFraction, distribution, saturatedFraction, weightStats } from '../../src/core/statistics';
import { alphaPrimeOf } from '../../src/core/theory/constants';
import { pythonJson } from '../shared/python';

interface Case {
  name: string;
  values: number[];
  rows: number;
  units: number;
  activation: string;
  distribution: ReturnType<typeof distribution>;
  saturated: number;
  dead: number;
}

interface Weights {
  values: number[];
  fanIn: number;
  units: number;
  stats: Record<string, number>;
}

const RANGE = 4;
const BINS = 16;
const CODE = String.raw`
import json, torch
from snn_lab import _stats as s
from snn_lab._store import encode_numbers
torch.manual_seed(7)
def case(name, x, activation):
    x = x.float()
    d = s.unpack_distribution(s.distribution_vector(x, ${RANGE}, ${BINS}).tolist(), 0, ${BINS}, ${RANGE})
    saturated, dead = s.activation_vector(x, activation, -1).tolist()
    return {"name": name, "values": x.reshape(-1).tolist(), "rows": x.shape[0], "units": x.shape[1],
            "activation": activation, "distribution": d, "saturated": saturated, "dead": dead}
z = torch.randn(300, 40) * 1.7 + 0.3
cases = [
    case("gaussian pre-activations", z, "none"),
    case("SELU activations with saturated units", torch.selu(z * 3 - 6), "selu"),
    case("ReLU activations with dead units", torch.relu(z * torch.tensor([0.0] * 10 + [1.0] * 30)), "relu"),
    case("ties and out-of-range values", torch.round(z * 2) / 2 * 3, "none"),
    case("a batch of 2", z[:2, :1], "none"),
    case("values on and one float32 step off every bin edge", (torch.linspace(-4, 4, 17).repeat(3, 1)
         * torch.tensor([[1 - 2**-23], [1.0], [1 + 2**-23]])).t(), "none"),
    case("NaN and infinite values", torch.tensor([[1.0, float("nan")], [float("inf"), -2.0], [float("-inf"), 0.5]]), "none"),
]
w = torch.randn(24, 56) * 0.13  # [units, fan_in]
weights = {"values": w.t().reshape(-1).tolist(), "fanIn": 56, "units": 24,
           "stats": dict(zip(s.WEIGHT_FIELDS, s.weight_vector(w).tolist()))}
print(json.dumps(encode_numbers({"cases": cases, "weights": weights}), allow_nan=False))
`;

/** Undoes the run store's encoding of non-finite numbers as strings, everywhere in a parsed value. */
function decode<T>(value: T): T {
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value) as T;
  if (Array.isArray(value)) return value.map(decode) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)])) as T;
  }
  return value;
}

function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) return assert.ok(Number.isNaN(actual), `${what}: ${actual} should be NaN`);
  if (!Number.isFinite(expected)) return assert.equal(actual, expected, what);
  const tolerance = 1e-12 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

describe('snn_lab statistics equal src/core/statistics.ts on the same float32 values', () => {
  const { cases, weights } = decode(pythonJson<{ cases: Case[]; weights: Weights }>(CODE));
  for (const c of cases) {
    it(c.name, () => {
      const values = Float32Array.from(c.values);
      const expected = distribution(values, RANGE, BINS);
      close(c.distribution.mean, expected.mean, 'mean');
      close(c.distribution.variance, expected.variance, 'variance');
      close(c.distribution.min, expected.min, 'min'); // numeric equality: -0 and 0 are the same minimum
      close(c.distribution.max, expected.max, 'max');
      c.distribution.percentiles.forEach((p, i) =>
        close(p, expected.percentiles[i] ?? NaN, `percentile ${i}`),
      );
      assert.deepEqual(c.distribution.histogram, expected.histogram);
      const saturation = c.activation === 'selu' ? saturatedFraction(values, alphaPrimeOf()) : 0;
      close(c.saturated, saturation, 'saturated');
      const dead = c.activation === 'relu' ? deadUnitFraction(values, c.rows, c.units) : 0;
      close(c.dead, dead, 'dead');
    });
  }

  it('weight mean/variance and per-unit omega/tau', () => {
    const expected = weightStats(Float32Array.from(weights.values), weights.fanIn, weights.units);
    for (const [key, value] of Object.entries(expected)) close(weights.stats[key] ?? NaN, value, key);
  });

  it('the cases exercise saturation and dead units (not all zero)', () => {
    assert.ok((cases.find((c) => c.activation === 'selu')?.saturated ?? 0) > 0.01);
    assert.ok((cases.find((c) => c.activation === 'relu')?.dead ?? 0) >= 0.25);
  });
});
