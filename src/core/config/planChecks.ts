/**
 * Limits on a file's plan, checked without expanding it: the number of runs (counted by arithmetic, an error at
 * the sweep naming the product of its factors) and each run's memory by estimate (the worst run of every variant,
 * found one sweep key at a time since the estimate grows with each key on its own).
 */
import { countRuns, dataPaths, variantList } from './expand';
import { formatValue } from './formatValue';
import type { ExperimentFile } from './experimentConfig';
import { clip, LIMIT_RANGES, type PlanLimits } from './limits';
import {
  dataShapeOf,
  describeEstimate,
  estimateMemory,
  formatBytes,
  type EstimateInput,
} from './memoryEstimate';
import { buildRunValue } from './merge';
import { context, origin, singleKeyPoints, type Combination, type RunIssue } from './runChecks';

const FOLDS_KEY = 'data.split.folds';
const MIB = 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(n: number): string {
  return n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(2);
}

function sweepOf(file: Record<string, unknown>): Record<string, unknown[]> {
  const sweep = isRecord(file.sweep) ? file.sweep : {};
  return Object.fromEntries(
    Object.entries(sweep).filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1])),
  );
}

/**
 * The factors of a plan's size, e.g. ["2 variants", "10 model.depth", "3 data sets", "5 folds", "3 repeats"];
 * their product is the count.
 */
export function planFactors(file: Record<string, unknown>): string[] {
  const variants = isRecord(file.variants) ? Object.entries(file.variants) : [];
  const grid: { n: number; label: string }[] = [];
  for (const [key, values] of Object.entries(sweepOf(file))) {
    if (key !== FOLDS_KEY && values.length > 1) grid.push({ n: values.length, label: key });
  }
  const gridRuns = grid.reduce((product, factor) => product * factor.n, 1);
  const repeats = typeof file.repeats === 'number' && file.repeats > 1 ? Math.trunc(file.repeats) : 1;
  // Runs per grid point and repeat of each variant: its data sets times its folds.
  const perVariant = (variants.length > 0 ? variants : [['', {}] as const]).map(([name, override]) => {
    const alone = { ...file, repeats: 1, variants: name === '' ? {} : { [name]: override } };
    const variantData = isRecord(override) && isRecord(override.data) ? override.data : {};
    const sets = dataPaths(isRecord(file.data) ? { ...file.data, ...variantData } : variantData)?.length ?? 1;
    const runs = countRuns(alone as unknown as ExperimentFile) / gridRuns;
    return { sets, folds: runs / Math.max(1, sets), runs };
  });
  const factors = grid.map(({ n, label }) => `${count(n)} ${label}`);
  const first = perVariant[0] ?? { sets: 1, folds: 1, runs: 1 };
  if (perVariant.every((v) => v.sets === first.sets && v.folds === first.folds)) {
    if (variants.length > 1) factors.unshift(`${count(variants.length)} variants`);
    if (first.sets > 1) factors.push(`${count(first.sets)} data sets`);
    if (first.folds > 1) factors.push(`${count(first.folds)} folds`);
  } else {
    factors.push(`(${perVariant.map((v) => count(v.runs)).join(' + ')}) variant data sets and folds`);
  }
  if (repeats > 1) factors.push(`${count(repeats)} repeats`);
  return factors;
}

/** An error when the file expands to more runs than `maxRuns`, at its sweep (else variants, else folds). */
export function planSizeIssue(file: Record<string, unknown>, maxRuns: number): RunIssue | undefined {
  const total = countRuns(file as unknown as ExperimentFile);
  if (total <= maxRuns) return undefined;
  const factors = planFactors(file);
  const product = factors.length > 1 ? ` (${factors.join(' × ')})` : '';
  const at =
    Object.keys(sweepOf(file)).length > 0
      ? ['sweep']
      : isRecord(file.variants) && Object.keys(file.variants).length > 1
        ? ['variants']
        : ['data', 'split', 'folds'];
  const { setting } = LIMIT_RANGES.maxRuns;
  return {
    path: at,
    at: 'key',
    code: 'too-many-runs',
    message:
      `This file expands to ${count(total)} runs${product}, more than the ${count(maxRuns)} a file may have. ` +
      `Shrink the sweep, or raise the limit (setting ${setting}, snn-lab --max-runs).`,
  };
}

/** Sweep keys that can change a run's memory. */
function affectsMemory(key: string): boolean {
  return (
    key.startsWith('model.') ||
    key.startsWith('data.') ||
    key === 'train.batchSize' ||
    key === 'train.optimizer'
  );
}

interface Estimated {
  run: Record<string, unknown>;
  bytes: number;
}

function estimate(
  file: Record<string, unknown>,
  override: unknown,
  point: Record<string, unknown>,
  probe?: number,
): Estimated | undefined {
  let run: Record<string, unknown>;
  try {
    run = buildRunValue(file, override, point);
  } catch {
    return undefined; // an unsolvable fixedPoint: reported by runIssues
  }
  const bytes = estimateMemory(run as unknown as EstimateInput, dataShapeOf(run.data), probe).bytes;
  return { run, bytes };
}

/**
 * Errors for variants whose largest run (by estimate) needs more than the budget, at the key that drives it.
 * @param probeSamples set when checking a probe (its batch counts too)
 */
export function memoryIssues(
  file: Record<string, unknown>,
  limits: PlanLimits,
  probeSamples?: number,
): RunIssue[] {
  const budget = limits.memoryBudgetMB * MIB;
  const sweep = Object.fromEntries(Object.entries(sweepOf(file)).filter(([key]) => affectsMemory(key)));
  const issues: RunIssue[] = [];
  const variants = variantList({
    variants: (isRecord(file.variants) ? file.variants : {}) as ExperimentFile['variants'],
  });
  for (const { name, override } of variants) {
    // The worst value of each key alone; together they make the worst run of the variant.
    const worst: Record<string, unknown> = {};
    const best = new Map<string, number>();
    for (const point of singleKeyPoints(sweep)) {
      const [key, value] = Object.entries(point)[0] as [string, unknown];
      const found = estimate(file, override, point, probeSamples);
      if (found && found.bytes > (best.get(key) ?? -1)) {
        best.set(key, found.bytes);
        worst[key] = value;
      }
    }
    const found = estimate(file, override, worst, probeSamples);
    if (!found || found.bytes <= budget) continue;
    const run = found.run as unknown as EstimateInput;
    const result = estimateMemory(run, dataShapeOf(found.run.data), probeSamples);
    const combo: Combination = { variant: name, override, point: worst };
    const at = result.driver.length > 0 ? origin(file, combo, result.driver) : [];
    const change = result.driver.length > 0 ? ` Reduce ${result.driver.join('.')}` : ' Reduce --samples';
    const shown = Object.entries(worst)
      .map(([key, value]) => `${clip(key)}=${clip(formatValue(value))}`)
      .join(',');
    const which = at[0] === 'sweep' || shown === '' ? '' : ` (with sweep ${shown})`;
    issues.push({
      path: at,
      at: 'value',
      code: 'memory-budget',
      message:
        `${context(combo, at)}a run${which} needs about ${formatBytes(result.bytes)} by estimate ` +
        `(${describeEstimate(result, run)}), more than the memory budget of ${formatBytes(budget)}.` +
        `${change}, or raise the budget (setting ${LIMIT_RANGES.memoryBudgetMB.setting}, snn-lab --memory-budget).`,
    });
  }
  return issues;
}
