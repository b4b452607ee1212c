/**
 * Layers tab: at one step, the mean and variance of every layer against depth with the self-normalising target
 * bands (Theorem 1's mean/variance box; variance optionally on a log axis), gradient norm against depth on a log
 * axis (vanishing or exploding at a glance), and a layer x step heatmap of one chosen run with a colour bar and a
 * marker at the chosen step. The tab keeps its own "Values" choice (activations, pre-activations, or W x + b before
 * the norm for runs that normalise).
 */
import { thin } from '../../../src/core/series';
import type { DashboardData, RunView } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { toCsv } from '../charts/card';
import type { HeatKind } from '../charts/heatmap';
import { HeatmapChart } from '../charts/heatmap';
import type { LineSeries } from '../charts/lineChart';
import { LineChart } from '../charts/lineChart';
import { checkbox, el, select } from '../controls';
import { frameAt } from '../selectors';
import { LEGEND_RUNS } from './curvesTab';
import { hasLinear, QUANTITY_NAMES, statOf } from '../quantity';
import type { Quantity } from '../uiState';
import { quantitySelect, runSelect, stepControl } from './stepControl';
import type { LayerAggregate } from '../../../src/core/study/layers';
import type { PlotArea } from '../../shared/plot/spec';
import { depthGroups, LayerGroups } from '../study/aggregateSeries';
import { aggregateSubtitle, aggregateToggle } from '../study/aggregateToggle';
import { groupCompared, type RunGroup } from '../study/runGroups';
import type { TabContext, TabView } from './tab';

/** Heatmap columns at most (one per reported step, thinned evenly beyond). */
const HEAT_COLUMNS = 120;

type Layer = RunView['frames'][number]['layers'][number];

/** A group's mean and spread of one statistic of the series (NaN when the group lacks the series). */
function aggregateOf(
  a: LayerAggregate,
  q: Quantity,
  key: 'mean' | 'variance',
): { mean: number; std: number } {
  const mean = q === 'linear' ? a.mean.linear : a.mean[q];
  const std = q === 'linear' ? a.std.linear : a.std[q];
  return { mean: mean?.[key] ?? Number.NaN, std: std?.[key] ?? Number.NaN };
}

