/**
 * How a sweep value reads in a run name (and so in a study group's label): strings as they are, everything else as
 * JSON. Its own module, free of imports, so the study code and the webviews can use it without the config schema.
 */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
