/**
 * What the Curves and Layers tabs draw in "aggregate repeats/folds" mode: one line per group of compared runs
 * (runGroups.ts) at the group mean, with a band of ± one standard deviation over the group's runs, in the colour and
 * dash of the group's first run.
 */
import { debiasedEma } from '../../../src/core/series';
import type { LayerAggregate, LayerAggregateLine } from '../../../src/core/study/layers';
import type { PlotArea } from '../../shared/plot/spec';
import type { Theme } from '../../shared/theme';
import { runColor, withAlpha } from '../../shared/theme';
import type { LineSeries } from '../charts/lineChart';
import type { RunStyles } from '../runStyles';
import { curveBand, groupLayers, layersAt, type RunGroup } from './runGroups';

export interface GroupSeries {
  series: LineSeries[];
  areas: PlotArea[];
}

/** Band opacity: the mean line stays readable over overlapping bands. */
const BAND_ALPHA = 0.2;

/**
 * A group's colour, dash and label: with "Colour by" a key, its first run's style (groups of one value share the
 * colour); otherwise a palette colour per group, in order.
 */
function styled(
  group: RunGroup,
  index: number,
  styles: RunStyles,
  theme: Theme,
): { color: string; dash: readonly number[]; label: string } {
  const first = group.runs[0];
  const style = first ? styles.byId.get(first.info.runId) : undefined;
  const byKey = styles.colorKey !== '' && style !== undefined;
  return {
    color: byKey ? style.color : runColor(theme, index),
    dash: byKey ? style.dash : [],
    label: `${group.label} (n=${group.runs.length})`,
  };
}

/** Each group's mean curve of `metric` (runs smoothed first, then averaged) and its ± std band. */
export function curveGroups(
  metric: string,
  groups: readonly RunGroup[],
  o: { xAxis: 'step' | 'epoch'; smoothing: number; styles: RunStyles; theme: Theme },
): GroupSeries {
  const out: GroupSeries = { series: [], areas: [] };
  groups.forEach((group, index) => {
    const curves = group.runs.flatMap((run) => {
      const c = run.curves[metric];
      if (!c || c.value.length === 0) return [];
      const xs = o.xAxis === 'step' ? c.step : c.epoch;
      const ys = debiasedEma(c.value, o.smoothing);
      return [xs.map((x, i) => ({ x, y: ys[i] as number }))];
    });
    if (curves.length === 0) return;
    const band = curveBand(curves);
    const { color, dash, label } = styled(group, index, o.styles, o.theme);
    const xs = band.map((p) => p.x);
    out.series.push({ label, color, dash, width: 2, xs, ys: band.map((p) => p.mean) });
    out.areas.push({
      xs,
      lower: band.map((p) => p.mean - p.std),
      upper: band.map((p) => p.mean + p.std),
      color: withAlpha(color, BAND_ALPHA),
    });
  });
  return out;
}

/** Caches each group's per-layer aggregate until its runs' frames change (the step slider only picks a step). */
export class LayerGroups {
  private cache = new Map<string, { key: string; lines: LayerAggregateLine[] }>();

  at(group: RunGroup, step: number): LayerAggregateLine | undefined {
    const key = group.runs
      .map((r) => `${r.info.runId}:${r.frames.length}:${r.frames.at(-1)?.step}`)
      .join(',');
    let entry = this.cache.get(group.id);
    if (entry?.key !== key) {
      entry = { key, lines: groupLayers(group) };
      this.cache.set(group.id, entry);
    }
    return layersAt(entry.lines, step);
  }
}

/** Each group's mean of one per-layer statistic against depth at `step`, with the ± std band over its runs. */
export function depthGroups(
  groups: readonly RunGroup[],
  at: (group: RunGroup) => LayerAggregateLine | undefined,
  pick: (a: LayerAggregate) => { mean: number; std: number },
  o: { styles: RunStyles; theme: Theme },
): GroupSeries {
  const out: GroupSeries = { series: [], areas: [] };
  groups.forEach((group, index) => {
    const layers = at(group)?.layers ?? [];
    if (layers.length === 0) return;
    const { color, dash, label } = styled(group, index, o.styles, o.theme);
    const xs = layers.map((l) => l.mean.layer);
    const values = layers.map(pick);
    out.series.push({ label, color, dash, radius: 3, xs, ys: values.map((v) => v.mean) });
    out.areas.push({
      xs,
      lower: values.map((v) => v.mean - v.std),
      upper: values.map((v) => v.mean + v.std),
      color: withAlpha(color, BAND_ALPHA),
    });
  });
  return out;
}
