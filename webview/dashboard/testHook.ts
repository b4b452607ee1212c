/**
 * window.__snnLab: what the browser tests and the benchmark read (chart dataset counts, render timings, received
 * messages). Read-only views of the dashboard; nothing in the UI depends on it.
 */
import type { HostToWebview } from '../../src/protocol/webview';
import type { DashboardData } from '../shared/store';
import type { Theme } from '../shared/theme';
import type { RunStyles } from './runStyles';
import type { UiState } from './uiState';
import type { PlotSummary } from './charts/plotSummary';
import { plotRegistry } from './charts/plotCard';
import { studyProbe, type StudyProbe } from './study/studyProbe';

/** What a chart painted last (series, points per series, labels, and bands / cells / arrows where it has them). */
export type ChartSummary = PlotSummary;

export interface TestHook {
  charts(): Record<string, ChartSummary>;
  data(): DashboardData;
  ui(): UiState;
  /** Milliseconds of each render (header + visible tab), in order. */
  renders: number[];
  /** performance.now() at the end of each render (same order as `renders`). */
  renderedAt: number[];
  /** Types and seqs of every message received. */
  received: { type: string; seq?: number }[];
  /** The seq of the snapshot this page drew from the script beside its bundle (a reopened dashboard), if it did. */
  firstFromHtml?: number;
  /** True when no render is scheduled (all received data is on screen). */
  settled(): boolean;
  /** The theme colours in use (changes when VS Code switches theme). */
  theme(): Theme;
  /** Colour, dash and label of each compared run. */
  styles(): RunStyles;
  /** What the Study tab shows (undefined before the tab was first opened). */
  study(): StudyProbe | undefined;
}

declare global {
  interface Window {
    __snnLab?: TestHook;
  }
}

export interface HookSources {
  data: () => DashboardData;
  ui: () => UiState;
  settled: () => boolean;
  theme: () => Theme;
  styles: () => RunStyles;
}

export function installTestHook(sources: HookSources) {
  const hook: TestHook = {
    renders: [],
    renderedAt: [],
    received: [],
    ...sources,
    study: () => studyProbe.read?.(),
    charts() {
      const out: Record<string, ChartSummary> = {};
      // Chart cards (our plot frame and series painter) report what they painted last (series, points, bands, cells).
      for (const [id, plot] of plotRegistry) out[id] = { ...plot.summary() };
      return out;
    },
  };
  window.__snnLab = hook;
  return {
    rendered: (ms: number) => {
      hook.renders.push(ms);
      hook.renderedAt.push(performance.now());
    },
    fromHtml: (seq: number) => {
      hook.firstFromHtml = seq;
    },
    received: (m: HostToWebview) =>
      hook.received.push({ type: m.type, ...('seq' in m ? { seq: m.seq } : {}) }),
  };
}
