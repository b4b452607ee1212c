/** The one rule for run ids, which name directories in the run store: checked wherever an id is read or made. */

/**
 * 1–128 characters of `[A-Za-z0-9._-]` starting with a letter or digit: a plain directory name that can never be
 * `.`, `..` or hidden, never contains a path separator and is safe unquoted in a shell word.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `value` is a string that is a valid run id. */
export function isRunIdText(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID_PATTERN.test(value);
}
