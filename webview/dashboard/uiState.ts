/**
 * The dashboard's view settings (tab, smoothing, axes, chosen step/layer/run per tab, legend grouping, hidden and
 * isolated runs and filter, table sort, theory sliders), persisted with the
 * webview state so a reload or a hidden-then-shown panel comes back the same. The host reads `selected` and `tab`
 * from the same object when it restores the panel (host/webviews/dashboardPanels.ts parseDashboardState).
 */
import type { RunId } from '../../src/protocol/ids';
import type { DashboardTab } from '../../src/protocol/webview';
import { DASHBOARD_TABS } from '../../src/protocol/webview';
import { defaultStudyUi, restoreStudyUi, type StudyUi } from './study/studyUi';

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
  /** "Values" of the Layers tab and of the Distributions tab: each tab keeps its own. */
  layersQuantity: Quantity;
  distQuantity: Quantity;
  heatmap: 'variance' | 'gradNorm';
  /** Layers: variance on a log axis; the heatmap's run ('' = the first compared run). */
  logVariance: boolean;
  heatmapRun: string;
  /** Distributions: one small chart per run, or one chosen run; y range from all percentiles (min/max) or inner. */
  distView: 'multiples' | 'single';
  distRun: string;
  distFullRange: boolean;
  /** Fixed point: whose measured omega/tau drive the arrows ('' = first); fit the axes to every run. */
  fpRun: string;
  fpFitAll: boolean;
  /** Legend: colour by / style by a key ('' = by run / automatic). */
  colorBy: string;
  styleBy: string;
  /** Legend: runs hidden with their checkbox, the isolated run ('' = none) and the filter box's text. */
  hiddenRuns: string[];
  isolatedRun: string;
  legendFilter: string;
  /** Run table sort: column key ('' = compared order) and direction. */
  sortKey: string;
  sortDescending: boolean;
  theory: TheoryUi;
  /** Curves and Layers: draw group means with ± std bands over repeats/folds instead of every run. */
  aggregateCurves: boolean;
  aggregateLayers: boolean;
  /** The Study tab's settings (study/studyUi.ts). */
  study: StudyUi;
}

/** Activations, pre-activations (input of f) or W x + b before a normalisation (webview/dashboard/quantity.ts). */
export type Quantity = 'post' | 'pre' | 'linear';

const quantity = (v: unknown): Quantity => (v === 'pre' || v === 'linear' ? v : 'post');

export const defaultUi: UiState = {
  tab: 'curves',
  selected: [],
  smoothing: 0.6,
  logScale: false,
  xAxis: 'step',
  step: 'live',
  layer: 0,
  layersQuantity: 'post',
  distQuantity: 'post',
  heatmap: 'variance',
  logVariance: false,
  heatmapRun: '',
  distView: 'multiples',
  distRun: '',
  distFullRange: false,
  fpRun: '',
  fpFitAll: false,
  colorBy: '',
  styleBy: '',
  hiddenRuns: [],
  isolatedRun: '',
  legendFilter: '',
  sortKey: '',
  sortDescending: false,
  theory: {
    omega: 0,
    tau: 1,
    alpha: 1.6732632423543772,
    lambda: 1.0507009873554805,
    mode: 'params',
    targetMean: 0,
    targetVariance: 1,
  },
  aggregateCurves: false,
  aggregateLayers: false,
  study: defaultStudyUi,
};

const num = (v: unknown, fallback: number, lo = -Infinity, hi = Infinity): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;

const text = (v: unknown): string => (typeof v === 'string' && v.length <= 200 ? v : '');

/** Hidden runs kept at most: more than any dashboard compares, so a hostile state stays small. */
const MAX_HIDDEN = 1000;

const texts = (v: unknown): string[] =>
  Array.isArray(v)
    ? v
        .filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200)
        .slice(0, MAX_HIDDEN)
    : [];

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
    layersQuantity: quantity(s.layersQuantity),
    distQuantity: quantity(s.distQuantity),
    heatmap: s.heatmap === 'gradNorm' ? 'gradNorm' : 'variance',
    logVariance: s.logVariance === true,
    heatmapRun: text(s.heatmapRun),
    distView: s.distView === 'single' ? 'single' : 'multiples',
    distRun: text(s.distRun),
    distFullRange: s.distFullRange === true,
    fpRun: text(s.fpRun),
    fpFitAll: s.fpFitAll === true,
    colorBy: text(s.colorBy),
    styleBy: text(s.styleBy),
    hiddenRuns: texts(s.hiddenRuns),
    isolatedRun: text(s.isolatedRun),
    legendFilter: text(s.legendFilter),
    sortKey: text(s.sortKey),
    sortDescending: s.sortDescending === true,
    theory: {
      omega: num(t.omega, d.omega, -1, 1),
      tau: num(t.tau, d.tau, 0.05, 3),
      alpha: num(t.alpha, d.alpha, 0.01, 10),
      lambda: num(t.lambda, d.lambda, 0.01, 5),
      mode: t.mode === 'target' ? 'target' : 'params',
      targetMean: num(t.targetMean, d.targetMean, -1, 1),
      targetVariance: num(t.targetVariance, d.targetVariance, 0.05, 4),
    },
    aggregateCurves: s.aggregateCurves === true,
    aggregateLayers: s.aggregateLayers === true,
    study: restoreStudyUi(s.study),
  };
}
