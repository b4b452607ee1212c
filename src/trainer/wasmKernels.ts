/**
 * SNN Lab's own wasm SIMD kernels (assembly/kernels.ts → dist/wasm/snn-kernels.wasm), registered as tfjs kernels of
 * the wasm backend with their gradients: a dense layer x·W + b, SELU, Adam and the products of their gradients.
 * The module shares tfjs-backend-wasm's linear memory, so kernels read and write tfjs tensors where they lie.
 * Why: on a training step tfjs's wasm matMul repacks its second operand for XNNPACK on every call (every operand is
 * new each step), transposes are scalar loops, and SELU and Adam take 5–12 kernels each (docs/performance.md).
 */
import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Tf } from './tf';

/** File name of the compiled module, next to tfjs's .wasm files. */
export const SNN_KERNELS_FILE = 'snn-kernels.wasm';

interface Exports {
  matmul(
    a: number,
    aRow: number,
    aK: number,
    b: number,
    bRow: number,
    bCol: number,
    c: number,
    bias: number,
    m: number,
    k: number,
    n: number,
    scratch: number,
  ): void;
  scratchBytes(k: number, n: number): number;
  sumSquares(x: number, len: number): number;
  sumSquaredDiff(a: number, b: number, len: number): number;
  selu(z: number, y: number, len: number, lambda: number, lambdaAlpha: number): void;
  seluGrad(dy: number, y: number, dz: number, len: number, lambda: number, lambdaAlpha: number): void;
  columnSums(x: number, out: number, rows: number, cols: number): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    wOut: number,
    mOut: number,
    vOut: number,
    len: number,
    c1: number,
    c2: number,
    alpha: number,
    epsHat: number,
  ): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm used here (public fields of its class). */
interface WasmBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  wasm: { asm: { memory: object }; _malloc(bytes: number): number; _free(ptr: number): void };
}

/** Node's WebAssembly global (the trainer's tsconfig has no DOM lib, where its types live). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Inputs = Record<string, TensorInfo>;
type Attrs = Record<string, unknown>;

let kernels: Exports | undefined;

function offset(backend: WasmBackend, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error('snn kernels: tensor is not on the wasm backend');
  if (t.dtype !== 'float32') throw new Error(`snn kernels: expected float32, got ${t.dtype}`);
  return data.memoryOffset;
}

function input(inputs: Inputs, name: string, rank: number): TensorInfo {
  const t = inputs[name];
  if (!t || t.shape.length !== rank) {
    throw new Error(`snn kernels: input ${name} must be a rank-${rank} tensor`);
  }
  return t;
}

const size = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1);

/** One scratch block on tfjs's heap for the products' packed panels, grown as needed and never shrunk. */
const scratch = { ptr: 0, bytes: 0 };

function scratchFor(backend: WasmBackend, bytes: number): number {
  if (bytes > scratch.bytes) {
    if (scratch.ptr) backend.wasm._free(scratch.ptr);
    scratch.ptr = backend.wasm._malloc(bytes);
    if (!scratch.ptr) throw new Error(`snn kernels: could not allocate ${bytes} bytes of scratch`);
    scratch.bytes = bytes;
  }
  return scratch.ptr;
}

/** C = op(a)·op(b) (+ bias), op transposing when attrs.transposeA / transposeB is set: read with strides. */
function matMul(
  k: Exports,
  backend: WasmBackend,
  inputs: Inputs,
  attrs: Attrs,
  bias?: TensorInfo,
): TensorInfo {
  const a = input(inputs, 'a', 2);
  const b = input(inputs, 'b', 2);
  const tA = attrs.transposeA === true;
  const tB = attrs.transposeB === true;
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const [m, inner] = tA ? [ac, ar] : [ar, ac];
  const [innerB, n] = tB ? [bc, br] : [br, bc];
  if (inner !== innerB) {
    throw new Error(`snn kernels: matMul shapes [${a.shape}] and [${b.shape}] do not agree`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== n)) {
    throw new Error(`snn kernels: bias must be [${n}]`);
  }
  const out = backend.makeOutput([m, n], 'float32');
  if (m * n === 0) return out;
  const [aRow, aK] = tA ? [4, 4 * ac] : [4 * ac, 4];
  const [bRow, bCol] = tB ? [4, 4 * bc] : [4 * bc, 4];
  const work = scratchFor(backend, Math.max(16, k.scratchBytes(inner, n)));
  const biasPtr = bias ? offset(backend, bias) : 0;
  k.matmul(
    offset(backend, a),
    aRow,
    aK,
    offset(backend, b),
    bRow,
    bCol,
    offset(backend, out),
    biasPtr,
    m,
    inner,
    n,
    work,
  );
  return out;
}

