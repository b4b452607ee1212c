/**
 * SNN Lab's own wasm SIMD kernels (assembly/kernels.ts → dist/wasm/snn-kernels[-relaxed].wasm, loaded by
 * kernelModule.ts), registered as tfjs kernels of the wasm backend with their gradients: a dense layer x·W + b,
 * SELU, Adam and the products of their gradients (the fused MLP step, wasmMlp.ts, calls the module directly).
 * The module shares tfjs-backend-wasm's linear memory, so kernels read and write tfjs tensors where they lie.
 * Why: on a training step tfjs's wasm matMul repacks its second operand for XNNPACK on every call (every operand is
 * new each step), transposes are scalar loops, and SELU and Adam take 5–12 kernels each (docs/performance.md).
 */
import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tf } from './tf';
import {
  loadKernelModules,
  type KernelExports as Exports,
  type KernelModule,
  type KernelVariant,
  type WasmBackend,
} from './kernelModule';

type Inputs = Record<string, TensorInfo>;
type Attrs = Record<string, unknown>;

/** Every variant this engine loaded (relaxed SIMD first), and the one the kernels call. */
let modules: KernelModule[] = [];
let current: KernelModule | undefined;

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
  const work = scratchFor(backend, Math.max(16, k.scratchBytes(m, inner, n)));
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

function register(tf: Tf, use: () => Exports): void {
  const kernel = (
    name: string,
    f: (k: Exports, backend: WasmBackend, inputs: Inputs, attrs: Attrs) => TensorInfo | TensorInfo[],
  ): void =>
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ backend, inputs, attrs }) =>
        f(use(), backend as unknown as WasmBackend, inputs as unknown as Inputs, (attrs ?? {}) as Attrs),
    });
  const run = (name: string, inputs: Record<string, Tensor>, attrs: Attrs = {}): Tensor =>
    tf.engine().runKernel(name, inputs, attrs as never) as Tensor;

  kernel('SnnMatMul', (k, backend, inputs, attrs) => matMul(k, backend, inputs, attrs));
  kernel('SnnDense', (k, backend, inputs) =>
    matMul(k, backend, { a: input(inputs, 'x', 2), b: input(inputs, 'w', 2) }, {}, input(inputs, 'b', 1)),
  );
  kernel('SnnColumnSums', (k, backend, inputs) => {
    const x = input(inputs, 'x', 2);
    const [rows, cols] = x.shape as [number, number];
    const out = backend.makeOutput([cols], 'float32');
    if (cols > 0) k.columnSums(offset(backend, x), offset(backend, out), rows, cols);
    return out;
  });
  kernel('SnnSelu', (k, backend, inputs, attrs) => {
    const x = inputs.x as TensorInfo;
    const out = backend.makeOutput([...x.shape], 'float32');
    if (size(x) > 0) k.selu(offset(backend, x), offset(backend, out), size(x), ...seluParams(attrs));
    return out;
  });
  kernel('SnnSeluGrad', (k, backend, inputs, attrs) => {
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
  kernel('SnnAdam', (k, backend, inputs, attrs) => {
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
  kernel('SnnNorms', (k, backend, inputs) => {
    const xs = Object.keys(inputs).map((_, i) => inputs[`x${i}`] as TensorInfo);
    const out = backend.makeOutput([xs.length], 'float32');
    const norms = xs.map((x) => Math.sqrt(k.sumSquares(offset(backend, x), size(x))));
    backend.typedArrayFromHeap(out).set(norms);
    return out;
  });
  kernel('SnnUpdateRatios', (k, backend, inputs) => {
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
 * Loads and registers the kernels once per process when the active backend is wasm; returns the variant in use, or
 * the reason they are not used (the caller records it and trains with tfjs's own kernels). SNN_LAB_WASM_KERNELS
 * (read here, once per start-up): 0 turns them off, simd keeps to the plain-SIMD variant.
 */
export function enableWasmKernels(
  tf: Tf,
  dir: string,
): { ok: true; variant: KernelVariant } | { ok: false; reason: string } {
  if (tf.getBackend() !== 'wasm') return { ok: false, reason: `backend is ${tf.getBackend()}` };
  const setting = process.env.SNN_LAB_WASM_KERNELS;
  enabled = setting !== '0';
  if (!enabled) return { ok: false, reason: 'snn kernels turned off (SNN_LAB_WASM_KERNELS=0)' };
  if (!current) {
    try {
      const backend = tf.backend() as unknown as WasmBackend;
      modules = loadKernelModules(backend, dir);
      register(tf, () => (current as KernelModule).exports);
    } catch (error) {
      return { ok: false, reason: `snn kernels unavailable: ${(error as Error).message}` };
    }
  }
  const plain = modules.find((m) => m.variant === 'wasm-simd');
  current = setting === 'simd' && plain ? plain : (modules[0] as KernelModule);
  return { ok: true, variant: current.variant };
}

/** Turns loaded kernels on or off in this process (tests compare both paths in one process). */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** The variants loaded in this process (tests run each against tf.matMul). */
export function loadedKernelVariants(): KernelVariant[] {
  return modules.map((m) => m.variant);
}

/** Makes the registered kernels and the fused step call `variant` (one of loadedKernelVariants()). */
export function useKernelVariant(variant: KernelVariant): void {
  const module = modules.find((m) => m.variant === variant);
  if (!module) throw new Error(`snn kernels: variant ${variant} is not loaded`);
  current = module;
}

/** True when the dense/SELU/Adam kernels above run the current backend's work. */
export function wasmKernelsActive(tf: Tf): boolean {
  return enabled && current !== undefined && tf.getBackend() === 'wasm';
}

/** The module the kernels call, when they are active (the fused MLP step calls its exports directly). */
export function activeKernelModule(tf: Tf): KernelModule | undefined {
  return wasmKernelsActive(tf) ? current : undefined;
}
