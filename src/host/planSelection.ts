/**
 * Which of an experiment's expanded runs each action starts. "Run" takes the first sweep point (every variant and
 * fold), "Run sweep" the whole grid, "Run this variant" one variant at the first point, "Probe at init" every sweep
 * point and variant but only the first fold (probing does not train, so other folds would repeat it). vscode-free.
 */
import type { RunPlan } from '../core/config/experimentConfig';

export type PlanTarget =
  { kind: 'run' } | { kind: 'sweep' } | { kind: 'variant'; variant: string } | { kind: 'probe' };

function samePoint(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]))
  );
}

/** The plans an action starts, in file order. Throws when a named variant does not exist. */
export function selectPlans(plans: RunPlan[], target: PlanTarget): RunPlan[] {
  const first = plans[0];
  if (!first) return [];
  const atFirstPoint = plans.filter((p) => samePoint(p.sweepPoint, first.sweepPoint));
  switch (target.kind) {
    case 'sweep':
      return plans;
    case 'run':
      return atFirstPoint;
    case 'probe':
      return plans.filter((p) => p.fold === undefined || p.fold === 0);
    case 'variant': {
      const chosen = atFirstPoint.filter((p) => p.variant === target.variant);
      if (chosen.length === 0) {
        const known = [...new Set(plans.map((p) => p.variant).filter((v) => v !== undefined))];
        throw new Error(
          `no variant "${target.variant}" in this experiment (variants: ${known.join(', ') || 'none'})`,
        );
      }
      return chosen;
    }
  }
}

/** Applies the `snnLab.statsEverySteps` override (0 keeps each plan's own cadence). */
export function withStatsCadence(plans: RunPlan[], everySteps: number): RunPlan[] {
  if (everySteps <= 0) return plans;
  return plans.map((p) => ({ ...p, config: { ...p.config, stats: { ...p.config.stats, everySteps } } }));
}
