/**
 * Text handling for "Open Example" (vscode-free, unit-tested): the one-line summary of a shipped example (its
 * leading comment), and the example adapted to a user's workspace: without the `$schema` line, which points into
 * the repository (the extension associates the schema itself), and with the CSV files it reads listed.
 */

/** The example's leading comment (`//` or `#` lines) joined into one line. */
export function exampleSummary(text: string): string {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const comment = /^\s*(\/\/|#)\s?(.*)$/.exec(line);
    if (!comment) break;
    lines.push((comment[2] ?? '').trim());
  }
  return lines.join(' ').trim();
}

/** The example without its `$schema` line, and the relative CSV paths it reads (to copy along). */
export function exampleForWorkspace(text: string): { text: string; dataFiles: string[] } {
  const kept = text.split(/(?<=\n)/).filter((line) => !/^\s*"?\$schema"?\s*:/.test(line));
  const dataFiles = [...text.matchAll(/^\s*"?path"?\s*:\s*"?([^"\s,#]+\.csv)"?/gm)]
    .map((m) => m[1] ?? '')
    .filter((p) => p !== '' && !p.startsWith('/') && !p.split(/[\\/]/).includes('..'));
  return { text: kept.join(''), dataFiles };
}
