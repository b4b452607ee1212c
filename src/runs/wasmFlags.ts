/**
 * The V8 flags a trainer needs for SNN Lab's relaxed-SIMD kernels (fused multiply-add in the products). Node 20's V8
 * validates relaxed SIMD only with --experimental-wasm-relaxed-simd; the V8 of current VS Code/Electron has it on by
 * default, and a V8 that retired the flag refuses to start with it ("bad option"). So the engine is probed, not
 * assumed: once per Node executable and host process, `<node> --experimental-wasm-relaxed-simd -e <check>` is run
 * (with ELECTRON_RUN_AS_NODE=1, so an Electron binary behaves as Node, as child_process.fork makes it do) and the flag
 * is passed to trainers only when that Node starts with it and then validates a relaxed-SIMD module. Otherwise
 * trainers start without it and use relaxed SIMD if the engine has it anyway, else the plain-SIMD kernels; the
 * variant in use is recorded in each run's backend info (src/trainer/kernelModule.ts).
 */
import { spawnSync } from 'node:child_process';

export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** A minimal module whose one function evaluates f32x4.relaxed_madd (82 bytes, base64). */
export const RELAXED_SIMD_PROBE =
  'AGFzbQEAAAABBQFgAAF7AwIBAAo9ATsA/QwAAAAAAAAAAAAAAAAAAAAA/QwAAAAAAAAAAAAAAAAAAAAA/QwAAAAAAAAAAAAAAAAAAAAA/YUCCw==';

/** How long the probe may take (a cold start of Node is ~50 ms; a stuck binary must not hang a run). */
const PROBE_TIMEOUT_MS = 5000;

const cache = new Map<string, string[]>();

/** The flags to start a trainer with under `execPath` (cached per executable for the life of this process). */
export function trainerWasmFlags(execPath: string): string[] {
  let flags = cache.get(execPath);
  if (!flags) {
    flags = probeRelaxedSimdFlag(execPath) ? [RELAXED_SIMD_FLAG] : [];
    cache.set(execPath, flags);
  }
  return flags;
}

/** Whether `execPath` starts with the flag and then validates relaxed SIMD (one uncached probe, ~50 ms). */
export function probeRelaxedSimdFlag(execPath: string): boolean {
  const check = `process.stdout.write(String(WebAssembly.validate(Buffer.from('${RELAXED_SIMD_PROBE}', 'base64'))))`;
  const result = spawnSync(execPath, [RELAXED_SIMD_FLAG, '-e', check], {
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return result.status === 0 && result.stdout === 'true';
}
