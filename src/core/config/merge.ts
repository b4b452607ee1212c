/**
 * Builds one run's configuration from the base run, a variant's partial override and a sweep point. Objects
 * merge key by key; arrays and scalars replace. Changing `data.source` replaces the data section (keeping only
 * `split` and `standardize`), since the other data keys mean different things per source.
 */
import { solveSeluParameters } from '../theory/seluParams';
import { withDefaults } from './defaults';
import type { RunConfig } from './experimentConfig';

/** The keys of `data` shared by every source. */
const COMMON_DATA_KEYS = ['source', 'split', 'standardize'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merges `override` onto `base` (both left untouched). */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

function dropSourceSpecific(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => COMMON_DATA_KEYS.includes(key)));
}

/** Merges a partial run override, applying the data-source rule. */
export function mergeRun(base: Record<string, unknown>, override: unknown): Record<string, unknown> {
  if (!isRecord(override)) return base;
  const baseData = base.data;
  const overrideData = override.data;
  let start = base;
  if (isRecord(baseData) && isRecord(overrideData) && overrideData.source !== undefined) {
    if (overrideData.source !== baseData.source) start = { ...base, data: dropSourceSpecific(baseData) };
  }
  return deepMerge(start, override) as Record<string, unknown>;
}

/** Returns the partial override that sets dotted `key` ("model.depth") to `value`. */
export function overrideFor(key: string, value: unknown): Record<string, unknown> {
  const segments = key.split('.');
  let out: unknown = value;
  for (let i = segments.length - 1; i >= 0; i--) out = { [segments[i] as string]: out };
  return out as Record<string, unknown>;
}

/** Reads dotted `key` from a value, or undefined. */
export function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The run-level part of a file value: name, seed, data, model, train, stats. */
export function runPart(file: Record<string, unknown>): Record<string, unknown> {
  const { name, seed, data, model, train, stats } = file;
  return Object.fromEntries(
    Object.entries({ name, seed, data, model, train, stats }).filter(([, value]) => value !== undefined),
  );
}

/**
 * One run's configuration with defaults applied: base (file) + variant override + sweep point, in that order.
 * Not validated; callers validate.
 */
export function buildRunValue(
  file: Record<string, unknown>,
  variant: unknown,
  point: Record<string, unknown>,
): Record<string, unknown> {
  let run = mergeRun(runPart(file), variant);
  for (const [key, value] of Object.entries(point)) run = mergeRun(run, overrideFor(key, value));
  // withDefaults also fills the file-level defaults (variants, sweep, executor): a run's config has none of them.
  return runPart(resolveSelu(withDefaults(run) as Record<string, unknown>));
}

/**
 * Fills model.selu from model.fixedPoint (when selu is not given) with the theory core's solver.
 * @throws Error when no SELU parameters have that fixed point
 */
export function resolveSelu(run: Record<string, unknown>): Record<string, unknown> {
  const model = run.model;
  if (!isRecord(model) || model.selu !== undefined || !isRecord(model.fixedPoint)) return run;
  const { mean, variance } = model.fixedPoint;
  if (typeof mean !== 'number' || typeof variance !== 'number') return run;
  const { alpha, lambda } = solveSeluParameters(mean, variance);
  return { ...run, model: { ...model, selu: { alpha, lambda } } };
}

/** Typed view of buildRunValue for an already validated file. */
export function buildRunConfig(
  file: Record<string, unknown>,
  variant: unknown,
  point: Record<string, unknown>,
  name: string,
): RunConfig {
  return { ...(buildRunValue(file, variant, point) as unknown as RunConfig), name };
}
