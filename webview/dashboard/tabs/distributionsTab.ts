/**
 * Distributions tab: a layer's percentile bands over training as small multiples (one chart per run, shared y
 * range from the inner percentiles unless min/max is asked for) or one chosen run; the ridgeline of a chosen run's
 * histograms at the chosen step; and the same layer's histogram from every compared run on one axis with the
 * N(0, 1) / selu(N(0, 1)) reference. Only runs that have the chosen layer are offered and counted. The tab keeps its
 * own "Values" choice.
 */
import { thin } from '../../../src/core/series';
import type { DashboardData, RunView } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { toCsv } from '../charts/card';
import { HistogramOverlayChart } from '../charts/histogramOverlay';
import { PercentileBandsChart } from '../charts/percentileBands';
import { binCenters, RidgelineChart } from '../charts/ridgeline';
import { checkbox, el, select } from '../controls';
import { runFocus } from '../runFocus';
import { histogramsAt } from '../selectors';
import type { Histogram } from '../../../src/core/statisticsTypes';
import type { LayerPoint } from '../../../src/protocol/webview';
import { histogramsOf, momentsOf, QUANTITY_NAMES } from '../quantity';
import type { Quantity } from '../uiState';
import { quantitySelect, runSelect, stepControl } from './stepControl';
import type { TabContext, TabView } from './tab';

/** Small multiples at most; more runs: hide some in the legend (or filter), or look at one run. */
export const MULTIPLES = 16;
/**
 * Steps per band at most: about a card's width in pixels, so a polygon vertex per pixel column at most (more are
 * painted over each other); at 1,000 steps x 8 bands the full series cost ~10 ms per update.
 */
export const BAND_POINTS = 400;

const layersOf = (r: RunView): number => r.info.layers.length || (r.frames[0]?.layers.length ?? 0);

