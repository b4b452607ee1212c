#!/usr/bin/env node
// @ts-check
// Generates examples/data/orchard.csv: a small, realistic-looking tabular data set (apple measurements and
// their variety) drawn from a seeded generator, so the example needs no download. Run: node examples/data/make-orchard.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * mulberry32 (public domain), the same generator as src/core/random.ts.
 * @param {number} seed
 * @returns {() => number} uniform numbers in [0, 1)
 */
function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = rng(2017);
const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());

// Per variety: mean and spread of weight (g), diameter (mm), sugar (deg Brix), acidity (pH), firmness (N), hue (deg).
const varieties = {
  gala: { n: 110, mean: [150, 70, 13.5, 3.8, 70, 20], sd: [20, 5, 1.2, 0.15, 8, 8] },
  fuji: { n: 95, mean: [200, 80, 15.5, 3.9, 75, 15], sd: [25, 6, 1.3, 0.15, 9, 7] },
  granny_smith: { n: 85, mean: [180, 76, 11.0, 3.3, 85, 95], sd: [22, 5, 1.0, 0.12, 9, 10] },
};
const header = [
  'weight_g',
  'diameter_mm',
  'sugar_brix',
  'acidity_ph',
  'firmness_n',
  'hue_deg',
  'orchard_row',
  'variety',
];
const digits = [0, 1, 1, 2, 1, 0, 0];
const rows = [];
for (const [name, { n, mean, sd }] of Object.entries(varieties)) {
  for (let i = 0; i < n; i++) {
    const size = normal();
    const values = mean.map((m, j) => m + sd[j] * (j < 2 ? 0.8 * size + 0.6 * normal() : normal()));
    values.push(1 + Math.floor(next() * 12));
    rows.push([...values.map((v, j) => v.toFixed(digits[j])), name]);
  }
}
for (let i = rows.length - 1; i > 0; i--) {
  const j = Math.floor(next() * (i + 1));
  [rows[i], rows[j]] = [rows[j], rows[i]];
}
const out = join(dirname(fileURLToPath(import.meta.url)), 'orchard.csv');
writeFileSync(out, [header, ...rows].map((row) => row.join(',')).join('\n') + '\n');
console.log(`wrote ${rows.length} rows to ${out}`);