function seluParams(attrs: Attrs): [number, number] {
  const lambda = Number(attrs.lambda);
  const lambdaAlpha = Number(attrs.lambdaAlpha);
  if (!Number.isFinite(lambda) || !Number.isFinite(lambdaAlpha)) {
    throw new Error('snn kernels: selu needs lambda, lambdaAlpha');
  }
  return [lambda, lambdaAlpha];
}

function register(tf: Tf, k: Exports): void {
  const kernel = (
    name: string,
    f: (backend: WasmBackend, inputs: Inputs, attrs: Attrs) => TensorInfo | TensorInfo[],
  ): void =>
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ backend, inputs, attrs }) =>
        f(backend as unknown as WasmBackend, inputs as unknown as Inputs, (attrs ?? {}) as Attrs),
    });
  const run = (name: string, inputs: Record<string, Tensor>, attrs: Attrs = {}): Tensor =>
    tf.engine().runKernel(name, inputs, attrs as never) as Tensor;

  kernel('SnnMatMul', (backend, inputs, attrs) => matMul(k, backend, inputs, attrs));
  kernel('SnnDense', (backend, inputs) =>
    matMul(k, backend, { a: input(inputs, 'x', 2), b: input(inputs, 'w', 2) }, {}, input(inputs, 'b', 1)),
  );
  kernel('SnnColumnSums', (backend, inputs) => {
    const x = input(inputs, 'x', 2);
    const [rows, cols] = x.shape as [number, number];
    const out = backend.makeOutput([cols], 'float32');
    if (cols > 0) k.columnSums(offset(backend, x), offset(backend, out), rows, cols);
    return out;
  });
  kernel('SnnSelu', (backend, inputs, attrs) => {
    const x = inputs.x as TensorInfo;
    const out = backend.makeOutput([...x.shape], 'float32');
    if (size(x) > 0) k.selu(offset(backend, x), offset(backend, out), size(x), ...seluParams(attrs));
    return out;
  });
  kernel('SnnSeluGrad', (backend, inputs, attrs) => {
    const dy = inputs.dy as TensorInfo;
    const y = inputs.y as TensorInfo;
    if (size(dy) !== size(y)) throw new Error('snn kernels: selu gradient shapes differ');
    const out = backend.makeOutput([...y.shape], 'float32');
    if (size(y) > 0) {
      k.seluGrad(
        offset(backend, dy),
        offset(backend, y),
        offset(backend, out),
        size(y),
        ...seluParams(attrs),
      );
    }
    return out;
  });
  kernel('SnnAdam', (backend, inputs, attrs) => {
    const [w, g, m, v] = ['w', 'g', 'm', 'v'].map((name) => inputs[name] as TensorInfo) as [
      TensorInfo,
      TensorInfo,
      TensorInfo,
      TensorInfo,
    ];
    const len = size(w);
    if ([g, m, v].some((t) => size(t) !== len)) throw new Error('snn kernels: adam inputs differ in size');
    const outs = [w, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
    const [wOut, mOut, vOut] = outs.map((t) => offset(backend, t)) as [number, number, number];
    const num = (key: string): number => Number(attrs[key]);
    if (len > 0) {
      k.adam(
        offset(backend, w),
        offset(backend, g),
        offset(backend, m),
        offset(backend, v),
        wOut,
        mOut,
        vOut,
        len,
        num('c1'),
        num('c2'),
        num('alpha'),
        num('epsHat'),
      );
    }
    return outs;
  });

  // Statistics: L2 norms of inputs x0..x(n−1), and ||a_i − b_i|| / ||b_i|| of pairs (a_i, b_i), as [n] tensors.
  kernel('SnnNorms', (backend, inputs) => {
    const xs = Object.keys(inputs).map((_, i) => inputs[`x${i}`] as TensorInfo);
    const out = backend.makeOutput([xs.length], 'float32');
    const norms = xs.map((x) => Math.sqrt(k.sumSquares(offset(backend, x), size(x))));
    backend.typedArrayFromHeap(out).set(norms);
    return out;
  });
  kernel('SnnUpdateRatios', (backend, inputs) => {
    const pairs = Object.keys(inputs).length / 2;
    const out = backend.makeOutput([pairs], 'float32');
    const ratios = Array.from({ length: pairs }, (_, i) => {
      const [a, b] = [inputs[`a${i}`] as TensorInfo, inputs[`b${i}`] as TensorInfo];
      if (size(a) !== size(b)) throw new Error('snn kernels: update ratio of tensors of different sizes');
      const diff = k.sumSquaredDiff(offset(backend, a), offset(backend, b), size(a));
      return Math.sqrt(diff / k.sumSquares(offset(backend, b), size(b)));
    });
    backend.typedArrayFromHeap(out).set(ratios);
    return out;
  });

  tf.registerGradient({
    kernelName: 'SnnDense',
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, saved) => {
      const dz = dy as Tensor;
      const [x, w] = saved as [Tensor, Tensor];
      return {
        x: () => run('SnnMatMul', { a: dz, b: w }, { transposeB: true }),
        w: () => run('SnnMatMul', { a: x, b: dz }, { transposeA: true }),
        b: () => run('SnnColumnSums', { x: dz }),
      };
    },
  });
  tf.registerGradient({
    kernelName: 'SnnSelu',
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => ({
      x: () => run('SnnSeluGrad', { dy: dy as Tensor, y: saved[0] as Tensor }, attrs as Attrs),
    }),
  });
}

