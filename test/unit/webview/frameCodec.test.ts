/** The column-wise frame codec: lossless up to 6 significant digits, NaN survives JSON (as null). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame, encodeFrame, round6 } from '../../../src/protocol/frameCodec';
import type { LayerFrame, Moments } from '../../../src/protocol/webview';

const m = (mean: number): Moments => ({
  mean,
  variance: 1.23456789,
  min: -3,
  max: 3,
  percentiles: [-3, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 3].map((p) => p + mean),
});
const frame: LayerFrame = {
  step: 40,
  epoch: 1,
  layers: [0, 1, 2].map((layer) => ({
    layer,
    units: 64,
    pre: m(0.1 * layer),
    post: m(-0.2 * layer),
    saturated: 0.01,
    dead: 0,
    weights: {
      mean: 0,
      variance: 1 / 64,
      omegaMean: 0.0123456789,
      omegaStd: 0.1,
      tauMean: 1.00001234,
      tauStd: 0.05,
    },
    gradNorm: layer === 1 ? Number.NaN : 3.14159265,
    updateRatio: 1e-3,
  })),
};

test('round6 keeps 6 significant digits and leaves 0, NaN and infinities alone', () => {
  assert.equal(round6(3.14159265), 3.14159);
  assert.equal(round6(-0.000123456789), -0.000123457);
  assert.equal(round6(0), 0);
  assert.ok(Number.isNaN(round6(Number.NaN)));
  assert.equal(round6(Infinity), Infinity);
  // Equal to toPrecision(6) over 12 decades and both signs (random values: exact decimal ties have measure zero).
  let seed = 7;
  const next = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 20_000; i++) {
    const x = (next() - 0.5) * 10 ** (Math.floor(next() * 24) - 12);
    assert.equal(round6(x), Number(x.toPrecision(6)), `${x}`);
  }
  assert.equal(round6(1e300), 1e300);
  assert.equal(round6(1.234567e-300), 1.23457e-300);
});

test('encode -> JSON -> decode restores every field to 6 significant digits, NaN included', () => {
  const wire = JSON.parse(JSON.stringify(encodeFrame(frame))) as ReturnType<typeof encodeFrame>;
  assert.equal(wire.gradNorm[1], null, 'JSON carries NaN as null');
  const back = decodeFrame(wire);
  assert.equal(back.layers.length, 3);
  back.layers.forEach((l, i) => {
    const o = frame.layers[i]!;
    assert.equal(l.layer, i);
    assert.equal(l.units, 64);
    // 6 significant digits: relative error <= 5e-6.
    const close = (a: number, b: number) =>
      assert.ok(Math.abs(a - b) <= 5e-6 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
    close(l.post.variance, o.post.variance);
    close(l.weights.omegaMean, o.weights.omegaMean);
    close(l.weights.tauMean, o.weights.tauMean);
    l.pre.percentiles.forEach((p, k) => close(p, o.pre.percentiles[k]!));
    if (i === 1) assert.ok(Number.isNaN(l.gradNorm));
    else close(l.gradNorm, o.gradNorm);
  });
  assert.ok(JSON.stringify(wire).length < JSON.stringify(frame).length * 0.75, 'the wire form is smaller');
});

test('W x + b before the norm travels as its own columns only when a layer has it, and comes back per layer', () => {
  assert.equal(encodeFrame(frame).linear, undefined, 'no norm: no linear columns');
  // A PyTorch-style model: a norm after layers 0 and 2 only.
  const normed: LayerFrame = {
    ...frame,
    layers: frame.layers.map((l, i) => (i === 1 ? l : { ...l, linear: m(2 + i) })),
  };
  const wire = JSON.parse(JSON.stringify(encodeFrame(normed))) as ReturnType<typeof encodeFrame>;
  assert.deepEqual(wire.linear?.mean, [2, null, 4]);
  assert.deepEqual(wire.linear?.percentiles[1], []);
  const back = decodeFrame(wire);
  assert.equal(back.layers[1]?.linear, undefined);
  assert.equal(back.layers[0]?.linear?.mean, 2);
  assert.deepEqual(back.layers[2]?.linear?.percentiles, m(4).percentiles);
  assert.equal(back.layers[2]?.linear?.variance, round6(1.23456789));
});
