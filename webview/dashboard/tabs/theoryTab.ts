/**
 * Theory explorer: sliders for omega, tau and the SELU parameters (or a target fixed point solved to alpha,
 * lambda); draws g's arrow field, trajectories from chosen starts (click the plane to add one), the fixed point,
 * the Jacobian there with its spectral norm, and which theorem's conditions hold. Computed with src/core/theory.
 */
import { findFixedPoint, iterateMap } from '../../../src/core/theory/fixedPoint';
import { jacobian, spectralNorm } from '../../../src/core/theory/meanVarianceMap';
import { solveSeluParameters } from '../../../src/core/theory/seluParams';
import { checkTheorems, THEOREM_DOMAINS } from '../../../src/core/theory/theorems';
import type { DashboardData } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import type { PlaneSeries } from '../charts/phasePlane';
import { PhasePlaneChart } from '../charts/phasePlane';
import { button, el, select, slider } from '../controls';
import type { TheoryUi } from '../uiState';
import { mapWith } from './fixedPointTab';
import type { TabContext, TabView } from './tab';

/** Default starts: the corners of a wide window, so contraction towards the fixed point is visible. */
const DEFAULT_STARTS = [
  { x: -0.6, y: 0.15 },
  { x: 0.6, y: 0.15 },
  { x: -0.6, y: 2.6 },
  { x: 0.6, y: 2.6 },
];
const BOUNDS = { mu: [-0.8, 0.8] as [number, number], nu: [0, 3] as [number, number] };
const ITERATIONS = 12;
/** 4 decimals; values that round to zero print as 0.0000 (never -0.0000). */
const f4 = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) < 5e-5 ? 0 : v).toFixed(4) : String(v));

/** SELU parameters of the explorer's settings, or an error text when the target cannot be solved. */
export function theoryParams(t: TheoryUi): { alpha: number; lambda: number } | string {
  if (t.mode === 'params') return { alpha: t.alpha, lambda: t.lambda };
  try {
    const s = solveSeluParameters(t.targetMean, t.targetVariance);
    return { alpha: s.alpha, lambda: s.lambda };
  } catch (error) {
    return `no SELU parameters for fixed point (${t.targetMean}, ${t.targetVariance}): ${(error as Error).message}`;
  }
}

