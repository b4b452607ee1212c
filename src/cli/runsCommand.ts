/**
 * `snn-lab runs list | show <id> | rm <id>`: inspect and delete runs of a run store. Listing first marks runs
 * whose owner process died as 'interrupted', so the list tells the truth about a crashed session. Only what a
 * command shows is read: meta.json and summary.json for the list, never a whole statistics file in memory.
 */
import type { Command } from 'commander';
import { isOwnerAlive } from '../runs/liveness';
import { RunStore, RunStoreError } from '../runs/runStore';
import type { RunMeta, UnreadableRun } from '../runs/runTypes';
import { CliError, EXIT, action, resolveRunsDir } from './cliShared';
import { bestMetric, cell, durationSeconds, formatTable } from './table';
import { isTerminal } from '../core/runStatus';
import { RUNS_DIR_HELP } from '../runs/runsDirectory';
import { writeRunJson } from './runJson';
import { writeErr, writeOut } from './output';

interface Flags {
  runsDir?: string;
  json?: boolean;
}

function openStore(flags: Flags): RunStore {
  const store = new RunStore(resolveRunsDir(flags.runsDir));
  store.recoverInterrupted(isOwnerAlive);
  return store;
}

type Found = { kind: 'run'; meta: RunMeta } | { kind: 'unreadable'; run: UnreadableRun };

/** Finds a run (readable or not) by id or unique id prefix. */
function findRun(store: RunStore, id: string): Found {
  const { runs, unreadable } = store.listing();
  const all: Found[] = [
    ...runs.map((meta): Found => ({ kind: 'run', meta })),
    ...unreadable.map((run): Found => ({ kind: 'unreadable', run })),
  ];
  const idOf = (found: Found): string => (found.kind === 'run' ? found.meta.runId : found.run.runId);
  const exact = all.find((found) => idOf(found) === id);
  if (exact) return exact;
  const matches = all.filter((found) => idOf(found).startsWith(id));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new CliError(`run id prefix ${JSON.stringify(id)} is ambiguous (${matches.length} runs)`);
  }
  throw new CliError(`no run ${JSON.stringify(id)} in ${store.root}`);
}

/** The tfjs backend, or for runs from other sources the framework and its versions. */
function backendText(meta: RunMeta): string {
  if (meta.backend) return `${meta.backend.name} ${JSON.stringify(meta.backend.versions)}`;
  if (meta.source) {
    const versions = Object.entries(meta.source.versions).map(([name, version]) => `${name} ${version}`);
    return `${meta.source.kind} (${versions.join(', ')})`;
  }
  return '-';
}

/** Layer count and, for runs from other sources, each layer as "name kind fanIn->units activation". */
function layersText(meta: RunMeta, depth: number | undefined): string {
  const layers = meta.layers;
  if (!layers) return String(depth ?? '-');
  if (!meta.source) return String(layers.length);
  const rows = layers.map(
    (l) => `${l.name ?? l.layer} ${l.kind ?? ''} ${l.fanIn}->${l.units} ${l.activation}`,
  );
  return `${layers.length}: ${rows.join('; ')}`;
}

function write(text: string): void {
  writeOut(`${text}\n`);
}

function listRuns(flags: Flags): void {
  const store = openStore(flags);
  const { runs, unreadable } = store.listing();
  for (const run of unreadable) {
    writeErr(`snn-lab: warning: run ${run.runId} is unreadable: ${run.reason}\n`);
  }
  if (flags.json) return write(JSON.stringify(runs, null, 2));
  if (runs.length === 0 && unreadable.length === 0) return write(`no runs in ${store.root}`);
  const rows = runs.map((meta) => {
    const summary = store.readSummary(meta.runId);
    return [
      meta.runId,
      meta.status,
      meta.mode,
      meta.name,
      cell(bestMetric(summary, 'loss')),
      cell(bestMetric(summary, 'accuracy')),
      meta.backend?.name ?? meta.source?.kind ?? '-',
    ];
  });
  for (const run of unreadable) rows.push([run.runId, 'unreadable', '-', '(see below)', '-', '-', '-']);
  const headers = ['run id', 'status', 'mode', 'name', 'loss', 'accuracy', 'backend'];
  write(formatTable(headers, rows, new Set([4, 5])));
  if (unreadable.length > 0) {
    write(`\n${unreadable.length} unreadable run(s):`);
    for (const run of unreadable) write(`  ${run.runId}: ${run.reason}`);
  }
}

