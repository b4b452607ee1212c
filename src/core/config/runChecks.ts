/**
 * Checks of the resolved runs of a file: each variant (with each sweep value) is merged, defaulted and validated
 * again, and every combination is checked for SNN pitfalls. Findings are traced back to where the responsible
 * value is written (a sweep value, a variant override or the base) so the problem points there.
 */
import { sweepGrid, sweepPoints, variantList } from './expand';
import { formatValue } from './formatValue';
import { clip } from './limits';
import { buildRunValue, getPath } from './merge';
import { schemaIssues, type Issue } from './messages';
import { findPitfalls } from './pitfalls';
import { schemaErrors } from './schema';
import type { ProblemFix } from './problem';
import { selectIssues, studyRunIssues } from './studyChecks';

/** Combinations checked for pitfalls before falling back to one sweep key at a time. */
const MAX_COMBINATIONS = 512;

/** An issue plus an optional quick fix (fix.path is the file path to edit). */
export interface RunIssue extends Issue {
  fix?: ProblemFix;
}

/** One run of the file as named by where its values come from: a variant (or the base) and a sweep point. */
export interface Combination {
  variant?: string;
  override: unknown;
  point: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Longest prefix of `path` that exists in `value`. */
function existingPrefix(value: unknown, path: readonly (string | number)[]): (string | number)[] {
  const prefix: (string | number)[] = [];
  let current = value;
  for (const segment of path) {
    if (!isRecord(current) || !(segment in current)) break;
    prefix.push(segment);
    current = current[segment];
  }
  return prefix;
}

/** Where in the file the value at config `path` of a combination comes from. */
export function origin(
  file: Record<string, unknown>,
  combo: Combination,
  path: (string | number)[],
): (string | number)[] {
  const sweep = sweepGrid(file.sweep);
  for (const [key, value] of Object.entries(combo.point)) {
    const keyPath = key.split('.');
    if (keyPath.every((segment, i) => path[i] === segment)) {
      const values = sweep[key];
      const index = Array.isArray(values) ? values.indexOf(value) : 0;
      return ['sweep', key, index, ...path.slice(keyPath.length)];
    }
  }
  const inVariant = combo.variant === undefined ? [] : existingPrefix(combo.override, path);
  const inBase = existingPrefix(file, path);
  if (combo.variant === undefined) return inBase;
  const variantPath = ['variants', combo.variant, ...inVariant];
  if (inVariant.length === path.length) return variantPath;
  if (inBase.length === path.length) return inBase;
  return inVariant.length >= inBase.length ? variantPath : inBase;
}

/** True when `at` (from origin) names the value at `path` itself, not only an enclosing object. */
function tracedWhole(at: readonly (string | number)[], path: readonly (string | number)[]): boolean {
  if (at[0] === 'sweep') return true;
  return at.length === path.length + (at[0] === 'variants' && path[0] !== 'variants' ? 2 : 0);
}

/** "In variant "X" with sweep k=v: " for findings located in a variant or sweep value; "" for the base. */
export function context(combo: Combination, at: readonly (string | number)[]): string {
  if (at[0] === 'variants' && combo.variant !== undefined) return `In variant "${clip(combo.variant)}": `;
  if (at[0] !== 'sweep') return '';
  const parts: string[] = [];
  if (combo.variant !== undefined) parts.push(`variant "${clip(combo.variant)}"`);
  // Clipped: a sweep value can be any JSON value, thousands of characters long.
  const point = Object.entries(combo.point).map(([key, value]) => `${clip(key)}=${clip(formatValue(value))}`);
  if (point.length > 0) parts.push(`sweep ${point.join(',')}`);
  return parts.length > 0 ? `In ${parts.join(' with ')}: ` : '';
}

/** Validation problems that only show once variants and sweep values are merged into the base. */
export function runIssues(file: Record<string, unknown>): RunIssue[] {
  const issues: RunIssue[] = [];
  const sweep = sweepGrid(file.sweep);
  const baseRuns: Record<string, unknown>[] = [];
  for (const { name, override } of variantList({ variants: file.variants as Record<string, unknown> })) {
    const probes: Record<string, unknown>[] = [{}, ...singleKeyPoints(sweep)];
    for (const point of probes) {
      const combo: Combination = { variant: name, override, point };
      let run: Record<string, unknown>;
      try {
        run = buildRunValue(file, override, point);
      } catch (error) {
        const message = `model.fixedPoint: ${error instanceof Error ? error.message : String(error)}`;
        const at = origin(file, combo, ['model', 'fixedPoint']);
        issues.push({ path: at, at: 'value', code: 'fixed-point', message: context(combo, at) + message });
        continue;
      }
      if (Object.keys(point).length === 0) baseRuns.push(run);
      const found = [...schemaIssues(schemaErrors(run), run), ...splitIssues(run), ...studyRunIssues(run)];
      for (const issue of found) {
        const at = origin(file, combo, issue.path);
        const { fix, ...rest } = issue;
        // A fix applies where the value is written, when the whole path was traced there.
        const traced = fix && tracedWhole(at, issue.path);
        issues.push({
          ...rest,
          path: at,
          message: context(combo, at) + issue.message,
          ...(traced ? { fix: { ...fix, path: at } } : {}),
        });
      }
    }
  }
  issues.push(...selectIssues(file, baseRuns));
  return issues;
}

/** One point per sweep value, the other keys left at the base: what checking each factor once needs. */
export function singleKeyPoints(sweep: Record<string, unknown[]>): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = [];
  for (const [key, values] of Object.entries(sweep)) {
    for (const value of values) points.push({ [key]: value });
  }
  return points;
}

function splitIssues(run: Record<string, unknown>): Issue[] {
  const split = getPath(run, ['data', 'split']) as
    { test?: number; validation?: number; folds?: number } | undefined;
  const test = split?.test ?? 0;
  const validation = (split?.folds ?? 0) >= 2 ? 0 : (split?.validation ?? 0);
  if (test + validation < 1) return [];
  return [
    {
      path: ['data', 'split'],
      at: 'key',
      code: 'split-sum',
      message: `data.split.test + data.split.validation must be below 1 (got ${test} + ${validation}): nothing is left to train on`,
    },
  ];
}

/** SNN pitfall warnings over every run of the file, each with a quick fix at the value's origin. */
export function pitfallIssues(file: Record<string, unknown>): RunIssue[] {
  const sweep = sweepGrid(file.sweep);
  const variants = variantList({ variants: file.variants as Record<string, unknown> });
  // Counted before any point is built: the full grid only when it is small.
  const combinations = Object.values(sweep).reduce((n, values) => n * values.length, variants.length);
  const points = combinations > MAX_COMBINATIONS ? [{}, ...singleKeyPoints(sweep)] : sweepPoints(sweep);
  const issues: RunIssue[] = [];
  const seen = new Set<string>();
  for (const { name, override } of variants) {
    for (const point of points) {
      const combo: Combination = { variant: name, override, point };
      let run: Record<string, unknown>;
      try {
        run = buildRunValue(file, override, point);
      } catch {
        continue;
      }
      for (const pitfall of findPitfalls(run)) {
        const at = origin(file, combo, pitfall.path);
        const key = `${pitfall.code}|${JSON.stringify(at)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const writable = at.length > 0 && getPath(file, at) !== undefined ? at : pitfall.path;
        issues.push({
          path: at,
          at: 'value',
          code: pitfall.code,
          severity: 'warning',
          message: pitfall.message,
          fix: { title: pitfall.fix.title, path: writable, value: pitfall.fix.value },
        });
      }
    }
  }
  return issues;
}
