/**
 * Derived views of the dashboard data shared by the tabs: the step axis, the frame of a run at a step, the
 * measured (omega, tau) of a frame, config differences between runs and run durations. Pure functions.
 */
import type { HistogramFrame, LayerFrame, RunInfo } from '../../src/protocol/webview';
import type { RunView } from '../shared/store';

/** The steps the step slider offers: the first run's frame steps. */
export function frameSteps(runs: readonly RunView[]): number[] {
  return runs[0]?.frames.map((f) => f.step) ?? [];
}

/**
 * The last item whose step is <= `step` (the first item when all are later); undefined for an empty list. Items are
 * in increasing step order (as runs report them), so this is a binary search: the tabs call it per run per push.
 */
export function atStep<T extends { step: number }>(items: readonly T[], step: number): T | undefined {
  return items[Math.max(0, countUpTo(items, step) - 1)];
}

/** How many of `items` (in increasing step order) have a step <= `step` (binary search). */
export function countUpTo<T extends { step: number }>(items: readonly T[], step: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as T).step <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The chosen step: the newest frame's step when following live, else the value itself. */
export function resolveStep(runs: readonly RunView[], step: number | 'live'): number {
  if (step !== 'live') return step;
  return Math.max(0, ...runs.map((r) => r.frames.at(-1)?.step ?? 0));
}

export function frameAt(run: RunView, step: number): LayerFrame | undefined {
  return atStep(run.frames, step);
}

export function histogramsAt(run: RunView, step: number): HistogramFrame | undefined {
  return atStep(run.histograms, step);
}

/**
 * The layers the (mean, variance) plane is about: for runs from other sources, those followed by an activation (the
 * output layer's logits are no SELU layer's state); SNN Lab's own frames hold hidden layers only.
 */
export function planeLayers(run: RunView, frame: LayerFrame | undefined): LayerFrame | undefined {
  if (!frame || !run.info.source) return frame;
  const bare = new Set(run.info.layers.filter((l) => l.activation === 'none').map((l) => l.layer));
  return bare.size === 0 ? frame : { ...frame, layers: frame.layers.filter((l) => !bare.has(l.layer)) };
}

/** Mean over layers of the measured per-unit omega and tau (the weights' statistics entering the map g). */
export function measuredWeights(frame: LayerFrame | undefined): { omega: number; tau: number } | undefined {
  if (!frame || frame.layers.length === 0) return undefined;
  const n = frame.layers.length;
  const omega = frame.layers.reduce((a, l) => a + l.weights.omegaMean, 0) / n;
  const tau = frame.layers.reduce((a, l) => a + l.weights.tauMean, 0) / n;
  return Number.isFinite(omega) && Number.isFinite(tau) && tau > 0 ? { omega, tau } : undefined;
}

/** Flattens a nested object to dotted keys with JSON-ish leaf values. */
export function flatten(
  value: unknown,
  prefix = '',
  out: Record<string, string> = {},
): Record<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * What a run was configured with: SNN Lab's config, or for runs from other sources the framework, the model found
 * (one key per layer) and the script's hyperparameters, so the two kinds compare key by key where they can.
 */
export function runSetup(info: RunInfo): unknown {
  if (info.config || !info.model) return info.config ?? {};
  const layers = Object.fromEntries(
    info.model.layers.map((l) => [
      `${l.layer} (${l.name})`,
      `${l.kind} ${l.fanIn}->${l.units} ${l.activation}, ${l.normalization}, ${l.dropout ? `${l.dropout.kind} ${l.dropout.rate}` : 'no dropout'}`,
    ]),
  );
  return {
    source: info.source?.kind,
    model: {
      class: info.model.class,
      parameters: info.model.parameters,
      depth: info.model.layers.length,
      layers,
    },
    hyperparameters: info.hyperparameters ?? {},
  };
}

/** "wasm", or for runs from other sources "pytorch: torch 2.3.1, python 3.11.2 · cuda:0 (...)". */
export function backendText(info: RunInfo): string {
  if (!info.source) return info.backend ?? '—';
  const { kind, versions, device } = info.source;
  const shown = ['torch', 'python'].filter((k) => versions[k]).map((k) => `${k} ${versions[k]}`);
  return `${kind}${shown.length > 0 ? `: ${shown.join(', ')}` : ''} · ${device}`;
}

/** Run duration in ms: summary, or start to end/now. */
export function durationMs(info: RunInfo, now = Date.now()): number | undefined {
  if (info.summary) return info.summary.durationMs;
  if (!info.startedAt) return undefined;
  const end = info.endedAt ? Date.parse(info.endedAt) : now;
  return end - Date.parse(info.startedAt);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m ${s % 60}s`
      : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Short label of a run: its name's last path segment(s). */
export function runLabel(info: RunInfo): string {
  const parts = info.name.split('/');
  return parts.length > 2 ? parts.slice(1).join('/') : info.name;
}
