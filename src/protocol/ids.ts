/** Branded identifiers, so a run id cannot be passed where another string is expected. */
export type RunId = string & { readonly __brand: 'RunId' };

/** Casts a validated string to a RunId. Run ids are [A-Za-z0-9._-]+ (they name directories). */
export function asRunId(value: string): RunId {
  if (!/^[A-Za-z0-9._-]+$/.test(value)) {
    throw new Error(`invalid run id ${JSON.stringify(value)}: use letters, digits, '.', '_' or '-'`);
  }
  return value as RunId;
}
