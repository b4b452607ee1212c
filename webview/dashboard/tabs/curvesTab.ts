/**
 * Curves tab: every metric of the compared runs overlaid, one chart per metric, with TensorBoard's debiased EMA
 * (raw line kept faint behind it up to 6 runs) and a dot on each run's last recorded value (smoothing never hides
 * it), log scale and x by step or epoch. Probe runs record no metrics: the tab says so.
 */
import { debiasedEma, lttbIndices } from '../../../src/core/series';
import type { CurveSeries } from '../../../src/protocol/webview';
import type { RunView } from '../../shared/store';
import type { DashboardData } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { toCsv } from '../charts/card';
import type { LineSeries } from '../charts/lineChart';
import type { RunStyle } from '../runStyles';
import { LineChart } from '../charts/lineChart';
import { checkbox, el, select, slider } from '../controls';
import { aggregateToggle, aggregateSubtitle } from '../study/aggregateToggle';
import { curveGroups } from '../study/aggregateSeries';
import { groupCompared } from '../study/runGroups';
import type { TabContext, TabView } from './tab';

/** Code-unit order: metric names are identifiers, and `localeCompare`'s first call builds a collator (~18 ms). */
const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Metric display order: per-step loss first, then train/validation pairs, then the rest alphabetically. */
export function metricOrder(names: Iterable<string>): string[] {
  const rank = (n: string): number => (n === 'batch_loss' ? 0 : n === 'loss' || n === 'val_loss' ? 1 : 2);
  const base = (n: string): string => n.replace(/^(val_|test_)/, '');
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || byCode(base(a), base(b)) || byCode(a, b));
}

/** Past this many runs the faint raw lines behind the smoothed ones (and per-point markers) are only clutter. */
export const LEGEND_RUNS = 6;
/** Series with fewer points than this get a marker on every raw point (3 epochs are 3 values, not a curve). */
const FEW_POINTS = 12;

/** Points drawn per line: about one per pixel column of a card (the host sends up to 1,000). */
const MAX_POINTS = 300;

