/**
 * Dashboard message streams derived from the REAL recorded run pair (test/fixtures/streams/snn-vs-relu.jsonl): a
 * 12-run sweep (copies renamed as sweep points, values scaled apart so every line is visible, some cut to 4
 * layers), a probe run, and an empty store. The statistics stay real; only names, depths and scales change.
 */
import type { RunId } from '../../src/protocol/ids';
import type { FrameColumns, HostToWebview, RunPayload, SidebarRun } from '../../src/protocol/webview';
import { readStream } from './harness';

export type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>;

export function realSnapshot(): Snapshot {
  const last = readStream('snn-vs-relu').at(-1);
  if (last?.type !== 'snapshot') throw new Error('snn-vs-relu.jsonl must end with the final snapshot');
  return last;
}

/** Every per-layer array of a value cut to the first `n` layers (numbers such as step stay). */
function cut<T>(value: T, n: number): T {
  if (Array.isArray(value)) return value.slice(0, n) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(v, n)])) as T;
  }
  return value;
}

/** Multiplies every variance column of a frame by `factor` (keeps the shape of the real statistics). */
function scaleVariance(f: FrameColumns, factor: number): FrameColumns {
  const scale = (xs: number[]): number[] => xs.map((v) => v * factor);
  return {
    ...f,
    pre: { ...f.pre, variance: scale(f.pre.variance) },
    post: { ...f.post, variance: scale(f.post.variance) },
  };
}

export const SWEEP_DEPTHS = [4, 8];
export const SWEEP_ACTIVATIONS = ['selu', 'relu'];
export const SWEEP_RATES = [0.1, 0.03, 0.01];

/** 12 runs named like a real sweep (depth x activation x learning rate), colour slots 0..11 as the host stores. */
export function sweepRuns(): RunPayload[] {
  const base = realSnapshot().runs;
  const out: RunPayload[] = [];
  let k = 0;
  for (const depth of SWEEP_DEPTHS) {
    for (const activation of SWEEP_ACTIVATIONS) {
      for (const rate of SWEEP_RATES) {
        const src = structuredClone(base[k % base.length]!);
        const runId = `sweep-${String(k).padStart(2, '0')}` as RunId;
        const name = `sweep/model.depth=${depth},model.activation=${activation},train.learningRate=${rate}`;
        const factor = 1 + 0.35 * k;
        // The recorded runs have 8 hidden layers; depth-4 runs keep the first 4 of them.
        const layers = depth;
        const run: RunPayload = {
          info: {
            ...src.info,
            runId,
            name,
            color: k,
            layers: src.info.layers.slice(0, layers),
            ...(src.info.config
              ? {
                  config: {
                    ...src.info.config,
                    name,
                    model: { ...src.info.config.model, depth, activation: activation as 'selu' },
                  },
                }
              : {}),
          },
          curves: Object.fromEntries(
            Object.entries(src.curves).map(([m, c]) => [m, { ...c, value: c.value.map((v) => v * factor) }]),
          ),
          frames: src.frames.map((f) => scaleVariance(depth === 4 ? cut(f, 4) : f, factor)),
          histograms: src.histograms.map((h) =>
            depth === 4 ? { ...h, pre: h.pre.slice(0, 4), post: h.post.slice(0, 4) } : h,
          ),
        };
        out.push(run);
        k++;
      }
    }
  }
  return out;
}

export function sweepSnapshot(): Snapshot {
  const runs = sweepRuns();
  const real = realSnapshot();
  return {
    ...real,
    seq: 1,
    allRuns: runs.map((r) => r.info),
    selected: runs.map((r) => r.info.runId),
    runs,
    tab: undefined,
  };
}

/** The sidebar's view of the same 12 runs. */
export function sweepSidebar(): Extract<HostToWebview, { type: 'sidebarSnapshot' }> {
  const runs: SidebarRun[] = sweepRuns().map((r) => ({
    info: r.info,
    spark: r.curves.batch_loss?.value.slice(0, 48) ?? [],
    keyMetric: { name: 'loss', value: 1 },
  }));
  return { type: 'sidebarSnapshot', seq: 1, protocolVersion: realSnapshot().protocolVersion, runs };
}

/** A probe run: statistics at one step (initialisation), no metrics, no gradient norms (NaN, as the trainer sends). */
export function probeSnapshot(): Snapshot {
  const real = realSnapshot();
  const src = structuredClone(real.runs[0]!);
  const frame = src.frames[0]!;
  const run: RunPayload = {
    info: {
      ...src.info,
      runId: 'probe-1' as RunId,
      name: 'mnist/SNN',
      mode: 'probe',
      summary: undefined,
      step: 0,
    },
    curves: {},
    frames: [{ ...frame, gradNorm: frame.gradNorm.map(() => null as unknown as number) }],
    histograms: src.histograms.slice(0, 1),
  };
  return { ...real, seq: 1, allRuns: [run.info], selected: [run.info.runId], runs: [run], tab: undefined };
}