function showRun(id: string, flags: Flags): void {
  const store = openStore(flags);
  const found = findRun(store, id);
  if (found.kind === 'unreadable') {
    throw new CliError(`run ${found.run.runId} is unreadable: ${found.run.reason}`, EXIT.runFailed);
  }
  const { meta } = found;
  if (flags.json) {
    const result = writeRunJson(store, meta, writeOut);
    if (!result.ok) throw new CliError(`run ${meta.runId} is unreadable: ${result.reason}`, EXIT.runFailed);
    return;
  }
  const summary = store.readSummary(meta.runId);
  const config = store.readSetup(meta.runId)?.config;
  const counts = store.recordCounts(meta.runId);
  const lines: [string, string][] = [
    ['run', meta.runId],
    ['name', meta.name],
    [
      'status',
      meta.failure ? `${meta.status} (${meta.failure.reason}: ${meta.failure.message})` : meta.status,
    ],
    ['mode', meta.mode],
    ['experiment', meta.experiment],
    ['created', meta.createdAt],
    ['time (s)', cell(durationSeconds({ meta, ...(summary ? { summary } : {}) }), 1)],
    ['backend', backendText(meta)],
    ...(meta.source ? ([['device', meta.source.device]] as [string, string][]) : []),
    ['seed', meta.source?.seed ?? String(meta.seed)],
    ['layers', layersText(meta, config?.model.depth)],
    ['records', `${counts.metrics} metrics, ${counts.layers} layer statistics`],
    ['directory', store.runDir(meta.runId)],
  ];
  if (meta.thinning) {
    const { layersEvery, progressEvery } = meta.thinning;
    const kept = `1 in ${layersEvery} statistics reports and 1 in ${progressEvery} loss reports kept`;
    lines.push(['stored', `${kept} (storage budget)`]);
  }
  for (const [key, value] of lines) write(`${key.padEnd(11)} ${value}`);
  if (meta.warnings && meta.warnings.length > 0) {
    write('\nwarnings');
    for (const w of meta.warnings) write(`  [${w.code}] ${w.message}`);
  }
  if (summary) {
    const metrics = { ...summary.final, ...summary.test };
    write('\nfinal metrics');
    for (const [key, value] of Object.entries(metrics)) write(`  ${key.padEnd(16)} ${cell(value)}`);
  }
}

function removeRun(id: string, flags: Flags): void {
  const store = openStore(flags);
  const found = findRun(store, id);
  const runId = found.kind === 'run' ? found.meta.runId : found.run.runId;
  if (found.kind === 'run' && !isTerminal(found.meta.status)) {
    const { meta } = found;
    throw new CliError(
      `run ${meta.runId} is ${meta.status}; stop it first (its owner, pid ${meta.owner?.pid ?? '?'}, is alive)`,
    );
  }
  try {
    store.delete(runId);
  } catch (error) {
    if (error instanceof RunStoreError) throw new CliError(error.message);
    throw error;
  }
  write(flags.json ? JSON.stringify({ removed: runId }) : `removed ${runId}`);
}

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('list, show or delete stored runs');
  const dirOption = '--runs-dir <dir>';
  const dirHelp = RUNS_DIR_HELP;

  runs
    .command('list')
    .description('list runs, oldest first (unreadable run directories last, with the reason)')
    .option(dirOption, dirHelp)
    .option('--json', 'print the run metadata as JSON')
    .action(action(async (flags: Flags) => listRuns(flags)));

  runs
    .command('show')
    .description('show one run (id or unique id prefix)')
    .argument('<id>')
    .option(dirOption, dirHelp)
    .option('--json', 'print everything stored for the run (meta, config, metrics, layers, summary) as JSON')
    .action(action(async (id: string, flags: Flags) => showRun(id, flags)));

  runs
    .command('rm')
    .description('delete a run directory (refused while the run is live)')
    .argument('<id>')
    .option(dirOption, dirHelp)
    .option('--json', 'print {"removed": id}')
    .action(action(async (id: string, flags: Flags) => removeRun(id, flags)));
}