export function createTheoryTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-theory');
  const bar = el('div', 'toolbar');
  const set = (patch: Partial<TheoryUi>): void => ctx.update({ theory: { ...ctx.ui().theory, ...patch } });
  const t0 = ctx.ui().theory;
  const mk = (id: keyof TheoryUi, label: string, min: number, max: number, step: number): HTMLElement =>
    slider({
      id: `theory-${id}`,
      label,
      min,
      max,
      step,
      value: t0[id] as number,
      format: (v) => v.toFixed(3),
      onInput: (v) => set({ [id]: v }),
    }).element;
  bar.append(
    mk('omega', 'ω', -0.3, 0.3, 0.005),
    mk('tau', 'τ', 0.5, 1.5, 0.005),
    select(
      'Parameters',
      [
        { value: 'params', label: 'α, λ' },
        { value: 'target', label: 'target fixed point' },
      ],
      t0.mode,
      (v) => set({ mode: v }),
      'theory-mode',
    ).element,
    mk('alpha', 'α', 0.5, 3, 0.001),
    mk('lambda', 'λ', 0.8, 1.5, 0.001),
    mk('targetMean', 'target μ*', -0.3, 0.3, 0.005),
    mk('targetVariance', 'target ν*', 0.5, 2, 0.005),
    button('Reset starts', () => {
      starts = [...DEFAULT_STARTS];
      ctx.update({});
    }),
  );
  const readout = el('div', 'readout');
  const grid = el('div', 'grid single');
  root.append(bar, grid, readout);
  let starts = [...DEFAULT_STARTS];
  let trajectories: PlaneSeries[] = [];
  const plane = new PhasePlaneChart({
    parent: grid,
    save: ctx.save,
    theme: ctx.theme,
    id: 'theory:plane',
    title: 'Map g: (μ, ν) → (μ̃, ν̃)  — click to add a start',
    className: 'tall',
    csv: () =>
      toCsv(
        ['trajectory', 'iteration', 'mean', 'variance'],
        trajectories.flatMap((s) => s.points.map((p, i) => [s.label, i, p.x, p.y])),
      ),
  });
  plane.card.onClick = (mu, nu) => {
    if (!(nu > 0)) return;
    starts = [...starts, { x: mu, y: nu }].slice(-8);
    ctx.update({});
  };

  return {
    root,
    render(_data: DashboardData) {
      const t = ctx.ui().theory;
      const params = theoryParams(t);
      if (typeof params === 'string') {
        readout.replaceChildren(el('p', 'error', params));
        plane.set([], { bounds: BOUNDS });
        return;
      }
      const map = mapWith(t.omega, t.tau, params);
      trajectories = starts.map((s, i) => {
        let states: { mean: number; variance: number }[];
        try {
          states = iterateMap({ mu: s.x, nu: s.y, omega: t.omega, tau: t.tau }, ITERATIONS, params);
        } catch {
          states = [{ mean: s.x, variance: s.y }];
        }
        return {
          label: `from (${s.x.toFixed(2)}, ${s.y.toFixed(2)})`,
          color: runColor(ctx.theme, i),
          line: true,
          radius: 2,
          points: states.map((m) => ({ x: m.mean, y: m.variance })),
        };
      });
      const fp = findFixedPoint({ omega: t.omega, tau: t.tau }, params);
      const series: PlaneSeries[] = [...trajectories];
      if (fp.converged) {
        series.push({
          label: 'fixed point',
          color: ctx.theme.reference,
          points: [{ x: fp.mean, y: fp.variance }],
          radius: 7,
          pointStyle: 'star',
        });
      }
      const box = THEOREM_DOMAINS.theorem1.boxes[0];
      plane.set(series, { map, box: { mu: box.mu, nu: box.nu }, bounds: BOUNDS });
      readout.replaceChildren(...describe(t, params, fp));
    },
    destroy() {
      plane.card.destroy();
      root.remove();
    },
  };
}

/** The numbers beside the plane: parameters, fixed point, Jacobian, spectral norm and the theorem checks. */
function describe(
  t: TheoryUi,
  p: { alpha: number; lambda: number },
  fp: ReturnType<typeof findFixedPoint>,
): HTMLElement[] {
  const lines: HTMLElement[] = [
    el('p', '', `α = ${f4(p.alpha)}, λ = ${f4(p.lambda)}, ω = ${f4(t.omega)}, τ = ${f4(t.tau)}`),
  ];
  if (!fp.converged) {
    lines.push(el('p', 'warning', `No attracting fixed point found: ${fp.reason ?? 'did not converge'}.`));
    return lines;
  }
  const input = { mu: fp.mean, nu: fp.variance, omega: t.omega, tau: t.tau };
  const j = jacobian(input, p);
  const norm = spectralNorm(j);
  lines.push(
    el(
      'p',
      '',
      `Fixed point (μ*, ν*) = (${f4(fp.mean)}, ${f4(fp.variance)}) after ${fp.iterations} iterations`,
    ),
    el('p', '', `Jacobian J = [[${f4(j[0][0])}, ${f4(j[0][1])}], [${f4(j[1][0])}, ${f4(j[1][1])}]]`),
    el(
      'p',
      norm < 1 ? 'ok' : 'warning',
      `Spectral norm ‖J‖₂ = ${f4(norm)} ${norm < 1 ? '< 1: contraction' : '≥ 1: not a contraction'}`,
    ),
  );
  const report = checkTheorems(input, p);
  const list = el('ul', 'theorems');
  for (const key of ['theorem1', 'theorem2', 'theorem3'] as const) {
    const r = report[key];
    const item = el('li', r.holds ? 'ok' : 'muted');
    item.textContent = `${THEOREM_DOMAINS[key].name}: ${r.holds ? 'conditions hold' : `not applicable (${r.failed.join('; ')})`}`;
    list.append(item);
  }
  lines.push(list);
  return lines;
}