/** y range of the bands of `runs` at layer `l`: percentiles 1..7 (inner, 6.7 %..93.3 %) or 0..8 (min..max). */
export function bandRange(
  runs: readonly RunView[],
  l: number,
  q: Quantity,
  full: boolean,
): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  const [a, b] = full ? [0, 8] : [1, 7];
  for (const run of runs) {
    for (const f of thin(run.frames, BAND_POINTS)) {
      const layer = f.layers[l];
      const p = layer ? momentsOf(layer, q)?.percentiles : undefined;
      const x = p?.[a];
      const y = p?.[b];
      if (x !== undefined && Number.isFinite(x) && x < lo) lo = x;
      if (y !== undefined && Number.isFinite(y) && y > hi) hi = y;
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

export function createDistributionsTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-distributions');
  const steps = stepControl(ctx, 'dist');
  const values = quantitySelect(ctx, 'dist-quantity', 'distQuantity');
  let chosen: Quantity = 'post';
  const layerSelect = select(
    'Layer',
    [{ value: '0', label: 'layer 0' }],
    String(ctx.ui().layer),
    (v) => ctx.update({ layer: Number(v) }),
    'dist-layer',
  );
  const view = select(
    'Bands',
    [
      { value: 'multiples', label: 'one chart per run' },
      { value: 'single', label: 'one run' },
    ],
    ctx.ui().distView,
    (v) => ctx.update({ distView: v }),
    'dist-view',
  );
  const runPick = runSelect(ctx, 'Run', 'dist-run', (v) => ctx.update({ distRun: v }));
  steps.element.append(
    layerSelect.element,
    values.element,
    view.element,
    runPick.element,
    checkbox(
      'Min/max range',
      ctx.ui().distFullRange,
      (v) => ctx.update({ distFullRange: v }),
      'dist-full-range',
    ),
  );
  const note = el('p', 'note');
  note.setAttribute('role', 'status');
  const multiples = el('div', 'grid multiples');
  const grid = el('div', 'grid');
  root.append(steps.element, note, multiples, grid);
  let runs: RunView[] = [];
  let step = 0;
  let layerKey = '';
  const base = { parent: grid, save: ctx.save, theme: ctx.theme };
  const q = (): Quantity => chosen;
  const layer = (): number => ctx.ui().layer;
  const bandCharts = new Map<string, PercentileBandsChart>();
  const bandCsv = (run: RunView | undefined) => (): string =>
    toCsv(
      ['run', 'step', 'p0', 'p6.68', 'p15.87', 'p30.85', 'p50', 'p69.15', 'p84.13', 'p93.32', 'p100'],
      (run?.frames ?? []).map((f) => [
        run?.info.name,
        f.step,
        ...((f.layers[layer()] && momentsOf(f.layers[layer()] as LayerPoint, q())?.percentiles) ?? []),
      ]),
    );
  let ridgeRun: RunView | undefined;
  const histCsv = (all: boolean): string =>
    toCsv(
      ['run', 'step', 'layer', 'bin_center', 'count'],
      (all ? runs : ridgeRun ? [ridgeRun] : []).flatMap((run) => {
        const frame = histogramsAt(run, step);
        return histogramsOf(frame, q()).flatMap((h, l) =>
          !h || (all && l !== layer())
            ? []
            : binCenters(h).map((x, i) => [run.info.name, frame?.step, l, x, h.counts[i]]),
        );
      }),
    );
  const ridge = new RidgelineChart({
    ...base,
    id: 'dist:ridgeline',
    title: 'Histograms by depth',
    csv: () => histCsv(false),
  });
  const overlay = new HistogramOverlayChart({
    ...base,
    id: 'dist:overlay',
    title: 'Same layer across runs',
    csv: () => histCsv(true),
  });

  return {
    root,
    render(data: DashboardData) {
      runs = selectedRuns(data);
      step = steps.sync(runs);
      chosen = values.sync(runs);
      const { distView, distRun, distFullRange } = ctx.ui();
      const styles = ctx.styles();
      const layers = Math.max(0, ...runs.map(layersOf));
      const l = Math.min(layer(), Math.max(0, layers - 1));
      const having = runs.filter((r) => layersOf(r) > l);
      const counts = Array.from(
        { length: Math.max(1, layers) },
        (_, i) => runs.filter((r) => layersOf(r) > i).length,
      );
      const nextLayerKey = JSON.stringify([counts, l]);
      if (nextLayerKey !== layerKey) {
        layerKey = nextLayerKey;
        layerSelect.setOptions(
          counts.map((n, i) => ({
            value: String(i),
            label: n === runs.length ? `layer ${i}` : `layer ${i} (${n} of ${runs.length} runs)`,
          })),
          String(l),
        );
      }
      runPick.sync(having, distRun);
      const what = QUANTITY_NAMES[q()];
      const visible = having.filter((r) => runFocus.visible(r.info.runId));
      const shown =
        distView === 'single'
          ? having
              .filter((r) => r.info.runId === distRun)
              .concat(having.some((r) => r.info.runId === distRun) ? [] : having.slice(0, 1))
          : visible.slice(0, MULTIPLES);
      const missing = runs.length - having.length;
      note.textContent = [
        `Layer ${l}: ${having.length} of ${runs.length} compared run${runs.length === 1 ? '' : 's'} have this layer${missing > 0 ? ` (${missing} are shallower)` : ''}.`,
        distView === 'multiples' && visible.length > MULTIPLES
          ? `Bands of the first ${MULTIPLES} of ${visible.length} shown runs: hide or filter runs in the legend, or choose "one run".`
          : '',
        `y range: ${distFullRange ? 'min to max' : 'inner percentiles (6.7 %–93.3 %; tick "Min/max range" for all)'}.`,
      ]
        .filter(Boolean)
        .join(' ');
      const range = bandRange(shown, l, q(), distFullRange);
      const wanted = new Set(shown.map((r) => r.info.runId as string));
      for (const [id, chart] of bandCharts) {
        if (!wanted.has(id)) {
          chart.card.destroy();
          bandCharts.delete(id);
        }
      }
      shown.forEach((run) => {
        const id = run.info.runId as string;
        let chart = bandCharts.get(id);
        if (!chart) {
          chart = new PercentileBandsChart({
            parent: multiples,
            save: ctx.save,
            theme: ctx.theme,
            id: `dist:bands:${id}`,
            title: 'Percentiles over steps',
            className: shown.length === 1 ? 'wide' : 'small',
            csv: bandCsv(run),
          });
          bandCharts.set(id, chart);
        }
        multiples.append(chart.card.element);
        const style = styles.byId.get(run.info.runId);
        chart.card.setTitle(`${style?.label ?? run.info.name}`, `layer ${l} ${what}: percentiles over steps`);
        const points = thin(run.frames, BAND_POINTS).flatMap((f) => {
          const s = f.layers[l];
          const m = s ? momentsOf(s, q()) : undefined;
          return m ? [{ x: f.step, percentiles: m.percentiles }] : [];
        });
        chart.card.setEmpty(
          points.length === 0
            ? 'No statistics of this layer yet.'
            : points.length === 1
              ? `One reported step${run.info.mode === 'probe' ? ' (a probe measures at initialisation only)' : ''}: see the histograms below.`
              : '',
        );
        chart.set(
          [
            {
              label: style?.label ?? run.info.name,
              color: style?.color ?? ctx.theme.foreground,
              run: run.info.runId,
              points,
            },
          ],
          what,
          range,
        );
      });
      ridgeRun = having.find((r) => r.info.runId === distRun) ?? having[0];
      const frame = ridgeRun ? histogramsAt(ridgeRun, step) : undefined;
      const ridgeStyle = ridgeRun ? styles.byId.get(ridgeRun.info.runId) : undefined;
      ridge.card.setTitle(
        `Histograms of ${what} by depth`,
        ridgeRun
          ? `${ridgeStyle?.label ?? ridgeRun.info.name} · step ${frame?.step ?? '—'} (choose the run under "Run")`
          : '',
      );
      ridge.card.setEmpty(!ridgeRun ? 'No compared run has this layer.' : !frame ? 'No histograms yet.' : '');
      // Layers without the series (a PyTorch layer with no norm after it) end the ridgeline's run of layers.
      const ridges = histogramsOf(frame, q());
      const firstMissing = ridges.findIndex((h) => !h);
      ridge.set(
        (firstMissing < 0 ? ridges : ridges.slice(0, firstMissing)) as Histogram[],
        ridgeStyle?.color ?? ctx.theme.foreground,
        what,
      );
      const series = having.flatMap((run) => {
        const h = histogramsOf(histogramsAt(run, step), q())[l];
        const style = styles.byId.get(run.info.runId);
        return h && style
          ? [{ label: style.label, color: style.color, dash: style.dash, run: run.info.runId, histogram: h }]
          : [];
      });
      overlay.card.setTitle(
        `Layer ${l} ${what} across runs`,
        `step ≤ ${step} · ${series.length} of ${runs.length} runs`,
      );
      overlay.card.setEmpty(series.length === 0 ? 'No histograms of this layer yet.' : '');
      overlay.set(series, q(), what);
    },
    destroy() {
      for (const c of bandCharts.values()) c.card.destroy();
      ridge.card.destroy();
      overlay.card.destroy();
      root.remove();
    },
  };
}
