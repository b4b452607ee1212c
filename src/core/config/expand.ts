/**
 * Expands an experiment file into its concrete runs: variants x sweep grid x k folds, each a RunPlan with a
 * stable, readable, unique name "<name>[/<variant>][/<key>=<value>,...][/fold=<k>]" (see docs/experiment-format.md).
 */
import type { ExperimentFile, RunPlan } from './experimentConfig';
import { buildRunConfig, getPath } from './merge';

/** Every combination of the sweep grid, in key order with the last key varying fastest. */
export function sweepPoints(sweep: Record<string, unknown[]>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(sweep)) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return points;
}

/** The variants to run: the file's named overrides, or one unnamed base run. */
export function variantList(file: Pick<ExperimentFile, 'variants'>): { name?: string; override: unknown }[] {
  const entries = Object.entries(file.variants ?? {});
  return entries.length > 0 ? entries.map(([name, override]) => ({ name, override })) : [{ override: {} }];
}

/** Renders a sweep value for a run name: strings as they are, everything else as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const FOLDS_KEY = 'data.split.folds';

/** Runs per group for a folds value: k >= 2 folds give k runs, anything else one. */
function foldRuns(folds: unknown): number {
  return typeof folds === 'number' && folds >= 2 ? folds : 1;
}

/**
 * Number of runs the file expands to, by arithmetic (never by building them, so a huge grid costs nothing):
 * per variant, the product of the sweep's value counts, with the folds taken from the sweep, else the variant,
 * else the file. Equal to expandRuns(file).length (a unit test checks it).
 */
export function countRuns(file: Pick<ExperimentFile, 'variants' | 'sweep' | 'data'>): number {
  const sweep = file.sweep ?? {};
  const others = Object.entries(sweep).reduce(
    (n, [key, values]) => (key === FOLDS_KEY ? n : n * values.length),
    1,
  );
  const sweptFolds = sweep[FOLDS_KEY];
  return variantList(file).reduce((total, { override }) => {
    const variantFolds = getPath(override, ['data', 'split', 'folds']);
    const folds = sweptFolds
      ? sweptFolds.reduce<number>((n, value) => n + foldRuns(value), 0)
      : foldRuns(variantFolds ?? file.data?.split?.folds);
    return total + others * folds;
  }, 0);
}

/**
 * Expands `file` (validated, defaults applied) into its runs, in order variant, sweep point, fold.
 * Names are unique: a clash (e.g. sweep values 1 and "1") gets a "~2" suffix.
 */
export function expandRuns(file: ExperimentFile): RunPlan[] {
  const raw = file as unknown as Record<string, unknown>;
  const plans: RunPlan[] = [];
  const used = new Set<string>();
  for (const variant of variantList(file)) {
    for (const sweepPoint of sweepPoints(file.sweep ?? {})) {
      const segments = [file.name];
      if (variant.name !== undefined) segments.push(variant.name);
      const coordinates = Object.entries(sweepPoint).map(([key, value]) => `${key}=${formatValue(value)}`);
      if (coordinates.length > 0) segments.push(coordinates.join(','));
      let group = segments.join('/');
      for (let n = 2; used.has(group); n++) group = `${segments.join('/')}~${n}`;
      used.add(group);
      const config = buildRunConfig(raw, variant.override, sweepPoint, group);
      const folds = config.data.split.folds;
      const base = { ...(variant.name !== undefined ? { variant: variant.name } : {}), sweepPoint };
      if (folds < 2) {
        plans.push({ name: group, ...base, config });
        continue;
      }
      for (let fold = 0; fold < folds; fold++) {
        const name = `${group}/fold=${fold}`;
        plans.push({ name, ...base, fold, group, config: { ...config, name } });
      }
    }
  }
  return plans;
}
