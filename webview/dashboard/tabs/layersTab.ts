/**
 * Layers tab: at one step, the mean and variance of every layer against depth with the self-normalising target
 * bands (Theorem 1's mean/variance box), gradient norm against depth on a log axis (vanishing or exploding at a
 * glance), and a layer x step heatmap of variance or gradient norm.
 */
import type { RunView } from '../../shared/store';
import type { DashboardData } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import type { HeatKind } from '../charts/heatmap';
import { HeatmapChart } from '../charts/heatmap';
import type { LineSeries } from '../charts/lineChart';
import { LineChart } from '../charts/lineChart';
import { el, select } from '../controls';
import { frameAt, runLabel } from '../selectors';
import { LEGEND_RUNS } from './curvesTab';
import { quantitySelect, stepControl } from './stepControl';
import type { TabContext, TabView } from './tab';
import { thin } from '../../../src/core/series';

/** Heatmap columns at most (one per reported step, thinned evenly beyond). */
const HEAT_COLUMNS = 120;

export function createLayersTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-layers');
  const steps = stepControl(ctx, 'layers');
  steps.element.append(
    quantitySelect(ctx, 'layers-quantity'),
    select(
      'Heatmap',
      [
        { value: 'variance', label: 'variance' },
        { value: 'gradNorm', label: 'gradient norm' },
      ],
      ctx.ui().heatmap,
      (v: HeatKind) => ctx.update({ heatmap: v }),
      'heatmap-kind',
    ).element,
  );
  const grid = el('div', 'grid');
  root.append(steps.element, grid);
  let runs: RunView[] = [];
  let step = 0;
  /** Each run's frame at `step`, found once per render for the three depth charts. */
  let atStepFrames: (RunView['frames'][number] | undefined)[] = [];
  const base = { parent: grid, save: ctx.save, theme: ctx.theme };
  const depthCsv = (): string =>
    toCsv(
      [
        'run',
        'step',
        'layer',
        'pre_mean',
        'pre_variance',
        'post_mean',
        'post_variance',
        'grad_norm',
        'omega',
        'tau',
      ],
      runs.flatMap((run) => {
        const f = frameAt(run, step);
        return (f?.layers ?? []).map((l) => [
          run.info.name,
          f?.step,
          l.layer,
          l.pre.mean,
          l.pre.variance,
          l.post.mean,
          l.post.variance,
          l.gradNorm,
          l.weights.omegaMean,
          l.weights.tauMean,
        ]);
      }),
    );
  const mean = new LineChart({ ...base, id: 'layers:mean', title: 'Mean vs depth', csv: depthCsv });
  const variance = new LineChart({
    ...base,
    id: 'layers:variance',
    title: 'Variance vs depth',
    csv: depthCsv,
  });
  const grad = new LineChart({
    ...base,
    id: 'layers:gradNorm',
    title: 'Gradient norm vs depth',
    csv: depthCsv,
  });
  const heat = new HeatmapChart({
    ...base,
    id: 'layers:heatmap',
    title: 'Layer × step',
    className: 'wide',
    csv: () => {
      const run = runs[0];
      const key = ctx.ui().heatmap;
      const q = ctx.ui().quantity;
      return toCsv(
        ['step', 'layer', key],
        (run?.frames ?? []).flatMap((f) =>
          f.layers.map((l) => [f.step, l.layer, key === 'gradNorm' ? l.gradNorm : l[q].variance]),
        ),
      );
    },
  });

  const byDepth = (pickY: (l: RunView['frames'][number]['layers'][number]) => number): LineSeries[] =>
    runs.map((run, i) => ({
      label: runLabel(run.info),
      color: runColor(ctx.theme, i),
      // Past LEGEND_RUNS runs the markers (1,536 at 16 runs x 32 layers x 3 charts) hide each other: lines only.
      radius: runs.length <= LEGEND_RUNS ? 3 : 0,
      xs: (atStepFrames[i]?.layers ?? []).map((l) => l.layer),
      ys: (atStepFrames[i]?.layers ?? []).map(pickY),
    }));

  return {
    root,
    render(data: DashboardData) {
      runs = selectedRuns(data);
      step = steps.sync(runs);
      atStepFrames = runs.map((run) => frameAt(run, step));
      const { quantity: q, heatmap } = ctx.ui();
      const which = q === 'post' ? 'activations' : 'pre-activations';
      mean.card.setTitle(`Mean of ${which} vs depth (step ${step})`);
      mean.set(
        byDepth((l) => l[q].mean),
        {
          xTitle: 'hidden layer',
          yTitle: 'mean',
          integerX: true,
          legend: runs.length <= LEGEND_RUNS,
          reference: { bands: [{ from: -0.1, to: 0.1 }], lines: [0] },
        },
      );
      variance.card.setTitle(`Variance of ${which} vs depth (step ${step})`);
      variance.set(
        byDepth((l) => l[q].variance),
        {
          xTitle: 'hidden layer',
          yTitle: 'variance',
          integerX: true,
          legend: runs.length <= LEGEND_RUNS,
          reference: { bands: [{ from: 0.8, to: 1.5 }], lines: [1] },
        },
      );
      grad.set(
        byDepth((l) => l.gradNorm),
        {
          xTitle: 'hidden layer',
          yTitle: '‖∇W‖ (log)',
          integerX: true,
          logY: true,
          legend: runs.length <= LEGEND_RUNS,
        },
      );
      const primary = runs[0];
      const frames = thin(primary?.frames ?? [], HEAT_COLUMNS);
      heat.card.setTitle(
        `${heatmap === 'gradNorm' ? 'Gradient norm' : `Variance of ${which}`}: layer × step${primary ? ` (${runLabel(primary.info)})` : ''}`,
      );
      heat.set(
        heatmap,
        frames.map((f) => f.step),
        frames.map((f) => f.layers.map((l) => (heatmap === 'gradNorm' ? l.gradNorm : l[q].variance))),
      );
    },
    destroy() {
      for (const c of [mean, variance, grad]) c.card.destroy();
      heat.card.destroy();
      root.remove();
    },
  };
}
