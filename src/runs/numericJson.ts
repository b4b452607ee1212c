/** Non-finite numbers in run files: JSON has no NaN or Infinity, so numeric files store them as strings. */

/** JSON has no NaN or Infinity: numeric files store them as the strings "NaN", "Infinity", "-Infinity". */
export function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Reviver undoing encodeNonFinite (only for files whose strings are never these words: jsonl, summary). */
export function decodeNonFinite(_key: string, value: unknown): unknown {
  return value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : value;
}

/**
 * Parses numeric JSON text (jsonl lines, summary.json). A reviver makes V8's JSON.parse ~7x slower (measured:
 * 77 vs 11 MB/s on a 52 KB statistics line), so it is applied only to text that holds one of the three words.
 */
export function parseNumericJson(text: string): unknown {
  const special = text.includes('"NaN"') || text.includes('Infinity"');
  return special ? JSON.parse(text, decodeNonFinite) : JSON.parse(text);
}

/**
 * One JSON line (with its '\n') for a jsonl file, non-finite numbers as strings (encodeNonFinite). JSON.stringify
 * writes every NaN or infinity as `null`, so a text without "null" anywhere has none and is the line as it is;
 * only a text with "null" in it (a non-finite number, a null, or the word inside a string) is written again with
 * the replacer. The same line as walking the value for non-finite numbers first (the previous code), without the
 * walk: the run store writes a ~40 KB statistics line per report, and the walk was ~40 % of this function's time in
 * a profile of the tabular bench's host (docs/performance.md, "Sweep (session 7)").
 */
export function toJsonLine(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  return `${text?.includes('null') ? JSON.stringify(value, encodeNonFinite) : text}\n`;
}
