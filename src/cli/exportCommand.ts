/**
 * `snn-lab export <run | group> --what metrics|layers|predictions --format csv|json [--out FILE]`: one run (id or
 * unique id prefix) or every run of a group (its label, e.g. "depth/SNN/model.depth=16", the name without fold
 * and repeat) as CSV (a leading `run` column for a group) or JSON. The same CSV as VS Code's Export Run.
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { layersCsv, metricsCsv } from '../runs/runExport';
import { RunStore } from '../runs/runStore';
import { readPredictions } from '../runs/studyRuns';
import type { RunData } from '../runs/runTypes';
import { CliError, action, resolveRunsDir } from './cliShared';
import { writeOut } from './output';

interface ExportFlags {
  what: 'metrics' | 'layers' | 'predictions';
  format: 'csv' | 'json';
  runsDir?: string;
  out?: string;
}

/** The runs `target` names: a run id or unique prefix, else a group label (meta.group, or the name of a lone run). */
function selectRuns(store: RunStore, target: string): RunData[] {
  const metas = store.list();
  const byId = metas.filter((meta) => meta.runId === target);
  const prefixed = byId.length > 0 ? byId : metas.filter((meta) => meta.runId.startsWith(target));
  const chosen =
    prefixed.length === 1
      ? prefixed
      : metas.filter((meta) => (meta.group ?? meta.name) === target || meta.name === target);
  if (chosen.length === 0) {
    const ambiguous = prefixed.length > 1 ? ` (the id prefix matches ${prefixed.length} runs)` : '';
    throw new CliError(`no run or group ${JSON.stringify(target)} in ${store.root}${ambiguous}`);
  }
  return chosen.map((meta) => store.read(meta.runId)).filter((data): data is RunData => data !== undefined);
}

/** The CSV text of one run (header included). */
function runCsv(store: RunStore, data: RunData, what: ExportFlags['what']): string {
  if (what === 'metrics') return metricsCsv(data);
  if (what === 'layers') return layersCsv(data);
  const rows = readPredictions(store.runDir(data.meta.runId));
  if (!rows) {
    throw new CliError(`run ${data.meta.runId} has no predictions.csv (it did not finish, or predates them)`);
  }
  const width = rows[0]?.scores.length ?? 0;
  const header = [
    'sample',
    'fold',
    'split',
    'label',
    ...Array.from({ length: width }, (_, k) => `score_${k}`),
  ];
  const lines = rows.map((r) => [r.sample, r.fold ?? '', r.split, r.label, ...r.scores].join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

/** Prepends a `run` column to a CSV text (header "run", cells the run id). */
function withRunColumn(text: string, runId: string, header: boolean): string[] {
  const lines = text.split('\r\n').filter((line) => line !== '');
  return lines
    .slice(header ? 0 : 1)
    .map((line, i) => (header && i === 0 ? `run,${line}` : `${runId},${line}`));
}

/** Pretty JSON with NaN and infinities as strings (as Export Run writes them). */
function jsonText(value: unknown): string {
  const replacer = (_key: string, v: unknown): unknown =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  return `${JSON.stringify(value, replacer, 2)}\n`;
}

function jsonOf(store: RunStore, data: RunData, what: ExportFlags['what']): unknown {
  if (what === 'metrics') return { runId: data.meta.runId, name: data.meta.name, metrics: data.metrics };
  if (what === 'layers') return { runId: data.meta.runId, name: data.meta.name, layers: data.layers };
  return {
    runId: data.meta.runId,
    name: data.meta.name,
    predictions: readPredictions(store.runDir(data.meta.runId)),
  };
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description("write a run's (or a group's) metrics, layer statistics or predictions as CSV or JSON")
    .argument('<target>', 'run id (or unique prefix) or group label')
    .addOption(
      new Option('--what <part>', 'what to export')
        .choices(['metrics', 'layers', 'predictions'])
        .default('metrics'),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--runs-dir <dir>', 'run store directory (default: $SNN_LAB_RUNS_DIR or ./.snn-lab/runs)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      action(async (target: string, flags: ExportFlags) => {
        const store = new RunStore(resolveRunsDir(flags.runsDir));
        const runs = selectRuns(store, target);
        let text: string;
        if (flags.format === 'json') {
          const values = runs.map((data) => jsonOf(store, data, flags.what));
          text = jsonText(values.length === 1 ? values[0] : values);
        } else if (runs.length === 1) {
          text = runCsv(store, runs[0] as RunData, flags.what);
        } else {
          const lines = runs.flatMap((data, i) =>
            withRunColumn(runCsv(store, data, flags.what), data.meta.runId, i === 0),
          );
          text = lines.join('\r\n') + '\r\n';
        }
        if (flags.out) writeFileSync(flags.out, text);
        else writeOut(text);
      }),
    );
}
