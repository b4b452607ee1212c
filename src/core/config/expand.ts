/**
 * Expands an experiment file into its concrete runs: variants x sweep grid x data sets x k folds x repeats, each a
 * RunPlan with a stable, readable, unique name "<name>[/<variant>][/<key>=<value>,...][/data=<file>][/fold=<k>]
 * [#r<i>]" and its own seeds (docs/experiment-format.md, docs/studies.md#seeds).
 */
import { runSeed } from '../random';
import { formatValue } from './formatValue';
import type { ExperimentFile, RunConfig, RunPlan } from './experimentConfig';
import { buildRunConfig, getPath } from './merge';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The grid part of a `sweep` value: its dotted keys with their value lists (`select` and malformed entries left out). */
export function sweepGrid(sweep: unknown): Record<string, unknown[]> {
  if (!isRecord(sweep)) return {};
  return Object.fromEntries(
    Object.entries(sweep).filter(
      (entry): entry is [string, unknown[]] => entry[0] !== 'select' && Array.isArray(entry[1]),
    ),
  );
}

/** Every combination of the sweep grid, in key order with the last key varying fastest. */
export function sweepPoints(sweep: Record<string, unknown[]>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(sweepGrid(sweep))) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return points;
}

/** The variants to run: the file's named overrides, or one unnamed base run. */
export function variantList(file: Pick<ExperimentFile, 'variants'>): { name?: string; override: unknown }[] {
  const entries = Object.entries(file.variants ?? {});
  return entries.length > 0 ? entries.map(([name, override]) => ({ name, override })) : [{ override: {} }];
}

/** The data sets of a data section: the CSV path list (a single path, or a glob not yet resolved, counts once). */
export function dataPaths(data: unknown): string[] | undefined {
  if (!isRecord(data) || data.source !== 'csv' || !Array.isArray(data.path)) return undefined;
  return data.path.filter((p): p is string => typeof p === 'string');
}

const FOLDS_KEY = 'data.split.folds';

/** Runs per group for a folds value: k >= 2 folds give k runs, anything else one. */
function foldRuns(folds: unknown): number {
  return typeof folds === 'number' && folds >= 2 ? folds : 1;
}

/**
 * Number of runs the file expands to, by arithmetic (never by building them, so a huge grid costs nothing): per
 * variant, the product of the sweep's value counts, with the folds taken from the sweep, else the variant, else
 * the file, times the variant's data sets, times the repeats. Equal to expandRuns(file).length (a unit test checks
 * it); a glob not yet resolved counts as one data set.
 */
export function countRuns(
  file: Pick<ExperimentFile, 'variants' | 'sweep' | 'data'> & { repeats?: number },
): number {
  const sweep = sweepGrid(file.sweep);
  const others = Object.entries(sweep).reduce(
    (n, [key, values]) => (key === FOLDS_KEY ? n : n * values.length),
    1,
  );
  const sweptFolds = sweep[FOLDS_KEY];
  const repeats = Math.max(1, Math.trunc(file.repeats ?? 1));
  return variantList(file).reduce((total, { override }) => {
    const variantFolds = getPath(override, ['data', 'split', 'folds']);
    const folds = sweptFolds
      ? sweptFolds.reduce<number>((n, value) => n + foldRuns(value), 0)
      : foldRuns(variantFolds ?? getPath(file.data, ['split', 'folds']));
    const variantData = getPath(override, ['data']);
    const data = isRecord(variantData) && isRecord(file.data) ? { ...file.data, ...variantData } : file.data;
    return total + others * folds * (dataPaths(data)?.length ?? 1) * repeats;
  }, 0);
}

/** A short, unique label per data path: the path as written. */
function datasetsOf(config: RunConfig): { path: string; label?: string }[] {
  const paths = dataPaths(config.data);
  if (paths === undefined) return [{ path: config.data.source === 'csv' ? config.data.path : '' }];
  return paths.map((path) => ({ path, label: path }));
}

/** The RunConfig of one replicate: its data set, its seeds, its name. */
function replicate(
  config: RunConfig,
  options: { name: string; path: string; fold?: number; repeat: number },
): RunConfig {
  const splitSeed = config.data.splitSeed ?? config.seed;
  const seed = runSeed({
    seed: config.seed,
    repeat: options.repeat,
    fold: options.fold,
    sameInitAcrossFolds: config.train.sameInitAcrossFolds ?? false,
  });
  const data =
    config.data.source === 'csv'
      ? { ...config.data, path: options.path, splitSeed }
      : { ...config.data, splitSeed };
  return { ...config, name: options.name, seed, data };
}

/**
 * Expands `file` (validated, defaults applied; globs in data.path already resolved to lists by the Node loader)
 * into its runs, in order variant, sweep point, data set, fold, repeat. Names are unique: a clash (e.g. sweep
 * values 1 and "1") gets a "~2" suffix.
 */
export function expandRuns(file: ExperimentFile): RunPlan[] {
  const raw = file as unknown as Record<string, unknown>;
  const repeats = Math.max(1, Math.trunc(file.repeats ?? 1));
  const plans: RunPlan[] = [];
  const used = new Set<string>();
  for (const variant of variantList(file)) {
    for (const sweepPoint of sweepPoints(file.sweep ?? {})) {
      const segments = [file.name];
      if (variant.name !== undefined) segments.push(variant.name);
      const coordinates = Object.entries(sweepPoint).map(([key, value]) => `${key}=${formatValue(value)}`);
      if (coordinates.length > 0) segments.push(coordinates.join(','));
      let point = segments.join('/');
      for (let n = 2; used.has(point); n++) point = `${segments.join('/')}~${n}`;
      used.add(point);
      const config = buildRunConfig(raw, variant.override, sweepPoint, point);
      const folds = config.data.split.folds >= 2 ? config.data.split.folds : 0;
      const base = { ...(variant.name !== undefined ? { variant: variant.name } : {}), sweepPoint };
      for (const dataset of datasetsOf(config)) {
        const group = dataset.label === undefined ? point : `${point}/data=${dataset.label}`;
        const labelled = dataset.label === undefined ? {} : { dataset: dataset.label };
        for (let f = 0; f < Math.max(1, folds); f++) {
          const fold = folds > 0 ? f : undefined;
          for (let repeat = 0; repeat < repeats; repeat++) {
            let name = fold === undefined ? group : `${group}/fold=${fold}`;
            if (repeats > 1) name += `#r${repeat}`;
            plans.push({
              name,
              ...base,
              ...labelled,
              ...(fold !== undefined ? { fold } : {}),
              ...(repeats > 1 ? { repeat } : {}),
              ...(name !== group ? { group } : {}),
              config: replicate(config, { name, path: dataset.path, fold, repeat }),
            });
          }
        }
      }
    }
  }
  return plans;
}
