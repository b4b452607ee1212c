// Lets a test process load both kernel variants: Node 20 validates relaxed SIMD only behind a V8 flag, which the
// host passes to forked trainers (src/runs/wasmFlags.ts); a test file sets it before any wasm is compiled and
// then asserts both variants loaded (no silent fallback to one).
import { setFlagsFromString } from 'node:v8';
import { RELAXED_SIMD_FLAG, RELAXED_SIMD_PROBE } from '../../../src/runs/wasmFlags';

/** Turns relaxed SIMD on in this process unless the engine has it already; returns whether it validates now. */
export function enableRelaxedSimd(): boolean {
  const probe = Buffer.from(RELAXED_SIMD_PROBE, 'base64');
  if (!WebAssembly.validate(probe)) setFlagsFromString(RELAXED_SIMD_FLAG);
  return WebAssembly.validate(probe);
}
