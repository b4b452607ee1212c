/**
 * Theory explorer: sliders for omega, tau and the SELU parameters (or a target fixed point solved to alpha,
 * lambda; the inactive group is disabled); draws g's arrow field, trajectories from chosen starts (click the plane
 * or type a start), the fixed point, the Jacobian there with its spectral norm, and which theorem's conditions
 * hold, in a window fitted to what it draws. Computed with src/core/theory.
 */
import { SELU_ALPHA, SELU_LAMBDA } from '../../../src/core/theory/constants';
import { findFixedPoint, iterateMap } from '../../../src/core/theory/fixedPoint';
import { solveSeluParameters } from '../../../src/core/theory/seluParams';
import { THEOREM_DOMAINS } from '../../../src/core/theory/theorems';
import type { DashboardData } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import type { PlaneSeries } from '../charts/phasePlane';
import { PhasePlaneChart } from '../charts/phasePlane';
import { button, el, select, slider, type SliderHandle } from '../controls';
import type { TheoryUi } from '../uiState';
import { mapWith } from './fixedPointTab';
import { BASE_WINDOW, describeTheory, fitWindow } from './theoryReadout';
import type { TabContext, TabView } from './tab';

/** Default starts: the corners of a wide window, so contraction towards the fixed point is visible. */
const DEFAULT_STARTS = [
  { x: -0.6, y: 0.15 },
  { x: 0.6, y: 0.15 },
  { x: -0.6, y: 2.6 },
  { x: 0.6, y: 2.6 },
];
const ITERATIONS = 12;
const MAX_STARTS = 8;
/** Slider step of alpha and lambda; a value within half a step of alpha01 (lambda01) snaps to the constant. */
const PARAM_STEP = 0.001;
const snap = (v: number, target: number): number => (Math.abs(v - target) <= PARAM_STEP / 2 ? target : v);

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
  const set = (patch: Partial<TheoryUi>): void => ctx.update({ theory: { ...ctx.ui().theory, ...patch } });
  const t0 = ctx.ui().theory;
  const mk = (
    id: keyof TheoryUi,
    label: string,
    range: [number, number, number],
    toValue: (v: number) => number = (v) => v,
  ): SliderHandle =>
    slider({
      id: `theory-${id}`,
      label,
      min: range[0],
      max: range[1],
      step: range[2],
      value: t0[id] as number,
      format: (v) => v.toFixed(3),
      onInput: (v) => set({ [id]: toValue(v) }),
    });
  const omega = mk('omega', 'ω', [-0.3, 0.3, 0.005]);
  const tau = mk('tau', 'τ', [0.5, 1.5, 0.005]);
  const alpha = mk('alpha', 'α', [0.5, 3, PARAM_STEP], (v) => snap(v, SELU_ALPHA));
  const lambda = mk('lambda', 'λ', [0.8, 1.5, PARAM_STEP], (v) => snap(v, SELU_LAMBDA));
  const targetMean = mk('targetMean', 'target μ*', [-0.3, 0.3, 0.005]);
  const targetVariance = mk('targetVariance', 'target ν*', [0.5, 2, 0.005]);
  const modes = [
    { value: 'params', label: 'α, λ' },
    { value: 'target', label: 'target fixed point' },
  ] as const;
  const mode = select(
    'Parameters',
    modes,
    t0.mode,
    (v) => {
      // Leaving "target" keeps the solved parameters, so the plane does not jump.
      const solved = theoryParams(ctx.ui().theory);
      set(v === 'params' && typeof solved !== 'string' ? { mode: v, ...solved } : { mode: v });
    },
    'theory-mode',
  );
  const reset = button(
    'Reset to α01, λ01',
    () => set({ mode: 'params', alpha: SELU_ALPHA, lambda: SELU_LAMBDA }),
    true,
    'Use the standard SELU parameters alpha01 = 1.6733, lambda01 = 1.0507 (the theorems assume them)',
  );
  reset.id = 'theory-reset-params';
  const startForm = startInputs((start) => {
    starts = [...starts, start].slice(-MAX_STARTS);
    ctx.update({});
  });
  const row = (...children: HTMLElement[]): HTMLElement => {
    const bar = el('div', 'toolbar');
    bar.append(...children);
    return bar;
  };
  const readout = el('div', 'readout');
  readout.setAttribute('aria-live', 'polite');
  const grid = el('div', 'grid single');
  root.append(
    row(omega.element, tau.element),
    row(mode.element, alpha.element, lambda.element, reset),
    row(targetMean.element, targetVariance.element),
    row(
      startForm.element,
      button('Reset starts', () => {
        starts = [...DEFAULT_STARTS];
        ctx.update({});
      }),
    ),
    grid,
    readout,
  );
  let starts = [...DEFAULT_STARTS];
  let shownMode = t0.mode;
  let trajectories: PlaneSeries[] = [];
  const plane = new PhasePlaneChart({
    parent: grid,
    save: ctx.save,
    theme: ctx.theme,
    id: 'theory:plane',
    title: 'Map g: (μ, ν) → (μ̃, ν̃)  — click, or enter μ and ν above, to add a start',
    className: 'tall',
    csv: () =>
      toCsv(
        ['trajectory', 'iteration', 'mean', 'variance'],
        trajectories.flatMap((s) => s.points.map((p, i) => [s.label, i, p.x, p.y])),
      ),
  });
  plane.card.onClick = (mu, nu) => {
    if (!(nu > 0)) return;
    starts = [...starts, { x: mu, y: nu }].slice(-MAX_STARTS);
    ctx.update({});
  };

  /** Inactive controls are disabled; in "target" mode alpha and lambda show the solved values. */
  const syncControls = (t: TheoryUi, params: { alpha: number; lambda: number } | string): void => {
    const target = t.mode === 'target';
    const solvedWhy = 'Solved from the target fixed point: choose "α, λ" to set them';
    alpha.disable(target, solvedWhy);
    lambda.disable(target, solvedWhy);
    const targetWhy = 'Choose "target fixed point" to solve α, λ for a fixed point';
    targetMean.disable(!target, targetWhy);
    targetVariance.disable(!target, targetWhy);
    const shown = typeof params === 'string' ? t : params;
    alpha.set(shown.alpha);
    lambda.set(shown.lambda);
    omega.set(t.omega);
    tau.set(t.tau);
    targetMean.set(t.targetMean);
    targetVariance.set(t.targetVariance);
    if (shownMode !== t.mode) mode.setOptions(modes, t.mode);
    shownMode = t.mode;
  };

  return {
    root,
    render(_data: DashboardData) {
      const t = ctx.ui().theory;
      const params = theoryParams(t);
      syncControls(t, params);
      if (typeof params === 'string') {
        readout.replaceChildren(el('p', 'error', params));
        plane.set([], { bounds: BASE_WINDOW });
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
      const { bounds, outside } = fitWindow(series.flatMap((s) => s.points));
      const box = THEOREM_DOMAINS.theorem1.boxes[0];
      plane.set(series, { map, box: { mu: box.mu, nu: box.nu }, bounds });
      readout.replaceChildren(...describeTheory(t, params, fp, outside));
    },
    destroy() {
      plane.card.destroy();
      root.remove();
    },
  };
}

