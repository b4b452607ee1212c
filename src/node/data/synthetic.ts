/**
 * Seeded synthetic classification tasks: gaussian blobs, two moons, spirals, xor and a "teacher network" (labels
 * from a random SELU network with LeCun-normal weights). Features beyond the task's own dimensions are pure noise.
 */
import type { SyntheticDataConfig } from '../../core/config/experimentConfig';
import { SELU_ALPHA, SELU_LAMBDA } from '../../core/theory/constants';
import { createRng, type Rng } from '../../core/random';
import type { RawTable } from './table';

/** Hidden width of the teacher network. */
const TEACHER_WIDTH = 32;

function teacherLabels(x: Float32Array, n: number, d: number, classes: number, rng: Rng): Float32Array {
  const layer = (fanIn: number, fanOut: number): Float64Array => {
    const w = new Float64Array(fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() / Math.sqrt(fanIn);
    return w;
  };
  const sizes = [d, TEACHER_WIDTH, TEACHER_WIDTH, classes];
  const weights = sizes.slice(1).map((fanOut, i) => layer(sizes[i] as number, fanOut));
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    let h = Array.from(x.subarray(s * d, (s + 1) * d));
    weights.forEach((w, l) => {
      const fanOut = sizes[l + 1] as number;
      const next = new Array<number>(fanOut).fill(0);
      for (let i = 0; i < h.length; i++) {
        for (let j = 0; j < fanOut; j++) {
          next[j] = (next[j] as number) + (h[i] as number) * (w[i * fanOut + j] as number);
        }
      }
      const last = l === weights.length - 1;
      h = last ? next : next.map((v) => (v > 0 ? SELU_LAMBDA * v : SELU_LAMBDA * SELU_ALPHA * Math.expm1(v)));
    });
    y[s] = h.indexOf(Math.max(...h));
  }
  return y;
}

/** Generates the task of `config` deterministically from `seed`. */
export function generateSynthetic(config: SyntheticDataConfig, seed: number): RawTable {
  const rng = createRng(seed);
  const n = config.samples;
  const d = config.features;
  const twoClass = config.kind === 'moons' || config.kind === 'xor';
  const classes = twoClass ? 2 : config.classes;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  const centers = Array.from({ length: classes }, () => Array.from({ length: d }, () => 3 * rng.normal()));
  for (let s = 0; s < n; s++) {
    const label = s % classes;
    y[s] = label;
    const row = new Array<number>(d).fill(0);
    if (config.kind === 'blobs') {
      for (let j = 0; j < d; j++) row[j] = (centers[label]?.[j] ?? 0) + rng.normal();
    } else if (config.kind === 'moons') {
      const t = Math.PI * rng.next();
      row[0] = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
      if (d > 1) row[1] = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    } else if (config.kind === 'spirals') {
      const r = rng.next();
      const theta = (2 * Math.PI * label) / classes + 3.5 * Math.PI * r;
      row[0] = r * Math.cos(theta);
      if (d > 1) row[1] = r * Math.sin(theta);
    } else if (config.kind === 'xor') {
      const a = 2 * rng.next() - 1;
      const b = d > 1 ? (label === 1 ? Math.sign(a) : -Math.sign(a)) * rng.next() : 0;
      row[0] = a;
      if (d > 1) row[1] = b;
    } else {
      for (let j = 0; j < d; j++) row[j] = rng.normal();
    }
    for (let j = 0; j < d; j++) x[s * d + j] = (row[j] as number) + config.noise * rng.normal();
  }
  const labels = config.kind === 'teacher' ? teacherLabels(x, n, d, classes, rng) : y;
  return {
    x,
    y: labels,
    n,
    features: d,
    featureNames: Array.from({ length: d }, (_, j) => `x${j}`),
    classNames: Array.from({ length: classes }, (_, k) => String(k)),
    task: 'classification',
    notes: [
      `synthetic ${config.kind}: ${n} samples, ${d} features, ${classes} classes, noise ${config.noise}`,
    ],
  };
}
