/**
 * window.__snnLab: what the browser tests and the benchmark read (chart dataset counts, render timings, received
 * messages). Read-only views of the dashboard; nothing in the UI depends on it.
 */
import type { HostToWebview } from '../../src/protocol/webview';
import type { DashboardData } from '../shared/store';
import type { Theme } from '../shared/theme';
import type { UiState } from './uiState';
import { chartRegistry } from './charts/card';
import { heatCells } from './charts/heatmap';
import { bandCounts } from './charts/percentileBands';
import { arrowCounts } from './charts/phasePlane';

export interface ChartSummary {
  type: string;
  datasets: number;
  /** Data points per dataset. */
  points: number[];
  labels: string[];
  /** Arrows of the phase-plane field at the last paint (phase planes only). */
  arrows?: number;
  /** Cells painted at the last paint (heatmaps only). */
  cells?: number;
  /** Percentile bands painted at the last paint (distribution charts only). */
  bands?: number;
}

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
  /** True when no render is scheduled (all received data is on screen). */
  settled(): boolean;
  /** The theme colours in use (changes when VS Code switches theme). */
  theme(): Theme;
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
}

export function installTestHook(sources: HookSources) {
  const hook: TestHook = {
    renders: [],
    renderedAt: [],
    received: [],
    ...sources,
    charts() {
      const out: Record<string, ChartSummary> = {};
      for (const [id, chart] of chartRegistry) {
        const datasets = chart.data.datasets;
        const summary: ChartSummary = {
          type: String((chart.config as { type?: string }).type),
          datasets: datasets.length,
          points: datasets.map((d) => d.data.length),
          labels: datasets.map((d) => String(d.label ?? '')),
        };
        const arrows = arrowCounts.get(chart);
        if (arrows !== undefined) summary.arrows = arrows;
        const cells = heatCells.get(chart);
        if (cells !== undefined) summary.cells = cells;
        const bands = bandCounts.get(chart);
        if (bands !== undefined) summary.bands = bands;
        out[id] = summary;
      }
      return out;
    },
  };
  window.__snnLab = hook;
  return {
    rendered: (ms: number) => {
      hook.renders.push(ms);
      hook.renderedAt.push(performance.now());
    },
    received: (m: HostToWebview) =>
      hook.received.push({ type: m.type, ...('seq' in m ? { seq: m.seq } : {}) }),
  };
}