/** "Add start μ [..] ν [..] Add": a trajectory start by keyboard (the plane takes clicks too). */
function startInputs(add: (start: { x: number; y: number }) => void): { element: HTMLElement } {
  const wrap = el('div', 'control start-inputs');
  wrap.setAttribute('role', 'group');
  wrap.setAttribute('aria-label', 'Add a trajectory start');
  const field = (id: string, label: string, value: string): HTMLInputElement => {
    const input = el('input');
    input.type = 'number';
    input.id = id;
    input.step = 'any';
    input.value = value;
    input.setAttribute('aria-label', label);
    input.className = 'number';
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') submit();
    });
    return input;
  };
  const mu = field('theory-start-mu', 'start mean μ', '0');
  const nu = field('theory-start-nu', 'start variance ν', '2');
  const error = el('span', 'error');
  error.setAttribute('role', 'alert');
  const submit = (): void => {
    const x = Number(mu.value);
    const y = Number(nu.value);
    const ok = mu.value.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && y > 0;
    error.textContent = ok ? '' : 'μ must be a number and ν a number > 0';
    if (ok) add({ x, y });
  };
  const addButton = button('Add start', submit, true, 'Add a trajectory starting at (μ, ν)');
  addButton.id = 'theory-add-start';
  wrap.append(
    el('span', 'control-label', 'start μ'),
    mu,
    el('span', 'control-label', 'ν'),
    nu,
    addButton,
    error,
  );
  return { element: wrap };
}
