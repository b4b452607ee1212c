/**
 * Access to schemas/experiment.schema.json, the single source of truth of the experiment format: the ajv
 * validator (compiled at build time by scripts/experimentValidator.mjs), schema lookups by path (resolving $ref
 * and source-specific if/then branches) and the list of dotted keys a sweep may vary.
 */
import type { ErrorObject } from 'ajv';
import { validate } from 'virtual:experiment-validator';
import schemaJson from '../../../schemas/experiment.schema.json';

/** A JSON Schema node as this module reads it. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  anyOf?: SchemaNode[];
  allOf?: { if?: SchemaNode; then?: SchemaNode }[];
  items?: SchemaNode;
  'x-applyDefault'?: boolean;
  [keyword: string]: unknown;
}

/** The experiment JSON Schema (draft-07). */
export const experimentSchema = schemaJson as unknown as SchemaNode;

/** Validates a value against the experiment schema; returns ajv's errors (empty when valid). */
export function schemaErrors(value: unknown): ErrorObject[] {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Resolves a local "#/definitions/x" reference (one level or chained). */
export function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const name = current.$ref.replace('#/definitions/', '');
    const definitions = experimentSchema.definitions as Record<string, SchemaNode>;
    current = { ...definitions[name], ...withoutRef(current) };
  }
  return current;
}

function withoutRef(node: SchemaNode): SchemaNode {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

/** The if/then branches of `schema` whose `if` matches `value` (only const/required conditions are used). */
export function matchingBranches(schema: SchemaNode, value: unknown): SchemaNode[] {
  if (!schema.allOf || typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  return schema.allOf.flatMap((branch) => {
    const condition = branch.if;
    if (!condition || !branch.then) return [];
    const required = condition.required ?? [];
    if (!required.every((key) => key in record)) return [];
    const consts = Object.entries(condition.properties ?? {});
    return consts.every(([key, sub]) => record[key] === sub.const) ? [branch.then] : [];
  });
}

/** The schema of property `key` of an object schema, merged with matching if/then refinements. */
export function propertySchema(schema: SchemaNode, key: string, value?: unknown): SchemaNode | undefined {
  const base = deref(schema.properties?.[key]);
  if (!base) return undefined;
  const refinements = matchingBranches(schema, value).map((then) => then.properties?.[key]);
  return refinements.reduce<SchemaNode>((acc, extra) => (extra ? { ...acc, ...extra } : acc), base);
}

/** Property names an object schema allows. */
export function propertyNames(schema: SchemaNode | undefined): string[] {
  return Object.keys(deref(schema)?.properties ?? {});
}

/** The sections a run configuration has, in order. */
export const RUN_SECTIONS = ['seed', 'data', 'model', 'train', 'stats'] as const;

/** Every dotted key a sweep may vary, e.g. "model.depth", "data.split.test", "model.dropout". */
export function sweepKeys(): string[] {
  const keys: string[] = [];
  const walk = (schema: SchemaNode | undefined, prefix: string): void => {
    for (const name of propertyNames(schema)) {
      const path = `${prefix}.${name}`;
      keys.push(path);
      walk(deref(schema?.properties?.[name]), path);
    }
  };
  for (const section of RUN_SECTIONS) {
    keys.push(section);
    walk(deref(experimentSchema.properties?.[section]), section);
  }
  return keys.filter((key) => key.includes('.') || key === 'seed');
}
