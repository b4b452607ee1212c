/**
 * Trainer throughput benchmark: MLP 784 -> 256 x {8, 32} -> 10, batch 128, Adam, SELU, through the trainer's own
 * step code on each available backend (one child process per backend), against PyTorch (Debian python3-torch,
 * 1 thread) measured in the same run, plus the cost of per-layer statistics at the default cadence including their
 * delivery (the message serialised and deserialised as over the IPC channel, and recorded to a run store on disk).
 * Run: npm run bench -- trainer. Child mode: node out/bench/trainer.bench.js --child <mode> (see MODES).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { createRng } from '../src/core/random';
import { sectionDefaults } from '../src/core/config/defaults';
import type { RunConfig } from '../src/core/config/experimentConfig';
import { DEFAULT_SELU } from '../src/core/theory/constants';
import { RunStore } from '../src/runs/runStore';
import { trainerWasmFlags } from '../src/runs/wasmFlags';
import { asRunId } from '../src/protocol/ids';
import type { LayerStats } from '../src/protocol/stats';
import type { TrainerToHost } from '../src/protocol/trainer';
import { initBackend } from '../src/trainer/backend';
import { createStepper } from '../src/trainer/batchStep';
import { reduceLayerStats } from '../src/trainer/layerStats';
import { buildModel } from '../src/trainer/model';
import { createOptimizer } from '../src/trainer/optimizers';
import { trainStep } from '../src/trainer/step';

const ROOT = path.resolve(__dirname, '..', '..');
const DEPTHS = [8, 32];
/** The schema's default statistics settings (everySteps, bins, range), as every run without a `stats` section. */
const DEFAULT_STATS = sectionDefaults('stats');
const DEFAULT_STATS_EVERY = DEFAULT_STATS.everySteps;
const BATCH = 128;

interface Row {
  /** The child mode (MODES) or 'pytorch'. */
  mode?: string;
  backend: string;
  depth: number;
  medianMs: number;
  /** Median CPU time of a step (the process's, all threads): less dependent on the share of the cores it got. */
  cpuMedianMs?: number;
  samplesPerSec: number;
  steps: number;
  statsCallMs?: number;
  statsOverheadPct?: number;
  otherCpuPct: number;
}

/** Busy and total jiffies over all CPUs (/proc/stat), for the other-CPU-load figure. */
function cpuJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[s.length >> 1] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

/**
 * Delivers a statistics frame as a run does: serialised and deserialised as over the IPC channel (structured clone,
 * the TrainerProcess's 'advanced' serialisation) and recorded to a run store on disk (a JSON line appended).
 */