/** Whether loaded kernels are used: set from SNN_LAB_WASM_KERNELS at backend start-up, or by tests. */
let enabled = true;

/**
 * Loads and registers the kernels once per process when the active backend is wasm; returns whether they are in
 * use, or the reason they are not (the caller records it and trains with tfjs's own kernels).
 * SNN_LAB_WASM_KERNELS=0 turns them off (read here, once per start-up, not on every op).
 */
export function enableWasmKernels(tf: Tf, dir: string): { ok: true } | { ok: false; reason: string } {
  if (tf.getBackend() !== 'wasm') return { ok: false, reason: `backend is ${tf.getBackend()}` };
  enabled = process.env.SNN_LAB_WASM_KERNELS !== '0';
  if (!enabled) return { ok: false, reason: 'snn kernels turned off (SNN_LAB_WASM_KERNELS=0)' };
  if (kernels) return { ok: true };
  try {
    const backend = tf.backend() as unknown as WasmBackend;
    const memory = backend.wasm.asm.memory;
    if (!(memory instanceof WASM.Memory)) return { ok: false, reason: 'tfjs-backend-wasm exposes no memory' };
    const module = new WASM.Module(readFileSync(path.join(dir, SNN_KERNELS_FILE)));
    const instance = new WASM.Instance(module, { env: { memory } });
    const k = instance.exports as unknown as Exports;
    register(tf, k);
    kernels = k;
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `snn kernels unavailable: ${(error as Error).message}` };
  }
}

/** Turns loaded kernels on or off in this process (tests compare both paths in one process). */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** True when the dense/SELU/Adam kernels above run the current backend's work. */
export function wasmKernelsActive(tf: Tf): boolean {
  return enabled && kernels !== undefined && tf.getBackend() === 'wasm';
}
