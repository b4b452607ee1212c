/**
 * Curves tab: every metric of the compared runs overlaid, one chart per metric, with TensorBoard's debiased EMA
 * (raw line kept faint behind), log scale and x by step or epoch.
 */
import { debiasedEma } from '../../../src/core/series';
import type { CurveSeries, RunPayload } from '../../../src/protocol/webview';
import type { DashboardData } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import type { LineSeries } from '../charts/lineChart';
import { LineChart } from '../charts/lineChart';
import { checkbox, el, select, slider } from '../controls';
import { runLabel } from '../selectors';
import type { TabContext, TabView } from './tab';

/** Metric display order: per-step loss first, then train/validation pairs, then the rest alphabetically. */
export function metricOrder(names: Iterable<string>): string[] {
  const rank = (n: string): number => (n === 'batch_loss' ? 0 : n === 'loss' || n === 'val_loss' ? 1 : 2);
  const base = (n: string): string => n.replace(/^(val_|test_)/, '');
  return [...new Set(names)].sort(
    (a, b) => rank(a) - rank(b) || base(a).localeCompare(base(b)) || a.localeCompare(b),
  );
}

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
  let current: { runs: RunPayload[]; metric: string }[] = [];

  const seriesFor = (metric: string, runs: readonly RunPayload[]): LineSeries[] => {
    const { smoothing, xAxis } = ctx.ui();
    return runs.flatMap((run, i) => {
      const c: CurveSeries | undefined = run.curves[metric];
      if (!c) return [];
      const xs = xAxis === 'step' ? c.step : c.epoch;
      const smooth = debiasedEma(c.value, smoothing);
      const color = runColor(ctx.theme, i);
      const label = runLabel(run.info);
      return [
        {
          label: `${label} (raw)`,
          color,
          alpha: 0.25,
          quiet: true,
          points: xs.map((x, k) => ({ x, y: c.value[k] as number })),
        },
        { label, color, width: 2, points: xs.map((x, k) => ({ x, y: smooth[k] as number })) },
      ];
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
        }
      }
      const { logScale, xAxis } = ctx.ui();
      current = metrics.map((metric) => ({ runs, metric }));
      for (const metric of metrics) {
        let chart = charts.get(metric);
        if (!chart) {
          chart = new LineChart({
            id: `curves:${metric}`,
            title: metric,
            parent: grid,
            save: ctx.save,
            theme: ctx.theme,
            csv: () => curveCsv(current.find((c) => c.metric === metric)?.runs ?? [], metric),
          });
          charts.set(metric, chart);
        }
        chart.set(seriesFor(metric, runs), {
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
function curveCsv(runs: readonly RunPayload[], metric: string): string {
  const rows = runs.flatMap((run) => {
    const c = run.curves[metric];
    return c ? c.step.map((s, i) => [run.info.name, s, c.epoch[i], c.value[i]]) : [];
  });
  return toCsv(['run', 'step', 'epoch', metric], rows);
}
