/**
 * Curves tab: every metric of the compared runs overlaid, one chart per metric, with TensorBoard's debiased EMA
 * (raw line kept faint behind), log scale and x by step or epoch.
 */
import { debiasedEma, lttbIndices } from '../../../src/core/series';
import type { CurveSeries } from '../../../src/protocol/webview';
import type { RunView } from '../../shared/store';
import type { DashboardData } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import type { LineSeries } from '../charts/lineChart';
import { LineChart } from '../charts/lineChart';
import { checkbox, el, select, slider } from '../controls';
import { runLabel } from '../selectors';
import type { TabContext, TabView } from './tab';

/** Code-unit order: metric names are identifiers, and `localeCompare`'s first call builds a collator (~18 ms). */
const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Metric display order: per-step loss first, then train/validation pairs, then the rest alphabetically. */
export function metricOrder(names: Iterable<string>): string[] {
  const rank = (n: string): number => (n === 'batch_loss' ? 0 : n === 'loss' || n === 'val_loss' ? 1 : 2);
  const base = (n: string): string => n.replace(/^(val_|test_)/, '');
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || byCode(base(a), base(b)) || byCode(a, b));
}

/** Past this many runs the header's colour swatches are the legend (a 16-entry legend crowds out the plot). */
export const LEGEND_RUNS = 6;

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
  root.append(bar, grid, empty);
  const charts = new Map<string, LineChart>();
  const signatures = new Map<string, string>();
  let current: { runs: RunView[]; metric: string }[] = [];

  const seriesFor = (metric: string, runs: readonly RunView[]): LineSeries[] => {
    const { smoothing, xAxis } = ctx.ui();
    return runs.flatMap((run, i) => {
      const c: CurveSeries | undefined = run.curves[metric];
      if (!c) return [];
      const xs = xAxis === 'step' ? c.step : c.epoch;
      // Smooth the whole series, then draw about one point per pixel column (LTTB keeps spikes and NaN).
      const smooth = debiasedEma(c.value, smoothing);
      const keep = lttbIndices(xs, c.value, MAX_POINTS);
      const color = runColor(ctx.theme, i);
      const label = runLabel(run.info);
      const at = (ys: readonly number[]): number[] => keep.map((k) => ys[k] as number);
      const px = at(xs);
      if (smoothing === 0) return [{ label, color, width: 1.5, xs: px, ys: at(c.value) }];
      const raw: LineSeries = {
        label: `${label} (raw)`,
        color,
        alpha: 0.25,
        quiet: true,
        xs: px,
        ys: at(c.value),
      };
      const smoothed: LineSeries = { label, color, width: 2, xs: px, ys: at(smooth) };
      // TensorBoard keeps the raw line faint behind the smoothed one; past LEGEND_RUNS runs it is only clutter.
      return runs.length <= LEGEND_RUNS ? [raw, smoothed] : [smoothed];
    });
  };

  return {
    root,
    render(data: DashboardData) {
      const runs = selectedRuns(data);
      const metrics = metricOrder(runs.flatMap((r) => Object.keys(r.curves)));
      empty.hidden = metrics.length > 0;
      for (const [name, chart] of charts) {
        if (!metrics.includes(name)) {
          chart.card.destroy();
          charts.delete(name);
          signatures.delete(name);
        }
      }
      const { logScale, xAxis, smoothing } = ctx.ui();
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
      for (const metric of metrics) {
        const chart = charts.get(metric);
        if (!chart) continue;
        // Redraw only charts whose inputs changed (a live push usually extends batch_loss alone).
        const signature = JSON.stringify([
          logScale,
          xAxis,
          smoothing,
          runs.map((r) => {
            const c = r.curves[metric];
            return [r.info.runId, c?.step.length ?? 0, c?.step.at(-1) ?? -1];
          }),
        ]);
        if (signatures.get(metric) === signature) continue;
        signatures.set(metric, signature);
        chart.set(seriesFor(metric, runs), {
          legend: runs.length <= LEGEND_RUNS,
          xTitle: xAxis,
          yTitle: metric,
          logY: logScale && !/accuracy|auc/.test(metric),
        });
      }
    },
    destroy() {
      for (const chart of charts.values()) chart.card.destroy();
      root.remove();
    },
  };
}

/** run,step,epoch,value rows of one metric (raw values). */
function curveCsv(runs: readonly RunView[], metric: string): string {
  const rows = runs.flatMap((run) => {
    const c = run.curves[metric];
    return c ? c.step.map((s, i) => [run.info.name, s, c.epoch[i], c.value[i]]) : [];
  });
  return toCsv(['run', 'step', 'epoch', metric], rows);
}