function deliverer(config: RunConfig): {
  deliver(layers: LayerStats[], step: number): void;
  dispose(): void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'snn-bench-store-'));
  const logger = { info(): void {}, warn(): void {}, error(): void {} };
  const store = new RunStore(dir, { logger });
  const plan = { name: 'bench', sweepPoint: {}, config };
  const runId = store.create(plan, { experiment: path.join(dir, 'bench.snn.json'), mode: 'train' });
  return {
    deliver(layers, step) {
      const message: TrainerToHost = { type: 'layerStats', runId: asRunId(runId), step, epoch: 0, layers };
      store.record(runId, deserialize(serialize(message)) as TrainerToHost);
    },
    dispose() {
      store.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Median step time and the cost of a reporting step (statistics reduced and delivered) on one configuration.
 * `path`: the trainer's own (createStepper: the fused wasm step when SNN Lab's kernels are active) or the tfjs step
 * (step.ts, tensors and autodiff, with whatever kernels are registered: the previous release's path).
 */
async function measure(
  backend: string,
  depth: number,
  minSeconds: number,
  minSteps: number,
  options: {
    gradient?: 'fast' | 'stock';
    label?: string;
    path?: 'trainer' | 'tfjs-step';
    /** Overrides of the SELU net (activation, normalisation, dropout) for the variant rows. */
    model?: Partial<RunConfig['model']>;
  } = {},
): Promise<Row> {
  const { tf } = await initBackend(backend as 'wasm');
  const modelConfig: RunConfig['model'] = {
    depth,
    width: 256,
    shape: 'rectangular',
    activation: 'selu',
    init: 'lecun_normal',
    normalization: 'none',
    dropout: { kind: 'alpha', rate: 0 },
    ...options.model,
  };
  const stats: RunConfig['stats'] = DEFAULT_STATS;
  const train: RunConfig['train'] = {
    optimizer: 'adam',
    learningRate: 1e-3,
    batchSize: BATCH,
    epochs: 1,
    weightDecay: 0,
  };
  const model = buildModel(tf, modelConfig, DEFAULT_SELU, 784, 10, 1, options.gradient ?? 'fast');
  const rng = createRng(2);
  const xs = Float32Array.from({ length: BATCH * 784 }, () => rng.normal());
  const ys = Float32Array.from({ length: BATCH }, () => rng.int(10));
  const all = model.layers.map((l) => l.index);
  const context = { stats, activation: modelConfig.activation, selu: DEFAULT_SELU };
  let step: (report: boolean) => Promise<LayerStats[] | undefined>;
  let release: () => void;
  if (options.path === 'tfjs-step') {
    const optimizer = createOptimizer(tf, train);
    const x = tf.tensor2d(xs, [BATCH, 784]);
    const labels = tf.oneHot(tf.tensor1d(Array.from(ys), 'int32'), 10).toFloat() as typeof x;
    const ctx = { tf, model, optimizer, task: 'classification' as const, weightDecay: 0 };
    step = async (report) => {
      const out = await trainStep(ctx, { x, target: labels, statsLayers: report ? all : undefined });
      return out.stats ? reduceLayerStats(out.stats, model, context) : undefined;
    };
    release = () => {
      optimizer.dispose();
      tf.dispose([x, labels]);
    };
  } else {
    const config = { model: modelConfig, train, stats, seed: 1 };
    const stepper = createStepper({
      ...{ tf, model, config, selu: DEFAULT_SELU, task: 'classification' as const },
      ...{ features: 784, classes: 10, rows: BATCH },
    });
    step = async (report) => (await stepper.step(xs, ys, BATCH, report ? all : undefined)).layers;
    release = () => stepper.dispose();
  }
  const delivery = deliverer({
    ...{ name: 'bench', seed: 1, model: modelConfig, train, stats },
    // What the store records of the data (the bench trains on random inputs).
    data: {
      source: 'synthetic',
      kind: 'blobs',
      samples: BATCH,
      features: 784,
      classes: 10,
    } as RunConfig['data'],
  });
  let reported = 0;
  const statsStep = async (): Promise<void> => {
    const layers = await step(true);
    if (layers) delivery.deliver(layers, reported++);
  };
  for (let i = 0; i < 3; i++) await step(false);
  await statsStep();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const j0 = cpuJiffies();
  const t0 = performance.now();
  // Every 4th step is a reporting step, interleaved so both kinds see the same machine load.
  const statsTimes: number[] = [];
  const cpuTimes: number[] = [];
  while (
    times.length < minSteps ||
    statsTimes.length < 2 ||
    times.reduce((a, b) => a + b, 0) < minSeconds * 1000
  ) {
    const report = (times.length + statsTimes.length) % 4 === 3;
    const t = performance.now();
    const c = process.cpuUsage();
    if (report) await statsStep();
    else await step(false);
    (report ? statsTimes : times).push(performance.now() - t);
    if (!report) {
      const used = process.cpuUsage(c);
      cpuTimes.push((used.user + used.system) / 1000);
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  const j1 = cpuJiffies();
  const own = process.cpuUsage(cpu0);
  const hz = 100; // USER_HZ on Linux
  const otherCpuPct =
    (Math.max(0, (j1.busy - j0.busy) / hz - (own.user + own.system) / 1e6) / (wallS * os.cpus().length)) *
    100;
  const stepMs = median(times);
  const statsCallMs = median(statsTimes) - stepMs;
  release();
  delivery.dispose();
  model.dispose();
  return {
    backend: options.label ?? backend,
    depth,
    medianMs: stepMs,
    cpuMedianMs: median(cpuTimes),
    samplesPerSec: (BATCH * 1000) / stepMs,
    steps: times.length,
    statsCallMs,
    statsOverheadPct: (statsCallMs / (DEFAULT_STATS_EVERY * stepMs)) * 100,
    otherCpuPct,
  };
}

/** Variant rows of the fused step (and of the previous release's step): the fused-kernel targets. */
const VARIANT_ROWS: [string, Partial<RunConfig['model']>][] = [
  ['SELU + alpha dropout 0.05', { dropout: { kind: 'alpha', rate: 0.05 } }],
  ['ReLU + He + BatchNorm', { activation: 'relu', init: 'he_normal', normalization: 'batchnorm' }],
];

/**
 * Child modes. wasm: the trainer's default (the fused step, relaxed SIMD where the engine has it); wasm-simd: the
 * same with plain SIMD (SNN_LAB_WASM_KERNELS=simd); wasm-ops: SNN Lab's kernels as tfjs ops under tfjs's autodiff
 * (the previous release's step); wasm-tfjs: tfjs's own kernels only (SNN_LAB_WASM_KERNELS=0); a backend name.
 */
const MODES: Record<string, { env?: Record<string, string>; path?: 'tfjs-step' }> = {
  wasm: {},
  'wasm-simd': { env: { SNN_LAB_WASM_KERNELS: 'simd' } },
  'wasm-ops': { path: 'tfjs-step' },
  'wasm-tfjs': { env: { SNN_LAB_WASM_KERNELS: '0' } },
};

async function child(mode: string): Promise<void> {
  const backend = mode.startsWith('wasm') ? 'wasm' : mode;
  const { info } = await initBackend(backend as 'wasm');
  const variant = info.versions['snn-lab-kernels'];
  const label =
    mode === 'wasm-tfjs'
      ? 'wasm, tfjs kernels only'
      : mode === 'wasm-ops'
        ? `wasm, SNN Lab kernels as tfjs ops (${variant})`
        : backend === 'wasm'
          ? `wasm, fused step (${variant})`
          : backend;
  const slow = backend === 'cpu';
  const rows: Row[] = [];
  const path = MODES[mode]?.path;
  for (const depth of DEPTHS) {
    const row = await measure(backend, depth, slow ? 2 : 5, slow ? 3 : 20, {
      label,
      ...(path ? { path } : {}),
    });
    rows.push({ ...row, mode });
  }
  // What alpha dropout and ReLU + BatchNorm cost against the plain SELU step at the same size (depth 8).
  if (mode === 'wasm' || mode === 'wasm-ops') {
    for (const [name, model] of VARIANT_ROWS) {
      const row = await measure(backend, 8, 5, 20, {
        label: `${label}, ${name}`,
        model,
        ...(path ? { path } : {}),
      });
      rows.push({ ...row, mode: `${mode}/${name}` });
    }
  }
  // Reference row: tfjs's own matMul gradient (transposed matmuls) with tfjs's kernels, depth 8 only.
  if (mode === 'wasm-tfjs') {
    const stock = await measure(backend, 8, 3, 10, {
      gradient: 'stock',
      label: `${label}, stock matMul gradient`,
    });
    rows.push({ ...stock, mode: 'wasm-tfjs-stock' });
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}

function runChild(mode: string): Row[] | string {
  const env = MODES[mode]?.env ?? {};
  // The flags a forked trainer gets (relaxed SIMD on Node 20: src/runs/wasmFlags.ts).
  const flags = trainerWasmFlags(process.execPath);
  const result = spawnSync(process.execPath, [...flags, __filename, '--child', mode], {
    encoding: 'utf8',
    env: { ...process.env, ...env, SNN_LAB_WASM_DIR: path.join(ROOT, 'dist', 'wasm') },
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !line.startsWith('[')) {
    return (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
  }
  return JSON.parse(line) as Row[];
}

interface TorchResult {
  torch: string;
  blas: string[];
  threads: number;
  rows: Row[];
}

function runTorch(): TorchResult | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return `${python} not found`;
  const script = path.join(ROOT, 'bench', 'torch_mlp.py');
  const result = spawnSync(python, [script, ...DEPTHS.map(String)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  if (result.status !== 0) {
    const err = result.stderr.trim().split('\n').at(-1) ?? '';
    return err.includes("No module named 'torch'")
      ? 'python3-torch is not installed (apt-get install -y python3-torch libopenblas0-pthread)'
      : `torch benchmark failed: ${err}`;
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as TorchResult;
}

/** JSON turns NaN into null: only finite numbers are printed. */
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Keeps, per (impl, depth), the row with the lowest median step over all rounds. */
function keepBest(best: Map<string, Row>, rows: Row[]): void {
  for (const r of rows) {
    const key = `${r.mode ?? r.backend}/${r.depth}`;
    const old = best.get(key);
    if (!old || r.medianMs < old.medianMs) best.set(key, r);
  }
}

function main(): void {
  const rounds = Number(process.env.SNN_BENCH_ROUNDS ?? 3);
  console.log(
    `trainer benchmark: MLP 784 -> 256 x {${DEPTHS.join(', ')}} -> 10, batch ${BATCH}, Adam, SELU (${os.cpus().length} CPUs, ${os.cpus()[0]?.model}); ${rounds} alternating rounds, best median kept; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const best = new Map<string, Row>();
  const skipped = new Set<string>();
  let torchInfo = '';
  for (let round = 0; round < rounds; round++) {
    // The pure-JS cpu backend is ~20x slower and the tfjs-only rows are references: one round places them.
    const modes = ['tensorflow', 'wasm', 'wasm-simd', 'wasm-ops', 'wasm-tfjs', 'cpu'];
    for (const backend of round === 0 ? modes : ['tensorflow', 'wasm', 'wasm-simd']) {
      if (skipped.has(backend)) continue;
      const out = runChild(backend);
      if (typeof out === 'string') {
        console.log(`  ${backend}: skipped — ${out}`);
        skipped.add(backend);
      } else keepBest(best, out);
    }
    if (skipped.has('pytorch')) continue;
    const torch = runTorch();
    if (typeof torch === 'string') {
      console.log(`  pytorch: skipped — ${torch}`);
      skipped.add('pytorch');
    } else {
      torchInfo = `  pytorch ${torch.torch}, ${torch.threads} thread, BLAS ${torch.blas.join(', ') || 'unknown'}`;
      keepBest(
        best,
        torch.rows.map((r) => ({ ...r, backend: 'pytorch', mode: 'pytorch' })),
      );
    }
  }
  if (torchInfo) console.log(torchInfo);
  const rows = [...best.values()];
  const torchAt = (depth: number): Row | undefined =>
    rows.find((r) => r.mode === 'pytorch' && r.depth === depth);
  console.log(
    `\n| impl | depth | median step (ms) | samples/s | ours/PyTorch | median step CPU (ms) | ours/PyTorch by CPU | stats per call (ms) | stats overhead @ every ${DEFAULT_STATS_EVERY} | other CPU % |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const peer = torchAt(r.depth);
    // Variant rows have no PyTorch peer of their own (the peer trains the plain SELU net).
    const variantRow = r.mode?.includes('/') ?? false;
    const ratio =
      peer && r.mode !== 'pytorch' && !variantRow ? (r.samplesPerSec / peer.samplesPerSec).toFixed(2) : '';
    const cpuRatio =
      peer && r.mode !== 'pytorch' && !variantRow && finite(peer.cpuMedianMs) && finite(r.cpuMedianMs)
        ? (peer.cpuMedianMs / r.cpuMedianMs).toFixed(2)
        : '';
    const cpuMs = finite(r.cpuMedianMs) ? r.cpuMedianMs.toFixed(1) : '';
    const statsMs = finite(r.statsCallMs) ? r.statsCallMs.toFixed(1) : '';
    const overhead = finite(r.statsOverheadPct) ? `${r.statsOverheadPct.toFixed(2)} %` : '';
    console.log(
      `| ${r.backend} | ${r.depth} | ${r.medianMs.toFixed(1)} | ${Math.round(r.samplesPerSec)} | ${ratio} | ${cpuMs} | ${cpuRatio} | ${statsMs} | ${overhead} | ${r.otherCpuPct.toFixed(1)} |`,
    );
  }
  const wasm = rows.filter((r) => r.mode === 'wasm');
  for (const r of wasm) {
    const peer = torchAt(r.depth);
    if (peer) {
      const ratio = r.samplesPerSec / peer.samplesPerSec;
      const byCpu = (peer.cpuMedianMs ?? NaN) / (r.cpuMedianMs ?? NaN);
      console.log(
        `target ratio >= 0.8 on wasm at depth ${r.depth}: wall ${ratio.toFixed(2)} ${ratio >= 0.8 ? 'met' : 'NOT met'}, CPU ${byCpu.toFixed(2)} ${byCpu >= 0.8 ? 'met' : 'NOT met'}`,
      );
    }
    if (finite(r.statsOverheadPct)) {
      console.log(
        `target stats overhead <= 3 % at depth ${r.depth}: ${r.statsOverheadPct.toFixed(2)} % ${r.statsOverheadPct <= 3 ? 'met' : 'NOT met'}`,
      );
    }
  }
  for (const mode of ['wasm', 'wasm-ops']) {
    const base = rows.find((r) => r.mode === mode && r.depth === 8);
    const [alpha, bn] = VARIANT_ROWS.map(([name]) => rows.find((r) => r.mode === `${mode}/${name}`));
    if (!base || !alpha || !bn) continue;
    const alphaPct = (alpha.medianMs / base.medianMs - 1) * 100;
    const bnRatio = bn.medianMs / base.medianMs;
    console.log(
      `${mode} depth 8: alpha dropout adds ${alphaPct.toFixed(1)} % to a step (target <= 10 %: ${alphaPct <= 10 ? 'met' : 'NOT met'}); ReLU + BatchNorm step ${bnRatio.toFixed(2)}x the SELU step (target <= 1.3: ${bnRatio <= 1.3 ? 'met' : 'NOT met'})`,
    );
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  void child(process.argv[childIndex + 1] ?? 'wasm').catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
} else {
  main();
}
