/**
 * The arithmetic ceiling of 128-bit wasm SIMD on this CPU, with and without fused multiply-add, and how close SNN
 * Lab's product kernels get to it. A register-only loop (12 independent f32x4 accumulators, no memory traffic) is
 * compiled from AssemblyScript here, once with separate f32x4.mul + f32x4.add and once with f32x4.relaxed_madd;
 * then the kernels' matmul (dist/wasm/snn-kernels[-relaxed].wasm) runs the trainer's product shapes. The child runs
 * with --no-liftoff, so every call measures TurboFan's code (in a trainer V8 tiers the kernels up after their first
 * calls), and GFLOP/s are counted per second of this process's CPU time as well as of wall time (on a shared
 * machine the wall figure includes waiting for a core). Run: npm run bench -- simd.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trainerWasmFlags } from '../src/runs/wasmFlags';

const ROOT = path.resolve(__dirname, '..', '..');
const LOOP_ITERATIONS = 2_000_000;

/** Calls `f` for ~0.2 s first (caches, clocks). */
function warmUp(f: () => void): void {
  const until = performance.now() + 200;
  while (performance.now() < until) f();
}

/** Best GFLOP/s of 5 repetitions of `run` (`flop` each), by wall time and by this process's CPU time. */
function rate(run: () => void, flop: number): { wall: number; cpu: number } {
  let wall = 0;
  let cpu = 0;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    run();
    const c = process.cpuUsage(c0);
    wall = Math.max(wall, flop / ((performance.now() - t) * 1e6));
    cpu = Math.max(cpu, flop / ((c.user + c.system) * 1e3));
  }
  return { wall, cpu };
}

/** 12 accumulators × 4 lanes × 2 FLOP per iteration; `fused` picks relaxed_madd. */
function peakSource(fused: boolean): string {
  const step = (a: string): string =>
    fused ? `${a} = f32x4.relaxed_madd(x, y, ${a});` : `${a} = f32x4.add(f32x4.mul(x, y), ${a});`;
  const accs = Array.from({ length: 12 }, (_, i) => `a${i}`);
  return `
export function peak(n: i32, seed: f32): f32 {
  const x = f32x4.splat(seed);
  const y = f32x4.splat(0.999);
  ${accs.map((a, i) => `let ${a} = f32x4.splat(${i}.0);`).join('\n  ')}
  for (let i = 0; i < n; i++) {
    ${accs.map(step).join('\n    ')}
  }
  let s = ${accs.join(' + ').replace(/a(\d+)/g, 'f32x4.extract_lane(a$1, 0)')};
  return s;
}`;
}

interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: object,
  ) => { exports: Record<string, (...args: number[]) => number> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

async function peakGflops(fused: boolean): Promise<{ wall: number; cpu: number }> {
  const asc = (await import('assemblyscript/asc')) as unknown as {
    compileString(
      source: string,
      options: object,
    ): Promise<{ binary: Uint8Array | null; stderr: { toString(): string } }>;
  };
  const { binary, stderr } = await asc.compileString(peakSource(fused), {
    optimizeLevel: 3,
    runtime: 'stub',
    enable: fused ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (!binary) throw new Error(stderr.toString());
  const { peak } = new WASM.Instance(new WASM.Module(binary), {}).exports as {
    peak: (n: number, s: number) => number;
  };
  warmUp(() => peak(100_000, 1));
  return rate(() => peak(LOOP_ITERATIONS, 2), LOOP_ITERATIONS * 12 * 8);
}

/** The three products of a layer with `rows` rows, `fanIn` inputs and `units` outputs, as the trainer calls them. */
type Orientation = 'forward x·W' | 'weight gradient xᵀ·dA' | 'input gradient dA·Wᵀ';

function productGflops(
  file: string,
  orientation: Orientation,
  rows: number,
  fanIn: number,
  units: number,
): { wall: number; cpu: number } {
  const memory = new WASM.Memory({ initial: 512 });
  const bytes = readFileSync(path.join(ROOT, 'dist', 'wasm', file));
  const kernels = new WASM.Instance(new WASM.Module(bytes), { env: { memory } }).exports;
  const f = new Float32Array(memory.buffer);
  for (let i = 0; i < f.length; i++) f[i] = Math.sin(i);
  const [a, b, c, scratch] = [0, 8 << 20, 16 << 20, 24 << 20];
  const matmul = kernels.matmul as (...args: number[]) => void;
  // C[m×n] = A'·B' with strides as in src/trainer/wasmMlpPasses.ts.
  const [m, k, n, strides] =
    orientation === 'forward x·W'
      ? [rows, fanIn, units, [4 * fanIn, 4, 4 * units, 4]]
      : orientation === 'weight gradient xᵀ·dA'
        ? [fanIn, rows, units, [4, 4 * fanIn, 4 * units, 4]]
        : [rows, units, fanIn, [4 * units, 4, 4, 4 * units]];
  const [aRow, aK, bRow, bCol] = strides as [number, number, number, number];
  const run = (): void => matmul(a, aRow, aK, b, bRow, bCol, c, 0, m, k, n, scratch);
  warmUp(run);
  const calls = Math.max(20, Math.round(3e8 / (2 * m * k * n)));
  return rate(
    () => {
      for (let i = 0; i < calls; i++) run();
    },
    2 * m * k * n * calls,
  );
}

async function child(): Promise<void> {
  const relaxed = await peakGflops(true);
  const plain = await peakGflops(false);
  // Layers of the benchmarks (batch 128): 64 → 64 (tabular), 256 → 256 and 784 → 256 (the MNIST-sized MLP).
  const layers: [number, number][] = [
    [64, 64],
    [256, 256],
    [784, 256],
  ];
  const orientations: Orientation[] = ['forward x·W', 'weight gradient xᵀ·dA', 'input gradient dA·Wᵀ'];
  const products = layers.flatMap(([fanIn, units]) =>
    orientations
      .filter((o) => fanIn !== 784 || o !== 'input gradient dA·Wᵀ') // a first layer's input gradient is skipped
      .map((o) => ({
        shape: `${fanIn} → ${units}, ${o}`,
        simd: productGflops('snn-kernels.wasm', o, 128, fanIn, units),
        relaxed: productGflops('snn-kernels-relaxed.wasm', o, 128, fanIn, units),
      })),
  );
  process.stdout.write(`${JSON.stringify({ plain, relaxed, products })}\n`);
}

type Rate = { wall: number; cpu: number };

function main(): void {
  const flags = trainerWasmFlags(process.execPath);
  const result = spawnSync(process.execPath, [...flags, '--no-liftoff', __filename, '--child'], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.log(`simd benchmark failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    process.exit(1);
  }
  const out = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    plain: Rate;
    relaxed: Rate;
    products: { shape: string; simd: Rate; relaxed: Rate }[];
  };
  const f = (r: Rate): string => `${r.cpu.toFixed(1)} (${r.wall.toFixed(1)} wall)`;
  console.log(
    `128-bit wasm SIMD ceiling (${os.cpus()[0]?.model}, Node ${process.version}, flags ${[...flags, '--no-liftoff'].join(' ')}; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  console.log(`  register-only loop, mul + add: ${f(out.plain)} GFLOP/s per CPU second`);
  console.log(`  register-only loop, relaxed_madd: ${f(out.relaxed)} GFLOP/s per CPU second`);
  console.log(
    '\n| product | plain SIMD (GFLOP/s, CPU) | % of mul+add ceiling | relaxed SIMD (GFLOP/s, CPU) | % of FMA ceiling |',
  );
  console.log('|---|---|---|---|---|');
  for (const p of out.products) {
    console.log(
      `| ${p.shape} | ${f(p.simd)} | ${((100 * p.simd.cpu) / out.plain.cpu).toFixed(0)} % | ${f(p.relaxed)} | ${((100 * p.relaxed.cpu) / out.relaxed.cpu).toFixed(0)} % |`,
    );
  }
}

if (process.argv.includes('--child')) {
  void child().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
} else {
  main();
}
