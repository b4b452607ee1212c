/**
 * Fills omitted properties with the defaults written in the experiment schema (so the schema stays the single
 * source of truth). Properties marked `"x-applyDefault": false` stay omitted: their default only documents
 * behaviour. Source-specific defaults (data.features, data.samples) come from the matching if/then branch.
 */
import type { RunConfig } from './experimentConfig';
import { deref, experimentSchema, propertySchema, type SchemaNode } from './schema';

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns a copy of `value` with schema defaults applied at every level of `schema`. */
export function withDefaults(value: unknown, schema: SchemaNode | undefined = experimentSchema): unknown {
  const node = deref(schema);
  if (!node || !isRecord(value) || !node.properties) return clone(value);
  const out: Record<string, unknown> = clone(value);
  for (const key of Object.keys(node.properties)) {
    const sub = propertySchema(node, key, out);
    if (!sub) continue;
    if (out[key] === undefined && sub.default !== undefined && sub['x-applyDefault'] !== false) {
      out[key] = clone(sub.default);
    }
    if (out[key] !== undefined) out[key] = withDefaults(out[key], sub);
  }
  return out;
}

/** The schema's defaults of one run section (e.g. `stats`: everySteps, bins, range, layers), for code that needs them. */
export function sectionDefaults<K extends 'model' | 'train' | 'stats'>(section: K): RunConfig[K] {
  return (withDefaults({ [section]: {} }) as Record<K, RunConfig[K]>)[section];
}
