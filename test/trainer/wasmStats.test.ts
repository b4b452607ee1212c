// Layer statistics reduced in wasm (src/trainer/wasmStats.ts, assembly/statistics.ts) against src/core/statistics.ts:
// the same float64 operations in the same order, so the results must be identical, value for value: distributions
// on normal, ReLU-like (ties at 0), SELU-like, tiny, huge-spread and boundary inputs (the JS code's own cases —
// constant data, non-finite values, fewer than 3 values — go to it), weight statistics, saturated and dead units.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRng } from '../../src/core/random';
import { deadUnitFraction, distribution, saturatedFraction, weightStats } from '../../src/core/statistics';
import { initBackend } from '../../src/trainer/backend';
import { HeapBlock } from '../../src/trainer/heapBuffers';
import type { KernelModule, WasmBackend } from '../../src/trainer/kernelModule';
import { activeKernelModule } from '../../src/trainer/wasmKernels';
import { WasmLayerStats } from '../../src/trainer/wasmStats';
import { REPO_ROOT } from './helpers/forkTrainer';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');

const MAX = 40_000;
let module: KernelModule;
let backend: WasmBackend;
let block: HeapBlock;

const rng = createRng(12);
const cases: [string, Float32Array][] = [
  ['normal, 8,192 values', Float32Array.from({ length: 8192 }, () => rng.normal())],
  ['ReLU outputs (half exact zeros)', Float32Array.from({ length: 8192 }, () => Math.max(0, rng.normal()))],
  [
    'SELU outputs with alpha-dropped values',
    Float32Array.from({ length: 32768 }, () => {
      const z = rng.normal();
      return rng.next() < 0.05 ? -1.7580993 : z > 0 ? 1.0507 * z : 1.7581 * Math.expm1(z);
    }),
  ],
  ['3 values', Float32Array.from([2, -1, 0.5])],
  ['9 values (one bucket)', Float32Array.from({ length: 9 }, () => rng.normal())],
  ['17 values', Float32Array.from({ length: 17 }, () => rng.normal())],
  ['a few distinct values, many ties', Float32Array.from({ length: 5000 }, () => rng.int(4) - 1.5)],
  ['huge spread', Float32Array.from({ length: 4000 }, () => rng.normal() * 10 ** rng.int(30))],
  [
    'histogram boundaries',
    Float32Array.from({ length: 400 }, (_, i) => [-5, 5, -5.000001, 4.999999][i % 4] as number),
  ],
  ['constant (JS path)', new Float32Array(100).fill(0.25)],
  ['with NaN (JS path)', Float32Array.from({ length: 100 }, (_, i) => (i === 50 ? NaN : i))],
  ['with Infinity (JS path)', Float32Array.from({ length: 100 }, (_, i) => (i === 7 ? Infinity : -i))],
  ['2 values (JS path)', Float32Array.from([1, 2])],
];

describe('distributions reduced in wasm', () => {
  before(async () => {
    const handle = await initBackend('wasm');
    const active = activeKernelModule(handle.tf);
    assert.ok(active, JSON.stringify(handle.info));
    module = active;
    backend = handle.tf.backend() as unknown as WasmBackend;
    block = new HeapBlock(backend, module, [MAX]);
  });
  after(() => block.dispose());

  for (const bins of [2, 40, 512]) {
    for (const [name, values] of cases) {
      it(`equals core distribution() exactly: ${name}, ${bins} bins`, () => {
        const range = 5;
        const reducer = new WasmLayerStats(module, backend, { maxValues: MAX, maxUnits: 512 }, range, bins);
        try {
          const ptr = block.pointer(0);
          block.view(ptr, values.length).set(values);
          assert.deepEqual(reducer.of(ptr, values.length), distribution(values, range, bins));
        } finally {
          reducer.dispose();
        }
      });
    }
  }

  it('refuses more values than it was planned for', () => {
    const reducer = new WasmLayerStats(module, backend, { maxValues: 10, maxUnits: 4 }, 5, 4);
    try {
      assert.throws(() => reducer.of(block.pointer(0), 11), /11 values exceed the 10 planned/);
      assert.throws(() => reducer.weights(block.pointer(0), 1, 5), /5 units exceed the 4 planned/);
    } finally {
      reducer.dispose();
    }
  });

  it('gives the weight statistics, saturated and dead fractions of core/statistics exactly', () => {
    const reducer = new WasmLayerStats(module, backend, { maxValues: MAX, maxUnits: 512 }, 5, 40);
    try {
      const ptr = block.pointer(0);
      for (const [fanIn, units] of [
        [64, 64],
        [784, 37],
        [3, 1],
      ] as const) {
        const w = Float32Array.from({ length: fanIn * units }, () => rng.normal() / Math.sqrt(fanIn));
        block.view(ptr, w.length).set(w);
        assert.deepEqual(
          reducer.weights(ptr, fanIn, units),
          weightStats(w, fanIn, units),
          `${fanIn}×${units}`,
        );
      }
      const saturation = -1.7580993408473766;
      const post = Float32Array.from({ length: 128 * 13 }, (_, i) =>
        i % 7 === 0 ? saturation * (1 + (rng.next() - 0.5) * 4e-3) : i % 13 === 5 ? 0 : rng.normal(),
      );
      block.view(ptr, post.length).set(post);
      assert.equal(reducer.saturated(ptr, post.length, saturation), saturatedFraction(post, saturation));
      assert.ok(reducer.saturated(ptr, post.length, saturation) > 0.05, 'some values are saturated');
      const relu = post.map((v, i) => (i % 13 === 5 || i % 13 === 9 ? 0 : Math.max(0, v)));
      block.view(ptr, relu.length).set(relu);
      assert.equal(reducer.dead(ptr, 128, 13), deadUnitFraction(relu, 128, 13));
      assert.equal(reducer.dead(ptr, 128, 13), 2 / 13, 'units 5 and 9 are zero in every row');
    } finally {
      reducer.dispose();
    }
  });
});
