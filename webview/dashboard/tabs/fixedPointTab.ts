/**
 * Fixed point tab: every layer's (mean, variance) of activations in the plane of the map g, with the SELU fixed
 * point (0, 1), the Theorem 1 box and g's arrow field for a chosen run's measured weight statistics (omega, tau).
 * Solid lines follow depth at the chosen step; dashed lines follow the last layer over training. The axes fit the
 * runs near the fixed point; points of runs far outside sit on the plot's edge as triangles pointing outwards.
 */
import { DEFAULT_SELU } from '../../../src/core/theory/constants';
import { findFixedPoint } from '../../../src/core/theory/fixedPoint';
import { meanVarianceMap } from '../../../src/core/theory/meanVarianceMap';
import { THEOREM_DOMAINS } from '../../../src/core/theory/theorems';
import { thin } from '../../../src/core/series';
import type { DashboardData, RunView } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { toCsv } from '../charts/card';
import type { PlaneMap, PlanePoint, PlaneSeries } from '../charts/phasePlane';
import { PhasePlaneChart, planeBounds } from '../charts/phasePlane';
import { checkbox, el } from '../controls';
import { countUpTo, frameAt, measuredWeights, planeLayers } from '../selectors';
import { runSelect, stepControl } from './stepControl';
import type { TabContext, TabView } from './tab';

const BOX = THEOREM_DOMAINS.theorem1.boxes[0];
/**
 * Points of a training trajectory at most (evenly spaced, first and last kept): 16 runs x 1,000 marked points cost
 * ~10 ms per update (measured with chart.js's markers), and at 1.5 px markers more than ~300 per line overlap anyway.
 */
export const TRAJECTORY_POINTS = 300;
/** "Near the fixed point": every point of a run within this window (mean, variance) is fitted by default. */
export const NEAR = { mu: [-1, 1] as const, nu: [0, 3] as const };

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

const near = (p: PlanePoint): boolean =>
  !Number.isFinite(p.x) ||
  !Number.isFinite(p.y) ||
  (p.x >= NEAR.mu[0] && p.x <= NEAR.mu[1] && p.y >= NEAR.nu[0] && p.y <= NEAR.nu[1]);

export function createFixedPointTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-fixed-point');
  const steps = stepControl(ctx, 'fp');
  const arrowsRun = runSelect(ctx, 'Arrows from', 'fp-run', (v) => ctx.update({ fpRun: v }));
  steps.element.append(
    arrowsRun.element,
    checkbox('Fit all runs', ctx.ui().fpFitAll, (v) => ctx.update({ fpFitAll: v }), 'fp-fit-all'),
  );
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
      const { fpRun, fpFitAll } = ctx.ui();
      const styles = ctx.styles();
      const series: PlaneSeries[] = [];
      runs.forEach((run) => {
        const style = styles.byId.get(run.info.runId);
        if (!style) return;
        const frame = planeLayers(run, frameAt(run, step));
        series.push({
          label: `${style.label}: depth`,
          color: style.color,
          run: run.info.runId,
          line: true,
          ...(style.dash.length > 0 ? { dash: style.dash } : {}),
          pointStyle: style.marker,
          points: (frame?.layers ?? []).map((l) => ({ x: l.post.mean, y: l.post.variance })),
        });
        const last = (frame?.layers.length ?? 0) - 1;
        series.push({
          label: `${style.label}: layer ${Math.max(0, last)} over training`,
          color: style.color,
          run: run.info.runId,
          line: true,
          dashed: true,
          alpha: 0.45,
          radius: 1.5,
          // Frames are in step order: the ones up to `step` are a prefix (its length by binary search).
          points: thin(run.frames.slice(0, countUpTo(run.frames, step)), TRAJECTORY_POINTS).flatMap((f) => {
            const l = planeLayers(run, f)?.layers[last];
            return l ? [{ x: l.post.mean, y: l.post.variance }] : [];
          }),
        });
      });
      const withWeights = runs.filter((r) => measuredWeights(planeLayers(r, frameAt(r, step))) !== undefined);
      arrowsRun.sync(withWeights, fpRun);
      const source = withWeights.find((r) => r.info.runId === fpRun) ?? withWeights[0];
      const weights = source ? measuredWeights(planeLayers(source, frameAt(source, step))) : undefined;
      const selu = source?.info.config?.model.selu ?? DEFAULT_SELU;
      series.push({
        label: 'fixed point (0, 1)',
        color: ctx.theme.reference,
        points: [{ x: 0, y: 1 }],
        radius: 7,
        pointStyle: 'star',
      });
      let map: PlaneMap | undefined;
      const sourceLabel = source ? (styles.byId.get(source.info.runId)?.label ?? source.info.name) : '';
      if (weights && source) {
        map = mapWith(weights.omega, weights.tau, selu);
        const fp = findFixedPoint({ omega: weights.omega, tau: weights.tau }, selu);
        if (fp.converged) {
          series.push({
            label: `g's fixed point for ${sourceLabel} (ω=${weights.omega.toFixed(3)}, τ=${weights.tau.toFixed(3)})`,
            color: ctx.theme.warning,
            points: [{ x: fp.mean, y: fp.variance }],
            radius: 6,
            pointStyle: 'rectRot',
          });
        }
      }
      const runPoints = series.filter((s) => s.run !== undefined).flatMap((s) => s.points);
      const fitted = fpFitAll ? runPoints : runPoints.filter(near);
      const outside = runPoints.length - fitted.length;
      const bounds = planeBounds(fitted, { mu: BOX.mu, nu: [0.5, 1.6] });
      const arrows =
        weights && source
          ? `Arrows: one step of g for SELU with the measured mean weight statistics of ${sourceLabel} at step ${step} (ω = ${weights.omega.toFixed(3)}, τ = ${weights.tau.toFixed(3)}); arrow length grows with the step size (log scale).`
          : runs.length === 0
            ? 'No runs compared.'
            : 'No weight statistics yet: the arrow field appears with the first layer report.';
      note.textContent = `${arrows} Shaded: the (μ, ν) box of Theorem 1.${
        outside > 0
          ? ` ${outside} point${outside === 1 ? '' : 's'} far from the fixed point sit on the edge as triangles (tick "Fit all runs" to see them).`
          : ''
      }`;
      plane.card.setTitle(
        '(μ, ν) of activations',
        `step ${step} · ${runs.length} run${runs.length === 1 ? '' : 's'}`,
      );
      plane.set(series, { map, box: { mu: BOX.mu, nu: BOX.nu }, bounds, edges: true });
    },
    destroy() {
      plane.card.destroy();
      root.remove();
    },
  };
}
