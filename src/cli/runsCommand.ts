/**
 * `snn-lab runs list | show <id> | rm <id>`: inspect and delete runs of a run store. Listing first marks runs
 * whose owner process died as 'interrupted', so the list tells the truth about a crashed session.
 */
import type { Command } from 'commander';
import { isOwnerAlive } from '../runs/liveness';
import { RunStore } from '../runs/runStore';

import type { RunMeta } from '../runs/runTypes';
import type { RunId } from '../protocol/ids';
import { CliError, action, resolveRunsDir } from './cliShared';
import { bestMetric, cell, durationSeconds, formatTable } from './table';
import { isTerminal } from '../core/runStatus';
import { RUNS_DIR_HELP } from '../runs/runsDirectory';

interface Flags {
  runsDir?: string;
  json?: boolean;
}

function openStore(flags: Flags): RunStore {
  const store = new RunStore(resolveRunsDir(flags.runsDir));
  store.recoverInterrupted(isOwnerAlive);
  return store;
}

/** Finds a run by id or unique id prefix. */
function findRun(store: RunStore, id: string): RunMeta {
  const metas = store.list();
  const exact = metas.find((meta) => meta.runId === id);
  if (exact) return exact;
  const matches = metas.filter((meta) => meta.runId.startsWith(id));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new CliError(`run id prefix ${JSON.stringify(id)} is ambiguous (${matches.length} runs)`);
  }
  throw new CliError(`no run ${JSON.stringify(id)} in ${store.root}`);
}

function write(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('list, show or delete stored runs');
  const dirOption = '--runs-dir <dir>';
  const dirHelp = RUNS_DIR_HELP;

  runs
    .command('list')
    .description('list runs, oldest first')
    .option(dirOption, dirHelp)
    .option('--json', 'print the run metadata as JSON')
    .action(
      action(async (flags: Flags) => {
        const store = openStore(flags);
        const metas = store.list();
        if (flags.json) return write(JSON.stringify(metas, null, 2));
        if (metas.length === 0) return write(`no runs in ${store.root}`);
        const rows = metas.map((meta) => {
          const summary = store.read(meta.runId)?.summary;
          return [
            meta.runId,
            meta.status,
            meta.mode,
            meta.name,
            cell(bestMetric(summary, 'loss')),
            cell(bestMetric(summary, 'accuracy')),
            meta.backend?.name ?? '-',
          ];
        });
        write(
          formatTable(
            ['run id', 'status', 'mode', 'name', 'loss', 'accuracy', 'backend'],
            rows,
            new Set([4, 5]),
          ),
        );
      }),
    );

  runs
    .command('show')
    .description('show one run (id or unique id prefix)')
    .argument('<id>')
    .option(dirOption, dirHelp)
    .option('--json', 'print everything stored for the run (meta, config, metrics, layers, summary) as JSON')
    .action(
      action(async (id: string, flags: Flags) => {
        const store = openStore(flags);
        const data = store.read(findRun(store, id).runId);
        if (!data) throw new CliError(`run ${id} is unreadable (see the warning above)`);
        if (flags.json) {
          return write(JSON.stringify({ ...data, dir: store.runDir(data.meta.runId) }, null, 2));
        }
        const { meta, summary } = data;
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
          ['time (s)', cell(durationSeconds(data), 1)],
          ['backend', meta.backend ? `${meta.backend.name} ${JSON.stringify(meta.backend.versions)}` : '-'],
          ['seed', String(meta.seed)],
          ['layers', String(meta.layers?.length ?? data.config.model.depth)],
          ['records', `${data.metrics.length} metrics, ${data.layers.length} layer statistics`],
          ['directory', store.runDir(meta.runId)],
        ];
        for (const [key, value] of lines) write(`${key.padEnd(11)} ${value}`);
        if (summary) {
          const metrics = { ...summary.final, ...summary.test };
          write('\nfinal metrics');
          for (const [key, value] of Object.entries(metrics)) write(`  ${key.padEnd(16)} ${cell(value)}`);
        }
      }),
    );

  runs
    .command('rm')
    .description('delete a run directory (refused while the run is live)')
    .argument('<id>')
    .option(dirOption, dirHelp)
    .option('--json', 'print {"removed": id}')
    .action(
      action(async (id: string, flags: Flags) => {
        const store = openStore(flags);
        const meta = findRun(store, id);
        if (!isTerminal(meta.status)) {
          throw new CliError(
            `run ${meta.runId} is ${meta.status}; stop it first (its owner, pid ${meta.owner?.pid ?? '?'}, is alive)`,
          );
        }
        store.delete(meta.runId as RunId);
        write(flags.json ? JSON.stringify({ removed: meta.runId }) : `removed ${meta.runId}`);
      }),
    );
}
