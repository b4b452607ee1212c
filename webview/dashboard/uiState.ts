/**
 * The dashboard's view settings (tab, smoothing, axes, chosen step/layer, theory sliders), persisted with the
 * webview state so a reload or a hidden-then-shown panel comes back the same. The host reads `selected` and `tab`
 * from the same object when it restores the panel (host/webviews/dashboardPanels.ts parseDashboardState).
 */
import type { RunId } from '../../src/protocol/ids';
import type { DashboardTab } from '../../src/protocol/webview';
import { DASHBOARD_TABS } from '../../src/protocol/webview';

export interface TheoryUi {
  omega: number;
  tau: number;
  alpha: number;
  lambda: number;
  /** 'params' edits alpha, lambda directly; 'target' solves them for the target fixed point. */
  mode: 'params' | 'target';
  targetMean: number;
  targetVariance: number;
}

export interface UiState {
  tab: DashboardTab;
  selected: RunId[];
  /** Debiased EMA weight, TensorBoard's default 0.6. */
  smoothing: number;
  logScale: boolean;
  xAxis: 'step' | 'epoch';
  /** Chosen step for the Layers/Distributions/Fixed point tabs; 'live' follows the newest frame. */
  step: number | 'live';
  layer: number;
  quantity: 'post' | 'pre';
  heatmap: 'variance' | 'gradNorm';
  theory: TheoryUi;
}

export const defaultUi: UiState = {
  tab: 'curves',
  selected: [],
  smoothing: 0.6,
  logScale: false,
  xAxis: 'step',
  step: 'live',
  layer: 0,
  quantity: 'post',
  heatmap: 'variance',
  theory: {
    omega: 0,
    tau: 1,
    alpha: 1.6732632423543772,
    lambda: 1.0507009873554805,
    mode: 'params',
    targetMean: 0,
    targetVariance: 1,
  },
};

const num = (v: unknown, fallback: number, lo = -Infinity, hi = Infinity): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;

/** Restores persisted settings, field by field, falling back to defaults (the state may be from an older build). */
export function restoreUi(saved: unknown): UiState {
  if (typeof saved !== 'object' || saved === null) return structuredClone(defaultUi);
  const s = saved as Partial<Record<keyof UiState, unknown>>;
  const t = (typeof s.theory === 'object' && s.theory !== null ? s.theory : {}) as Partial<
    Record<keyof TheoryUi, unknown>
  >;
  const d = defaultUi.theory;
  return {
    tab: (DASHBOARD_TABS as readonly unknown[]).includes(s.tab) ? (s.tab as DashboardTab) : defaultUi.tab,
    selected: Array.isArray(s.selected) ? (s.selected.filter((x) => typeof x === 'string') as RunId[]) : [],
    smoothing: num(s.smoothing, defaultUi.smoothing, 0, 0.99),
    logScale: s.logScale === true,
    xAxis: s.xAxis === 'epoch' ? 'epoch' : 'step',
    step: s.step === 'live' || typeof s.step !== 'number' ? 'live' : s.step,
    layer: Math.round(num(s.layer, 0, 0)),
    quantity: s.quantity === 'pre' ? 'pre' : 'post',
    heatmap: s.heatmap === 'gradNorm' ? 'gradNorm' : 'variance',
    theory: {
      omega: num(t.omega, d.omega, -1, 1),
      tau: num(t.tau, d.tau, 0.05, 3),
      alpha: num(t.alpha, d.alpha, 0.01, 10),
      lambda: num(t.lambda, d.lambda, 0.01, 5),
      mode: t.mode === 'target' ? 'target' : 'params',
      targetMean: num(t.targetMean, d.targetMean, -1, 1),
      targetVariance: num(t.targetVariance, d.targetVariance, 0.05, 4),
    },
  };
}
