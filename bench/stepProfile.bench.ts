/**
 * Where the fused training step's time goes, per kernel call: the 784 -> 256 x {8, 32} -> 10 SELU net, Adam, batch
 * 128 (the trainer bench's configuration), through the trainer's own step (createStepper), with every call into the
 * kernel module timed (the module's exports wrapped before the step is built, so the calls, their order and their
 * buffers are the trainer's). The rest of the step (JS between the calls) is the step's time minus the kernels'.
 * Then one step's calls are replayed on the same buffers (all, all but Adam, the products only, and each square
 * product alone on cache-hot operands) to tell the kernels' speed from the cache state the step leaves them in.
 * Run: npm run bench -- stepProfile (SNN_BENCH_DEPTHS=8,32, SNN_BENCH_STEPS=60, SNN_BENCH_WASM_DIR: another build's
 * kernels). The child runs with the trainer's wasm flags (relaxed SIMD).
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '../src/core/random';
import { sectionDefaults } from '../src/core/config/defaults';
import type { RunConfig } from '../src/core/config/experimentConfig';
import { DEFAULT_SELU } from '../src/core/theory/constants';
import { trainerWasmFlags } from '../src/runs/wasmFlags';
import { initBackend } from '../src/trainer/backend';
import { createStepper } from '../src/trainer/batchStep';
import type { KernelExports } from '../src/trainer/kernelModule';
import { buildModel } from '../src/trainer/model';
import { activeKernelModule } from '../src/trainer/wasmKernels';

const ROOT = path.resolve(__dirname, '..', '..');
const BATCH = 128;
const STEPS = Number(process.env.SNN_BENCH_STEPS ?? 60);

interface Call {
  name: string;
  args: number[];
}

/** Calls `calls` in order on the plain exports `rounds` times; ms per round (best of 3 blocks). */
function replay(k: KernelExports, calls: Call[], rounds: number): number {
  const fns = k as unknown as Record<string, (...args: number[]) => unknown>;
  let best = Infinity;
  for (let block = 0; block < 3; block++) {
    const t = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (const c of calls) (fns[c.name] as (...a: number[]) => unknown)(...c.args);
    }
    best = Math.min(best, (performance.now() - t) / rounds);
  }
  return best;
}

/**
 * The step's kernel calls replayed on the same buffers: all of them in order, the products only in order, and each
 * square product repeated on its own operands (its operands stay in cache), to tell the kernels' speed from the
 * cache state the step leaves them.
 */
function replays(k: KernelExports, calls: Call[]): Record<string, number> {
  const products = calls.filter((c) => c.name === 'matmul');
  // The 256 × 256 layers' products in all three orientations (2·128·256·256 FLOP each).
  const square = products.filter((c) => productName(c.args).flop === 2 * 128 * 256 * 256);
  const byKind = (kind: string): Call[] => square.filter((c) => productName(c.args).name.startsWith(kind));
  const out: Record<string, number> = {
    'all calls in order': replay(k, calls, 10),
    'all calls but Adam': replay(
      k,
      calls.filter((c) => c.name !== 'adam'),
      10,
    ),
    'products only, in order': replay(k, products, 10),
  };
  for (const kind of ['forward', 'input grad', 'weight grad']) {
    const list = byKind(kind);
    if (list.length === 0) continue;
    // One call repeated as often as the step makes calls of its kind: its operands stay in cache.
    const one = list[Math.floor(list.length / 2)] as Call;
    out[`${kind} square: one call ×${list.length}`] = replay(k, Array(list.length).fill(one) as Call[], 10);
    out[`${kind} square: the step's ${list.length} calls in turn`] = replay(k, list, 10);
  }
  return out;
}

interface Part {
  ms: number;
  calls: number;
  flop: number;
}

/** A matmul call's part name: its orientation (from the strides) and shape. */
function productName(args: number[]): { name: string; flop: number } {
  const [aRow, aK, bRow, m, k, n] = [1, 2, 4, 8, 9, 10].map((i) => args[i] ?? 0) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const kind = aRow === 4 && aK !== 4 ? 'weight grad xᵀ·dA' : bRow === 4 ? 'input grad dA·Wᵀ' : 'forward x·W';
  return { name: `${kind} ${m}×${k}·${k}×${n}`, flop: 2 * m * k * n };
}

/** Where a call's size is among its arguments (index of the length, or of rows and columns). */
const SIZE_ARGS: Record<string, number[]> = {
  adam: [7],
  layerForward: [6, 7],
  layerBackward: [5, 6],
  columnSums: [2, 3],
};

/** A non-product call's part name: the export and its size (weights and biases apart). */
function partName(name: string, args: number[]): string {
  const size = (SIZE_ARGS[name] ?? []).map((i) => args[i]);
  return size.length > 0 ? `${name} ${size.join('×')}` : name;
}

/** Wraps every export in a timer accumulating into `parts` (by name; products by orientation and shape). */
function instrument(k: KernelExports, parts: Map<string, Part>, record: Call[]): KernelExports {
  const timed: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(k)) {
    if (typeof f !== 'function') continue;
    const fn = f as (...args: number[]) => unknown;
    timed[name] = (...args: number[]): unknown => {
      record.push({ name, args });
      const t = performance.now();
      const result = fn(...args);
      const ms = performance.now() - t;
      const { name: key, flop } =
        name === 'matmul' ? productName(args) : { name: partName(name, args), flop: 0 };
      const part = parts.get(key) ?? { ms: 0, calls: 0, flop: 0 };
      part.ms += ms;
      part.calls++;
      part.flop += flop;
      parts.set(key, part);
      return result;
    };
  }
  return timed as unknown as KernelExports;
}

