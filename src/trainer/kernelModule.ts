/**
 * Loads SNN Lab's wasm kernel module (assembly/kernels.ts) onto tfjs-backend-wasm's memory, choosing the variant:
 * snn-kernels-relaxed.wasm (relaxed SIMD: fused multiply-add in the products) where the engine validates it, else
 * snn-kernels.wasm (plain SIMD). Node 20 validates relaxed SIMD only when started with
 * --experimental-wasm-relaxed-simd, which the host adds when the trainer's Node accepts it (src/runs/wasmFlags.ts);
 * current Electron/VS Code engines have it on by default. The exports' signatures are declared here.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The module variants, as recorded in a run's backend info (`snn-lab-kernels`). */
export type KernelVariant = 'wasm-relaxed-simd' | 'wasm-simd';

export const KERNEL_FILES: Record<KernelVariant, string> = {
  'wasm-relaxed-simd': 'snn-kernels-relaxed.wasm',
  'wasm-simd': 'snn-kernels.wasm',
};

type Ptr = number;

/** The module's exports (pointers are byte offsets into tfjs's heap). */
export interface KernelExports {
  matmul(
    a: Ptr,
    aRow: number,
    aK: number,
    b: Ptr,
    bRow: number,
    bCol: number,
    c: Ptr,
    bias: Ptr,
    m: number,
    k: number,
    n: number,
    scratch: Ptr,
  ): void;
  scratchBytes(m: number, k: number, n: number): number;
  columnSums(x: Ptr, out: Ptr, rows: number, cols: number): void;
  sumSquares(x: Ptr, len: number): number;
  sumSquaredDiff(a: Ptr, b: Ptr, len: number): number;
  selu(z: Ptr, y: Ptr, len: number, lambda: number, lambdaAlpha: number): void;
  seluGrad(dy: Ptr, y: Ptr, dz: Ptr, len: number, lambda: number, lambdaAlpha: number): void;
  adam(
    w: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    wOut: Ptr,
    mOut: Ptr,
    vOut: Ptr,
    len: number,
    c1: number,
    c2: number,
    alpha: number,
    epsHat: number,
  ): void;
  addDecay(g: Ptr, w: Ptr, len: number, wd: number): void;
  sgd(w: Ptr, g: Ptr, len: number, lr: number): void;
  momentum(w: Ptr, g: Ptr, acc: Ptr, len: number, lr: number, m: number): void;
  rmsprop(w: Ptr, g: Ptr, ms: Ptr, len: number, lr: number, decay: number, eps: number): void;
  layerForward(
    a: Ptr,
    xhat: Ptr,
    z: Ptr,
    y: Ptr,
    h: Ptr,
    gm: Ptr,
    rows: number,
    cols: number,
    act: number,
    p1: number,
    p2: number,
    norm: number,
    gamma: Ptr,
    beta: Ptr,
    mean: Ptr,
    variance: Ptr,
    istd: Ptr,
    eps: number,
    batchStats: number,
    drop: number,
    threshold: number,
    scale: number,
    offset: number,
    dropped: number,
    state: number,
  ): number;
  layerBackward(
    dh: Ptr,
    y: Ptr,
    z: Ptr,
    gm: Ptr,
    da: Ptr,
    rows: number,
    cols: number,
    act: number,
    p1: number,
    p2: number,
    drop: number,
    norm: number,
    xhat: Ptr,
    gamma: Ptr,
    istd: Ptr,
    dgamma: Ptr,
    dbeta: Ptr,
    db: Ptr,
  ): void;
  movingMoments(mm: Ptr, mv: Ptr, mean: Ptr, variance: Ptr, cols: number, momentum: number): void;
  softmaxCrossEntropy(logits: Ptr, labels: Ptr, d: Ptr, rows: number, classes: number): number;
  meanSquaredError(outputs: Ptr, targets: Ptr, d: Ptr, n: number): number;
  distribution(
    values: Ptr,
    n: number,
    range: number,
    bins: number,
    ranks: Ptr,
    rankCount: number,
    result: Ptr,
    scratch: Ptr,
  ): number;
  statsScratchBytes(n: number, rankCount: number): number;
  weightMoments(w: Ptr, fanIn: number, units: number, result: Ptr, scratch: Ptr): void;
  countNear(values: Ptr, n: number, target: number, tol: number): number;
  deadUnits(values: Ptr, rows: number, units: number, scratch: Ptr): number;
}

/** The parts of tfjs-backend-wasm's BackendWasm used by the kernels (public fields of its class). */
export interface WasmBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  wasm: { asm: { memory: object }; _malloc(bytes: number): number; _free(ptr: number): void };
}

/** Node's WebAssembly global (the trainer's tsconfig has no DOM lib, where its types live). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** One instantiated variant, with tfjs's heap. */
export interface KernelModule {
  variant: KernelVariant;
  exports: KernelExports;
  /** tfjs-backend-wasm's memory (its buffer changes when the heap grows). */
  memory: { buffer: ArrayBuffer };
}

/**
 * Instantiates the kernel variants in `dir` that this engine validates, on the backend's memory: relaxed SIMD
 * first when `preferRelaxed`. Throws when none loads (the caller records why and uses tfjs's kernels).
 */
export function loadKernelModules(backend: WasmBackend, dir: string, preferRelaxed = true): KernelModule[] {
  const memory = backend.wasm.asm.memory;
  if (!(memory instanceof WASM.Memory)) throw new Error('tfjs-backend-wasm exposes no memory');
  const order: KernelVariant[] = preferRelaxed ? ['wasm-relaxed-simd', 'wasm-simd'] : ['wasm-simd'];
  const loaded: KernelModule[] = [];
  const problems: string[] = [];
  for (const variant of order) {
    const file = path.join(dir, KERNEL_FILES[variant]);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      problems.push(`${KERNEL_FILES[variant]}: ${(error as Error).message}`);
      continue;
    }
    if (!WASM.validate(bytes)) {
      problems.push(`${KERNEL_FILES[variant]} does not validate on this engine`);
      continue;
    }
    const instance = new WASM.Instance(new WASM.Module(bytes), { env: { memory } });
    loaded.push({ variant, exports: instance.exports as KernelExports, memory });
  }
  if (loaded.length === 0) throw new Error(problems.join('; '));
  return loaded;
}
