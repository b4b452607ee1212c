/**
 * The theory explorer's numbers beside the plane (parameters, fixed point, Jacobian, spectral norm, theorem checks)
 * and the window it draws: fitted to the fixed point and the trajectories, capped, with what lies beyond it counted.
 */
import type { findFixedPoint } from '../../../src/core/theory/fixedPoint';
import { jacobian, spectralNorm } from '../../../src/core/theory/meanVarianceMap';
import { checkTheorems, formatValue, THEOREM_DOMAINS } from '../../../src/core/theory/theorems';
import type { PlanePoint } from '../charts/phasePlane';
import { planeBounds } from '../charts/phasePlane';
import { el } from '../controls';
import type { TheoryUi } from '../uiState';

type Window = { mu: [number, number]; nu: [number, number] };

/** The smallest window shown (the classic view around (0, 1)); it grows to fit, up to {@link MAX_WINDOW}. */
export const BASE_WINDOW: Window = { mu: [-0.8, 0.8], nu: [0, 3] };
/** Beyond this the plane would only show a few far points and squash the rest; those points are counted instead. */
export const MAX_WINDOW: Window = { mu: [-5, 5], nu: [0, 25] };

/** 4 significant digits, "0" for values that round to zero (never "-0"). */
export const sig = (v: number): string => formatValue(v);

/** "1 iteration", "12 iterations". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The window fitted to `points` (at least the base window, at most the cap) and how many points lie outside it. */
export function fitWindow(points: readonly PlanePoint[]): { bounds: Window; outside: number } {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const wanted = planeBounds(finite, BASE_WINDOW);
  const bounds: Window = {
    mu: [Math.max(wanted.mu[0], MAX_WINDOW.mu[0]), Math.min(wanted.mu[1], MAX_WINDOW.mu[1])],
    nu: [Math.max(wanted.nu[0], MAX_WINDOW.nu[0]), Math.min(wanted.nu[1], MAX_WINDOW.nu[1])],
  };
  const inside = (p: PlanePoint): boolean =>
    p.x >= bounds.mu[0] && p.x <= bounds.mu[1] && p.y >= bounds.nu[0] && p.y <= bounds.nu[1];
  return { bounds, outside: points.length - finite.filter(inside).length };
}

/** The lines of the readout. */
export function describeTheory(
  t: TheoryUi,
  p: { alpha: number; lambda: number },
  fp: ReturnType<typeof findFixedPoint>,
  outside: number,
): HTMLElement[] {
  const lines: HTMLElement[] = [
    el('p', '', `α = ${sig(p.alpha)}, λ = ${sig(p.lambda)}, ω = ${sig(t.omega)}, τ = ${sig(t.tau)}`),
  ];
  if (outside > 0) {
    const [m0, m1] = MAX_WINDOW.mu;
    lines.push(
      el(
        'p',
        'warning',
        `${plural(outside, 'point')} of the trajectories lie${outside === 1 ? 's' : ''} beyond the plot ` +
          `(shown: μ in [${m0}, ${m1}], ν up to ${MAX_WINDOW.nu[1]}).`,
      ),
    );
  }
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
      `Fixed point (μ*, ν*) = (${sig(fp.mean)}, ${sig(fp.variance)}) after ${plural(fp.iterations, 'iteration')}`,
    ),
    el('p', '', `Jacobian J = [[${sig(j[0][0])}, ${sig(j[0][1])}], [${sig(j[1][0])}, ${sig(j[1][1])}]]`),
    el(
      'p',
      norm < 1 ? 'ok' : 'warning',
      `Spectral norm ‖J‖₂ = ${sig(norm)} ${norm < 1 ? '< 1: contraction' : '≥ 1: not a contraction'}`,
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
