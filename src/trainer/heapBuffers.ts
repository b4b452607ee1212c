/**
 * Work buffers for the fused MLP step, carved out of one block malloc'ed on tfjs-backend-wasm's heap (where the
 * kernels and the model's variables live), 16-byte aligned, zero-filled, freed together. Float32 views are made on
 * demand because the heap's ArrayBuffer is replaced whenever the wasm memory grows.
 */
import type { KernelModule, WasmBackend } from './kernelModule';

const ALIGN = 16;

export class HeapBlock {
  private base = 0;
  private readonly bytes: number;
  private readonly offsets: number[] = [];

  /** Allocates one block holding a buffer of each size (in floats); `pointer(i)` is the i-th one's byte offset. */
  constructor(
    private readonly backend: WasmBackend,
    private readonly module: KernelModule,
    floats: readonly number[],
  ) {
    let at = 0;
    for (const n of floats) {
      this.offsets.push(at);
      at += Math.ceil((Math.max(1, n) * 4) / ALIGN) * ALIGN;
    }
    this.bytes = at + ALIGN;
    const raw = backend.wasm._malloc(this.bytes) >>> 0;
    if (raw === 0) throw new Error(`snn kernels: could not allocate ${this.bytes} bytes for the fused step`);
    this.base = raw;
    const aligned = Math.ceil(raw / ALIGN) * ALIGN;
    for (let i = 0; i < this.offsets.length; i++) this.offsets[i] = (this.offsets[i] as number) + aligned;
    new Uint8Array(this.module.memory.buffer, raw, this.bytes).fill(0);
  }

  pointer(index: number): number {
    const p = this.offsets[index];
    if (p === undefined) throw new Error(`snn kernels: no buffer ${index}`);
    return p;
  }

  /** A float32 view of `floats` values at byte offset `ptr` (valid until the heap grows). */
  view(ptr: number, floats: number): Float32Array {
    return new Float32Array(this.module.memory.buffer, ptr, floats);
  }

  /** An int32 view (valid until the heap grows). */
  int32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.module.memory.buffer, ptr, length);
  }

  /** A float64 view (valid until the heap grows). */
  float64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.module.memory.buffer, ptr, length);
  }

  dispose(): void {
    if (this.base !== 0) this.backend.wasm._free(this.base);
    this.base = 0;
  }
}