async function child(depth: number): Promise<void> {
  const { tf } = await initBackend('wasm');
  const module = activeKernelModule(tf);
  if (!module) throw new Error('snn kernels are not active');
  const parts = new Map<string, Part>();
  const plain = module.exports;
  const modelConfig: RunConfig['model'] = {
    ...{ depth, width: 256, shape: 'rectangular', activation: 'selu', init: 'lecun_normal' },
    ...{ normalization: 'none', dropout: { kind: 'alpha', rate: 0 } },
  };
  const train: RunConfig['train'] = {
    ...{ optimizer: 'adam', learningRate: 1e-3, batchSize: BATCH, epochs: 1, weightDecay: 0 },
  };
  const stats = sectionDefaults('stats');
  const model = buildModel(tf, modelConfig, DEFAULT_SELU, 784, 10, 1, 'fast');
  const rng = createRng(2);
  const xs = Float32Array.from({ length: BATCH * 784 }, () => rng.normal());
  const ys = Float32Array.from({ length: BATCH }, () => rng.int(10));
  const make = (): ReturnType<typeof createStepper> =>
    createStepper({
      ...{ tf, model, config: { model: modelConfig, train, stats, seed: 1 }, selu: DEFAULT_SELU },
      ...{ task: 'classification' as const, features: 784, classes: 10, rows: BATCH },
    });
  // Uninstrumented step time first (the wrappers' own cost is then the difference of the totals).
  const bare = make();
  const bareTimes: number[] = [];
  for (let i = 0; i < STEPS + 5; i++) {
    const t = performance.now();
    await bare.step(xs, ys, BATCH);
    if (i >= 5) bareTimes.push(performance.now() - t);
  }
  bare.dispose();
  const record: Call[] = [];
  (module as { exports: KernelExports }).exports = instrument(plain, parts, record);
  const stepper = make();
  for (let i = 0; i < 5; i++) await stepper.step(xs, ys, BATCH);
  parts.clear();
  let total = 0;
  for (let i = 0; i < STEPS; i++) {
    const t = performance.now();
    await stepper.step(xs, ys, BATCH);
    total += performance.now() - t;
  }
  const perStep = [...parts].map(([name, p]) => ({
    name,
    ms: p.ms / STEPS,
    calls: p.calls / STEPS,
    flop: p.flop,
  }));
  record.length = 0;
  await stepper.step(xs, ys, BATCH);
  const replayed = replays(plain, [...record]);
  stepper.dispose();
  (module as { exports: KernelExports }).exports = plain;
  bareTimes.sort((a, b) => a - b);
  const out = {
    depth,
    steps: STEPS,
    bareMedianMs: bareTimes[bareTimes.length >> 1],
    bareTenthMs: bareTimes[Math.floor(bareTimes.length / 10)],
    stepMs: total / STEPS,
    replayed,
    parts: perStep,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

interface ChildOut {
  depth: number;
  steps: number;
  bareMedianMs: number;
  /** The 10th percentile: the step least disturbed by the other core's work (caches, memory bandwidth). */
  bareTenthMs: number;
  stepMs: number;
  parts: { name: string; ms: number; calls: number; flop: number }[];
  replayed: Record<string, number>;
}

function main(): void {
  console.log(
    `fused step profile: MLP 784 -> 256 x {8, 32} -> 10, batch ${BATCH}, Adam, SELU, ${STEPS} steps; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const depth of (process.env.SNN_BENCH_DEPTHS ?? '8,32').split(',').map(Number)) {
    const flags = trainerWasmFlags(process.execPath);
    const result = spawnSync(process.execPath, [...flags, __filename, '--child', String(depth)], {
      encoding: 'utf8',
      env: {
        ...process.env,
        SNN_LAB_WASM_DIR: process.env.SNN_BENCH_WASM_DIR ?? path.join(ROOT, 'dist', 'wasm'),
      },
    });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.status !== 0 || !line.startsWith('{')) {
      console.log(
        `depth ${depth}: failed — ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`,
      );
      continue;
    }
    const r = JSON.parse(line) as ChildOut;
    const kernels = r.parts.reduce((a, p) => a + p.ms, 0);
    console.log(
      `\ndepth ${depth}: step ${r.bareMedianMs.toFixed(2)} ms median (10th percentile ${r.bareTenthMs.toFixed(2)}) uninstrumented, ${r.stepMs.toFixed(2)} ms mean instrumented; kernels ${kernels.toFixed(2)} ms, JS between calls ${(r.stepMs - kernels).toFixed(2)} ms`,
    );
    console.log('| part | calls/step | ms/step | % of step | GFLOP/s |');
    console.log('|---|---|---|---|---|');
    for (const p of [...r.parts].sort((a, b) => b.ms - a.ms)) {
      // p.flop is summed over all steps, p.ms is per step.
      const rate = p.flop > 0 ? (p.flop / (p.ms * r.steps * 1e6)).toFixed(1) : '';
      console.log(
        `| ${p.name} | ${p.calls} | ${p.ms.toFixed(3)} | ${((p.ms / r.stepMs) * 100).toFixed(1)} % | ${rate} |`,
      );
    }
    console.log("replayed on the step's buffers (ms per step, best of 3 blocks of 10):");
    for (const [name, ms] of Object.entries(r.replayed)) console.log(`  ${name}: ${ms.toFixed(2)} ms`);
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  void child(Number(process.argv[childIndex + 1] ?? 32)).catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
} else {
  main();
}
