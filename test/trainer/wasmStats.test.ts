// Distributions reduced in wasm (src/trainer/wasmStats.ts, assembly/statistics.ts) against src/core/statistics.ts:
// the same float64 operations in the same order, so the results must be identical, value for value, on normal,
// ReLU-like (ties at 0), SELU-like, tiny, huge-spread and boundary inputs; the JS code's own cases (constant data,
// non-finite values, fewer than 3 values) go to it.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRng } from '../../src/core/random';
import { distribution } from '../../src/core/statistics';
import { initBackend } from '../../src/trainer/backend';
import { HeapBlock } from '../../src/trainer/heapBuffers';
import type { KernelModule, WasmBackend } from '../../src/trainer/kernelModule';
import { activeKernelModule } from '../../src/trainer/wasmKernels';
import { WasmDistributions } from '../../src/trainer/wasmStats';
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
        const reducer = new WasmDistributions(module, backend, MAX, range, bins);
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
    const reducer = new WasmDistributions(module, backend, 10, 5, 4);
    try {
      assert.throws(() => reducer.of(block.pointer(0), 11), /11 values exceed the 10 planned/);
    } finally {
      reducer.dispose();
    }
  });
});