export function createLayersTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-layers');
  const steps = stepControl(ctx, 'layers');
  const valuesSelect = quantitySelect(ctx, 'layers-quantity', 'layersQuantity');
  let q: Quantity = 'post';
  const heatRun = runSelect(ctx, 'Heatmap run', 'heatmap-run', (v) => ctx.update({ heatmapRun: v }));
  steps.element.append(
    valuesSelect.element,
    checkbox('Log variance', ctx.ui().logVariance, (v) => ctx.update({ logVariance: v }), 'log-variance'),
    aggregateToggle(ctx.ui().aggregateLayers, (v) => ctx.update({ aggregateLayers: v }), 'layers-aggregate'),
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
    heatRun.element,
  );
  const grid = el('div', 'grid');
  root.append(steps.element, grid);
  let runs: RunView[] = [];
  let step = 0;
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
        'linear_mean',
        'linear_variance',
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
          l.linear?.mean,
          l.linear?.variance,
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
  let heatSource: RunView | undefined;
  const heat = new HeatmapChart({
    ...base,
    id: 'layers:heatmap',
    title: 'Layer × step',
    className: 'wide',
    csv: () => {
      const key = ctx.ui().heatmap;
      return toCsv(
        ['run', 'step', 'layer', key],
        (heatSource?.frames ?? []).flatMap((f) =>
          f.layers.map((l) => [
            heatSource?.info.name,
            f.step,
            l.layer,
            key === 'gradNorm' ? l.gradNorm : statOf(l, q, 'variance'),
          ]),
        ),
      );
    },
  });

  const layerGroups = new LayerGroups();
  let groups: RunGroup[] = [];
  /** One line per run, or per group with its ± std band when aggregating (pickGroup reads mean and std). */
  const depthSeries = (
    pickY: (l: Layer) => number,
    pickGroup: (a: LayerAggregate) => { mean: number; std: number },
  ): { series: LineSeries[]; areas?: PlotArea[] } =>
    ctx.ui().aggregateLayers
      ? depthGroups(groups, (g) => layerGroups.at(g, step), pickGroup, {
          styles: ctx.styles(),
          theme: ctx.theme,
        })
      : { series: byDepth(pickY) };

  const byDepth = (pickY: (l: Layer) => number): LineSeries[] => {
    const styles = ctx.styles();
    return runs.flatMap((run, i) => {
      const style = styles.byId.get(run.info.runId);
      if (!style) return [];
      const layers = atStepFrames[i]?.layers ?? [];
      return [
        {
          label: style.label,
          color: style.color,
          dash: style.dash,
          run: run.info.runId,
          marker: style.marker,
          // Past LEGEND_RUNS runs the markers (1,536 at 16 runs x 32 layers x 3 charts) hide each other: lines only.
          radius: runs.length <= LEGEND_RUNS ? 3 : 0,
          xs: layers.map((l) => l.layer),
          ys: layers.map(pickY),
        },
      ];
    });
  };

  return {
    root,
    render(data: DashboardData) {
      runs = selectedRuns(data);
      step = steps.sync(runs);
      atStepFrames = runs.map((run) => frameAt(run, step));
      const { heatmap, logVariance, heatmapRun, aggregateLayers } = ctx.ui();
      q = valuesSelect.sync(runs);
      groups = aggregateLayers ? groupCompared(runs) : [];
      const which = QUANTITY_NAMES[q];
      // Runs from other sources report every Linear/Conv layer, the output layer included.
      const xTitle = runs.some((r) => r.info.source) ? 'layer' : 'hidden layer';
      const withStats = atStepFrames.filter((f) => (f?.layers.length ?? 0) > 0).length;
      const withSeries = runs.filter(hasLinear).length;
      const counted =
        q === 'linear'
          ? `${withSeries} of ${runs.length} runs have a norm (Wx + b recorded)`
          : `${withStats} of ${runs.length} run${runs.length === 1 ? '' : 's'} with statistics`;
      const sub = aggregateLayers
        ? `step ${step} · ${aggregateSubtitle(groups.length, runs.length)}`
        : `step ${step} · ${counted}`;
      const none =
        runs.length === 0 ? 'No runs compared.' : withStats === 0 ? 'No layer statistics yet.' : '';
      mean.card.setTitle(`Mean of ${which} vs depth`, sub);
      mean.card.setEmpty(none);
      const means = depthSeries(
        (l) => statOf(l, q, 'mean'),
        (a) => aggregateOf(a, q, 'mean'),
      );
      mean.set(means.series, {
        ...(means.areas ? { areas: means.areas } : {}),
        xTitle,
        yTitle: 'mean',
        integerX: true,
        reference: { bands: [{ from: -0.1, to: 0.1 }], lines: [0] },
      });
      variance.card.setTitle(`Variance of ${which} vs depth`, `${sub}${logVariance ? ' · log axis' : ''}`);
      variance.card.setEmpty(none);
      const variances = depthSeries(
        (l) => statOf(l, q, 'variance'),
        (a) => aggregateOf(a, q, 'variance'),
      );
      variance.set(variances.series, {
        ...(variances.areas ? { areas: variances.areas } : {}),
        xTitle,
        yTitle: logVariance ? 'variance (log)' : 'variance',
        integerX: true,
        logY: logVariance,
        reference: { bands: [{ from: 0.8, to: 1.5 }], lines: [1] },
      });
      const grads = depthSeries(
        (l) => l.gradNorm,
        (a) => ({ mean: a.mean.gradNorm, std: a.std.gradNorm }),
      );
      const gradSeries = grads.series;
      const anyGrad = gradSeries.some((s) => Array.from(s.ys).some((v) => Number.isFinite(v) && v > 0));
      const probes = runs.filter((r) => r.info.mode === 'probe').length;
      grad.card.setTitle('Gradient norm vs depth', sub);
      grad.card.setEmpty(
        none ||
          (anyGrad
            ? ''
            : probes === runs.length
              ? 'Probe runs measure the forward pass at initialisation only: no gradients, so no gradient norms.'
              : 'No gradient norms recorded at this step.'),
      );
      grad.set(gradSeries, {
        ...(grads.areas ? { areas: grads.areas } : {}),
        xTitle,
        yTitle: '‖∇W‖ (log)',
        integerX: true,
        logY: true,
      });
      heatRun.sync(runs, heatmapRun);
      const primary = runs.find((r) => r.info.runId === heatmapRun) ?? runs[0];
      heatSource = primary;
      const frames = thin(primary?.frames ?? [], HEAT_COLUMNS);
      const label = primary ? (ctx.styles().byId.get(primary.info.runId)?.label ?? primary.info.name) : '';
      heat.card.setTitle(
        `${heatmap === 'gradNorm' ? 'Gradient norm' : `Variance of ${which}`}: layer × step`,
        primary
          ? `${label} · ${frames.length} step${frames.length === 1 ? '' : 's'} · marker: step ${step}`
          : '',
      );
      const values = frames.map((f) =>
        f.layers.map((l) => (heatmap === 'gradNorm' ? l.gradNorm : statOf(l, q, 'variance'))),
      );
      const finite = values.some((c) => c.some((v) => Number.isFinite(v) && v > 0));
      heat.card.setEmpty(
        !primary
          ? 'No runs compared.'
          : frames.length === 0
            ? 'No layer statistics yet.'
            : !finite && heatmap === 'gradNorm' && primary.info.mode === 'probe'
              ? 'A probe run has no gradients: choose "variance" or a training run.'
              : heatmap === 'variance' && q === 'linear' && !hasLinear(primary)
                ? 'This run has no BatchNorm/LayerNorm, so no Wx + b before a norm: choose a run that has one.'
                : !finite
                  ? 'No finite values to colour.'
                  : '',
      );
      heat.set(
        heatmap,
        frames.map((f) => f.step),
        values,
        step,
      );
    },
    destroy() {
      for (const c of [mean, variance, grad]) c.card.destroy();
      heat.card.destroy();
      root.remove();
    },
  };
}