export function createCurvesTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-curves');
  const ui = ctx.ui();
  const bar = el('div', 'toolbar');
  bar.append(
    slider({
      id: 'smoothing',
      label: 'Smoothing',
      min: 0,
      max: 0.99,
      step: 0.01,
      value: ui.smoothing,
      format: (v) => v.toFixed(2),
      onInput: (v) => ctx.update({ smoothing: v }),
    }).element,
    checkbox('Log scale', ui.logScale, (v) => ctx.update({ logScale: v }), 'log-scale'),
    aggregateToggle(ui.aggregateCurves, (v) => ctx.update({ aggregateCurves: v }), 'curves-aggregate'),
    select(
      'x axis',
      [
        { value: 'step', label: 'step' },
        { value: 'epoch', label: 'epoch' },
      ],
      ui.xAxis,
      (v) => ctx.update({ xAxis: v }),
      'x-axis',
    ).element,
  );
  const grid = el('div', 'grid');
  const empty = el('p', 'empty', 'No metrics yet: start a run or select runs above.');
  empty.setAttribute('role', 'status');
  root.append(bar, grid, empty);
  const charts = new Map<string, LineChart>();
  /** What each chart was last drawn from: the settings, the styles object and every run's series by identity. */
  const drawnFrom = new Map<string, unknown[]>();
  let current: { runs: RunView[]; metric: string }[] = [];
  /**
   * The tab's first render draws the cards in view and leaves the others for right after that frame is painted:
   * with 100 runs each card costs its layout, 200 lines and the canvas's rasterisation before the first paint
   * (docs/performance.md, reopening). Once drawn, a card's pixels are those of a render that drew every card.
   */
  let first = true;
  let later = false;

  /**
   * Each run's drawn series per metric, kept while its data and look are the same (a push extends a few runs): the
   * reducer makes new curve objects only for the metrics a push extends, and run styles are new objects only when
   * they changed, so identity tells.
   */
  const made = new Map<string, { from: unknown[]; series: LineSeries[] }>();
  const seriesFor = (metric: string, runs: readonly RunView[]): LineSeries[] => {
    const { smoothing, xAxis } = ctx.ui();
    const styles = ctx.styles();
    const live = new Set(runs.map((run) => `${metric}\n${run.info.runId}`));
    for (const k of made.keys()) if (k.startsWith(`${metric}\n`) && !live.has(k)) made.delete(k);
    return runs.flatMap((run) => {
      const c: CurveSeries | undefined = run.curves[metric];
      const style = styles.byId.get(run.info.runId);
      if (!c || !style || c.value.length === 0) return [];
      const id = `${metric}\n${run.info.runId}`;
      const from = [c, smoothing, xAxis, style, runs.length <= LEGEND_RUNS];
      const kept = made.get(id);
      if (kept && sameItems(kept.from, from)) return kept.series;
      const series = runSeries(c, style, xAxis, smoothing, runs.length);
      made.set(id, { from, series });
      return series;
    });
  };

  const runSeries = (
    c: CurveSeries,
    style: RunStyle,
    xAxis: 'step' | 'epoch',
    smoothing: number,
    compared: number,
  ): LineSeries[] => {
    const xs = xAxis === 'step' ? c.step : c.epoch;
    // Smooth the whole series, then draw about one point per pixel column (LTTB keeps spikes and NaN).
    const smooth = debiasedEma(c.value, smoothing);
    const keep = lttbIndices(xs, c.value, MAX_POINTS);
    const { color, label, dash, marker } = style;
    const runId = style.runId;
    const at = (ys: readonly number[]): number[] => keep.map((k) => ys[k] as number);
    const px = at(xs);
    const few = c.value.length < FEW_POINTS;
    // The last recorded value, always drawn: a smoothed line may end far from it (3 epochs at smoothing 0.6).
    let lastIndex = c.value.length - 1;
    while (lastIndex > 0 && !Number.isFinite(c.value[lastIndex] as number)) lastIndex--;
    const lastPoint: LineSeries = {
      label: `${label}: last value`,
      color,
      run: runId,
      line: false,
      radius: 3.5,
      marker,
      xs: [xs[lastIndex] as number],
      ys: [c.value[lastIndex] as number],
    };
    if (smoothing === 0) {
      return [
        {
          label,
          color,
          dash,
          run: runId,
          width: 1.5,
          radius: few ? 2.5 : 0,
          marker,
          xs: px,
          ys: at(c.value),
        },
        lastPoint,
      ];
    }
    const raw: LineSeries = {
      label: `${label} (raw)`,
      color,
      alpha: 0.25,
      quiet: true,
      run: runId,
      radius: few ? 2 : 0,
      xs: px,
      ys: at(c.value),
    };
    const smoothed: LineSeries = { label, color, dash, run: runId, width: 2, xs: px, ys: at(smooth) };
    // TensorBoard keeps the raw line faint behind the smoothed one; past LEGEND_RUNS runs it is only clutter.
    return compared <= LEGEND_RUNS || few ? [raw, smoothed, lastPoint] : [smoothed, lastPoint];
  };

  return {
    root,
    render(data: DashboardData) {
      const runs = selectedRuns(data);
      const metrics = metricOrder(runs.flatMap((r) => Object.keys(r.curves)));
      const probes = runs.filter((r) => r.info.mode === 'probe');
      empty.hidden = metrics.length > 0 && probes.length === 0;
      empty.textContent =
        runs.length === 0
          ? 'No runs compared: pick runs under "Runs" above, or start one from an experiment file.'
          : probes.length === runs.length
            ? 'Probe runs record layer statistics at initialisation only, no training metrics: see the Layers, Distributions and Fixed point tabs.'
            : probes.length > 0
              ? `Not shown here: ${probes.length} probe run${probes.length === 1 ? '' : 's'} (statistics at initialisation only, no metrics).`
              : 'No metrics yet: the compared runs have not reported a training step.';
      for (const [name, chart] of charts) {
        if (!metrics.includes(name)) {
          chart.card.destroy();
          charts.delete(name);
          drawnFrom.delete(name);
        }
      }
      const { logScale, xAxis, smoothing, aggregateCurves } = ctx.ui();
      const groups = aggregateCurves ? groupCompared(runs) : [];
      current = metrics.map((metric) => ({ runs, metric }));
      // New cards are all added before any is drawn: a card measures its box on first draw, and measuring after
      // each insertion would lay the page out once per card.
      for (const metric of metrics) {
        if (charts.has(metric)) continue;
        const chart = new LineChart({
          id: `curves:${metric}`,
          title: metric,
          parent: grid,
          save: ctx.save,
          theme: ctx.theme,
          csv: () => curveCsv(current.find((c) => c.metric === metric)?.runs ?? [], metric),
        });
        charts.set(metric, chart);
      }
      const deferring = first;
      if (metrics.length > 0) first = false;
      for (const metric of metrics) {
        const chart = charts.get(metric);
        if (!chart) continue;
        // Cards are drawn in page order, so the ones above have their final height here; the layout this reads is
        // the one the card's own first draw needs (it measures its box).
        if (deferring && chart.card.element.getBoundingClientRect().top >= innerHeight) {
          if (!later) {
            later = true;
            // The shell renders in a frame callback: a task posted now runs after this frame's paint.
            setTimeout(() => {
              later = false;
              ctx.redraw();
            }, 0);
          }
          continue;
        }
        // Redraw only charts whose inputs changed (a live push usually extends batch_loss alone).
        const from = [
          aggregateCurves,
          logScale,
          xAxis,
          smoothing,
          ctx.styles(),
          ...runs.flatMap((r) => [r.info.runId, r.curves[metric]]),
        ];
        const before = drawnFrom.get(metric);
        if (before && sameItems(before, from)) continue;
        drawnFrom.set(metric, from);
        const withMetric = runs.filter((r) => r.curves[metric]).length;
        const axes = {
          xTitle: xAxis,
          yTitle: metric,
          logY: logScale && !/accuracy|auc/.test(metric),
          growingX: true,
        };
        if (aggregateCurves) {
          const drawn = curveGroups(metric, groups, {
            xAxis,
            smoothing,
            styles: ctx.styles(),
            theme: ctx.theme,
          });
          chart.card.setTitle(metric, aggregateSubtitle(drawn.series.length, withMetric, smoothing));
          chart.set(drawn.series, { ...axes, legend: true, areas: drawn.areas });
          continue;
        }
        chart.card.setTitle(
          metric,
          `${withMetric} run${withMetric === 1 ? '' : 's'} · ${smoothing > 0 ? `smoothing ${smoothing.toFixed(2)} (debiased EMA), faint: raw` : 'raw values'} · dots: last recorded value`,
        );
        chart.set(seriesFor(metric, runs), { ...axes, legend: true });
      }
    },
    pending: () => later,
    destroy() {
      for (const chart of charts.values()) chart.card.destroy();
      root.remove();
    },
  };
}

/** Whether two lists hold the same items (by identity) in the same order. */
function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** run,step,epoch,value rows of one metric (raw values). */
function curveCsv(runs: readonly RunView[], metric: string): string {
  const rows = runs.flatMap((run) => {
    const c = run.curves[metric];
    return c ? c.step.map((s, i) => [run.info.name, s, c.epoch[i], c.value[i]]) : [];
  });
  return toCsv(['run', 'step', 'epoch', metric], rows);
}
