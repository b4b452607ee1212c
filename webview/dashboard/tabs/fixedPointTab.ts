/**
 * Fixed point tab: every layer's (mean, variance) of activations in the plane of the map g, with the SELU fixed
 * point (0, 1), the Theorem 1 box and g's arrow field for the first run's measured weight statistics (omega, tau).
 * Solid lines follow depth at the chosen step; dashed lines follow the last layer over training.
 */
import { DEFAULT_SELU } from '../../../src/core/theory/constants';
import { findFixedPoint } from '../../../src/core/theory/fixedPoint';
import { meanVarianceMap } from '../../../src/core/theory/meanVarianceMap';
import { THEOREM_DOMAINS } from '../../../src/core/theory/theorems';
import type { RunView } from '../../shared/store';
import type { DashboardData } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import type { PlaneMap, PlaneSeries } from '../charts/phasePlane';
import { PhasePlaneChart, planeBounds } from '../charts/phasePlane';
import { el } from '../controls';
import { countUpTo, frameAt, measuredWeights, runLabel } from '../selectors';
import { LEGEND_RUNS } from './curvesTab';
import { stepControl } from './stepControl';
import type { TabContext, TabView } from './tab';
import { thin } from '../../../src/core/series';

const BOX = THEOREM_DOMAINS.theorem1.boxes[0];
/**
 * Points of a training trajectory at most (evenly spaced, first and last kept): 16 runs x 1,000 marked points cost
 * ~10 ms per update in chart.js, and at 1.5 px markers more than ~300 per line overlap anyway.
 */
export const TRAJECTORY_POINTS = 300;

/** g with fixed (omega, tau); undefined where the map rejects its input (e.g. nu*tau <= 0). */
export function mapWith(omega: number, tau: number, p = DEFAULT_SELU): PlaneMap {
  return (mu, nu) => {
    try {
      return meanVarianceMap({ mu, nu, omega, tau }, p);
    } catch {
      return undefined;
    }
  };
}

export function createFixedPointTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-fixed-point');
  const steps = stepControl(ctx, 'fp');
  const note = el('p', 'note');
  const grid = el('div', 'grid single');
  root.append(steps.element, note, grid);
  let runs: RunView[] = [];
  let step = 0;
  const plane = new PhasePlaneChart({
    parent: grid,
    save: ctx.save,
    theme: ctx.theme,
    id: 'fixedPoint:plane',
    title: '(μ, ν) of activations',
    className: 'tall',
    csv: () =>
      toCsv(
        ['run', 'step', 'layer', 'mean', 'variance', 'omega', 'tau'],
        runs.flatMap((run) =>
          run.frames.flatMap((f) =>
            f.layers.map((l) => [
              run.info.name,
              f.step,
              l.layer,
              l.post.mean,
              l.post.variance,
              l.weights.omegaMean,
              l.weights.tauMean,
            ]),
          ),
        ),
      ),
  });

  return {
    root,
    render(data: DashboardData) {
      runs = selectedRuns(data);
      step = steps.sync(runs);
      const series: PlaneSeries[] = [];
      // Past LEGEND_RUNS runs the header's colour swatches name the runs; the legend keeps the reference marks.
      const noLegend = runs.length > LEGEND_RUNS;
      runs.forEach((run, i) => {
        const color = runColor(ctx.theme, i);
        const frame = frameAt(run, step);
        series.push({
          label: `${runLabel(run.info)}: depth`,
          color,
          line: true,
          noLegend,
          points: (frame?.layers ?? []).map((l) => ({ x: l.post.mean, y: l.post.variance })),
        });
        const last = (frame?.layers.length ?? 0) - 1;
        series.push({
          label: `${runLabel(run.info)}: layer ${Math.max(0, last)} over training`,
          color,
          line: true,
          dashed: true,
          noLegend,
          alpha: 0.45,
          radius: 1.5,
          // Frames are in step order: the ones up to `step` are a prefix (its length by binary search).
          points: thin(run.frames.slice(0, countUpTo(run.frames, step)), TRAJECTORY_POINTS).flatMap((f) => {
            const l = f.layers[last];
            return l ? [{ x: l.post.mean, y: l.post.variance }] : [];
          }),
        });
      });
      const first = runs[0];
      const weights = first ? measuredWeights(frameAt(first, step)) : undefined;
      const selu = first?.info.config?.model.selu ?? DEFAULT_SELU;
      const target: PlaneSeries = {
        label: 'fixed point (0, 1)',
        color: ctx.theme.reference,
        points: [{ x: 0, y: 1 }],
        radius: 7,
        pointStyle: 'star',
      };
      series.push(target);
      let map: PlaneMap | undefined;
      if (weights) {
        map = mapWith(weights.omega, weights.tau, selu);
        const fp = findFixedPoint({ omega: weights.omega, tau: weights.tau }, selu);
        if (fp.converged) {
          series.push({
            label: `g's fixed point (ω=${weights.omega.toFixed(3)}, τ=${weights.tau.toFixed(3)})`,
            color: ctx.theme.warning,
            points: [{ x: fp.mean, y: fp.variance }],
            radius: 6,
            pointStyle: 'rectRot',
          });
        }
        note.textContent = `Arrows: one step of g for SELU with the measured mean weight statistics of ${runLabel(first!.info)} at step ${step} (ω = ${weights.omega.toFixed(3)}, τ = ${weights.tau.toFixed(3)}). Shaded: the (μ, ν) box of Theorem 1.`;
      } else {
        note.textContent = 'No weight statistics yet: the arrow field appears with the first layer report.';
      }
      const points = series.flatMap((s) => s.points);
      plane.set(series, {
        map,
        box: { mu: BOX.mu, nu: BOX.nu },
        bounds: planeBounds(points, { mu: BOX.mu, nu: [0.5, 1.6] }),
      });
    },
    destroy() {
      plane.card.destroy();
      root.remove();
    },
  };
}
