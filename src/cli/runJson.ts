/**
 * `snn-lab runs show --json`: everything stored for a run as one JSON document, written record by record, so a
 * run of any size prints in bounded memory (the same document `JSON.stringify({...data, dir}, null, 2)` gave).
 */
import type { RunStore } from '../runs/runStore';
import type { RunMeta } from '../runs/runTypes';

/** Pretty JSON of `value` indented to start at column `depth` (NaN and Infinity become null, as JSON.stringify). */
function pretty(value: unknown, depth: number): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(/\n/g, `\n${' '.repeat(depth)}`);
}

/** Streams the run as JSON to `out`; returns why it cannot be read instead when a file of it cannot be read. */
export function writeRunJson(
  store: RunStore,
  meta: RunMeta,
  out: (text: string) => void,
): { ok: true } | { ok: false; reason: string } {
  const setup = store.readSetupOrReason(meta.runId);
  if (!setup.ok) return setup;
  const problem = store.seriesProblem(meta.runId);
  if (problem !== undefined) return { ok: false, reason: problem };
  // SNN Lab's runs have "config"; runs from other sources "model" and "hyperparameters" instead.
  const parts = Object.entries(setup.setup).map(([key, value]) => `  "${key}": ${pretty(value, 2)},\n`);
  out(`{\n  "meta": ${pretty(meta, 2)},\n${parts.join('')}`);
  for (const file of ['metrics', 'layers'] as const) {
    out(`  "${file}": [`);
    let first = true;
    store.readRecords(meta.runId, file, (record) => {
      out(`${first ? '' : ','}\n    ${pretty(record, 4)}`);
      first = false;
    });
    out(first ? '],\n' : '\n  ],\n');
  }
  const summary = store.readSummary(meta.runId);
  if (summary) out(`  "summary": ${pretty(summary, 2)},\n`);
  out(`  "dir": ${JSON.stringify(store.runDir(meta.runId))}\n}\n`);
  return { ok: true };
}
