/**
 * Splits a table into training, validation and test parts (optionally stratified, optionally k-fold) and
 * standardises features with statistics of the training part only. Deterministic for a given seed.
 */
import type { SplitConfig } from '../../core/config/experimentConfig';
import { createRng } from '../../core/random';
import { DataError } from './dataError';
import type { DataSplit } from './dataset';
import type { RawTable } from './table';

/** Index lists of the three parts. */
export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * A shuffled order of all samples. Stratified: each class is shuffled on its own and its samples are spread
 * evenly along the order, so any contiguous slice (a test part, a validation part, a fold) keeps the class proportions.
 */
function shuffledOrder(table: RawTable, stratify: boolean, seed: number): number[] {
  const rng = createRng(seed);
  const all = Array.from({ length: table.n }, (_, i) => i);
  if (!stratify || table.task !== 'classification') return rng.shuffle(all);
  const byClass = new Map<number, number[]>();
  for (const i of all) {
    const label = table.y[i] as number;
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  }
  const keyed: { index: number; key: number }[] = [];
  for (const members of byClass.values()) {
    rng.shuffle(members);
    const offset = rng.next();
    members.forEach((index, rank) => keyed.push({ index, key: (rank + offset) / members.length }));
  }
  return keyed.sort((a, b) => a.key - b.key || a.index - b.index).map((entry) => entry.index);
}

/** Computes the parts; with k folds (folds >= 2) the validation part is the `fold`-th contiguous k-th of the non-test order. */
export function splitIndices(table: RawTable, split: SplitConfig, seed: number, fold = 0): SplitIndices {
  const order = shuffledOrder(table, split.stratify, seed);
  const nTest = Math.round(split.test * table.n);
  const test = order.slice(0, nTest);
  const rest = order.slice(nTest);
  if (table.folds) return importedFolds(table.folds, split, { test, rest, fold });
  if (split.folds >= 2) {
    if (rest.length < split.folds) {
      throw new DataError(
        `only ${rest.length} non-test rows for ${split.folds} folds: every fold needs at least one row (lower data.split.folds or data.split.test)`,
      );
    }
    if (fold < 0 || fold >= split.folds || !Number.isInteger(fold)) {
      throw new DataError(
        `fold ${fold} does not exist: data.split.folds is ${split.folds} (folds are 0..${split.folds - 1})`,
      );
    }
    const start = Math.floor((fold * rest.length) / split.folds);
    const end = Math.floor(((fold + 1) * rest.length) / split.folds);
    const validation = rest.slice(start, end);
    const train = [...rest.slice(0, start), ...rest.slice(end)];
    return { train, validation, test };
  }
  const nValidation = Math.round(split.validation * table.n);
  const validation = rest.slice(0, nValidation);
  const train = rest.slice(nValidation);
  if (train.length === 0) {
    throw new DataError(
      `no training rows left: ${table.n} rows, ${nTest} for test, ${nValidation} for validation`,
    );
  }
  return { train, validation, test };
}

/** The parts for imported folds (data.foldColumn): the `fold`-th fold value validates, the others train. */
function importedFolds(
  folds: NonNullable<RawTable['folds']>,
  split: SplitConfig,
  parts: { test: number[]; rest: number[]; fold: number },
): SplitIndices {
  const { names, index } = folds;
  const shown = names.map((name) => `"${name}"`).join(', ');
  if (names.length < 2) {
    throw new DataError(
      `data.foldColumn has a single fold (${shown}): k-fold cross-validation needs at least 2 distinct values`,
    );
  }
  if (split.folds !== names.length) {
    throw new DataError(
      `data.split.folds is ${split.folds} but the fold column has ${names.length} folds (${shown}): set data.split.folds to ${names.length}`,
    );
  }
  const validation = parts.rest.filter((i) => index[i] === parts.fold);
  const train = parts.rest.filter((i) => index[i] !== parts.fold);
  if (validation.length === 0 || train.length === 0) {
    throw new DataError(
      `fold "${names[parts.fold]}" leaves no ${validation.length === 0 ? 'validation' : 'training'} rows outside the test part`,
    );
  }
  return { train, validation, test: parts.test };
}

/** Per-feature mean and standard deviation over the given rows. */
export function featureStats(
  table: RawTable,
  rows: readonly number[],
): { mean: Float64Array; std: Float64Array } {
  const d = table.features;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const i of rows) {
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (table.x[i * d + j] as number);
  }
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / Math.max(1, rows.length);
  for (const i of rows) {
    for (let j = 0; j < d; j++) {
      std[j] = (std[j] as number) + ((table.x[i * d + j] as number) - (mean[j] as number)) ** 2;
    }
  }
  for (let j = 0; j < d; j++) std[j] = Math.sqrt((std[j] as number) / Math.max(1, rows.length));
  return { mean, std };
}

/** Below this training standard deviation a feature counts as constant and becomes 0 (docs/snn-spec.md §3.2). */
const CONSTANT_STD = 1e-12;

/** Copies rows into a DataSplit, optionally standardising with the given statistics. */
export function gather(
  table: RawTable,
  rows: readonly number[],
  stats?: { mean: Float64Array; std: Float64Array },
): DataSplit {
  const d = table.features;
  const x = new Float32Array(rows.length * d);
  const y = new Float32Array(rows.length);
  const index = Int32Array.from(rows, (row) => table.sourceIndex?.[row] ?? row);
  rows.forEach((row, r) => {
    y[r] = table.y[row] as number;
    for (let j = 0; j < d; j++) {
      const value = table.x[row * d + j] as number;
      if (!stats) x[r * d + j] = value;
      else {
        const std = stats.std[j] as number;
        x[r * d + j] = std > CONSTANT_STD ? (value - (stats.mean[j] as number)) / std : 0;
      }
    }
  });
  return { x, y, n: rows.length, index };
}
