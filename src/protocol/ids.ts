/** Branded identifiers, so a run id cannot be passed where another string is expected. */
import { isRunIdText, RUN_ID_PATTERN } from '../core/runIdPattern';

export type RunId = string & { readonly __brand: 'RunId' };

/** Narrows an unknown value (from disk, a message, a command argument) to a RunId. */
export function isRunId(value: unknown): value is RunId {
  return isRunIdText(value);
}

/** Casts a string to a RunId, throwing when it does not match RUN_ID_PATTERN (ids name directories). */
export function asRunId(value: string): RunId {
  if (!RUN_ID_PATTERN.test(value)) {
    throw new Error(
      `invalid run id ${JSON.stringify(value.slice(0, 200))}: expected 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return value as RunId;
}
