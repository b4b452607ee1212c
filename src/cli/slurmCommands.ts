/**
 * `snn-lab slurm submit|status|cancel|task`: run an experiment's sweep as a Slurm job array, follow it, cancel it.
 * `task` is what each array task runs (see the generated job.sh); users do not call it themselves.
 */
import type { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import type { SlurmExecutorConfig } from '../core/config/experimentConfig';
import { asRunId, type RunId } from '../protocol/ids';
import { formatProblem, loadExperiment } from '../node/loadExperiment';
import { RunStore } from '../runs/runStore';
import { SlurmExecutor } from '../runs/slurm/slurmExecutor';
import { runSlurmTask } from '../runs/slurm/slurmTask';
import { budgetFrom } from '../runs/storageBudget';
import {
  CliError,
  EXIT,
  action,
  addLimitOptions,
  limitsFrom,
  resolveRunsDir,
  type LimitFlags,
} from './cliShared';
import { validateSlurmConfig } from '../core/slurm/validate';
import { isTerminal, type RunStatus } from '../core/runStatus';
import { printStatus, statusRows } from './slurmStatus';
import { RUNS_DIR_HELP } from '../runs/runsDirectory';
import { writeOut, writeErr } from './output';

const stderrLog = {
  info: (m: string): void => void writeErr(`${m}\n`),
  warn: (m: string): void => void writeErr(`warning: ${m}\n`),
  error: (m: string): void => void writeErr(`error: ${m}\n`),
};

export interface SubmitOptions extends LimitFlags {
  runsDir?: string;
  partition?: string;
  time?: string;
  cpusPerTask?: string;
  mem?: string;
  parallel?: string;
  sbatchOption?: string[];
  wait?: boolean;
  json?: boolean;
}

/** An integer flag as written; its range is the schema's, checked with the other settings. */
function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim())) {
    throw new CliError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** The executor settings of the file, overridden by the command-line flags. */
function executorFrom(file: SlurmExecutorConfig | undefined, o: SubmitOptions): SlurmExecutorConfig {
  const base: SlurmExecutorConfig = file ?? { kind: 'slurm' };
  const pick = <T>(flag: T | undefined, value: T | undefined): T | undefined => flag ?? value;
  const merged: SlurmExecutorConfig = { kind: 'slurm' };
  const partition = pick(o.partition, base.partition);
  const timeLimit = pick(o.time, base.timeLimit);
  const cpusPerTask = pick(int(o.cpusPerTask, '--cpus-per-task'), base.cpusPerTask);
  const memory = pick(o.mem, base.memory);
  const parallel = pick(int(o.parallel, '--parallel'), base.parallel);
  const sbatchOptions = [...(base.sbatchOptions ?? []), ...(o.sbatchOption ?? [])];
  if (partition !== undefined) merged.partition = partition;
  if (timeLimit !== undefined) merged.timeLimit = timeLimit;
  if (cpusPerTask !== undefined) merged.cpusPerTask = cpusPerTask;
  if (memory !== undefined) merged.memory = memory;
  if (parallel !== undefined) merged.parallel = parallel;
  if (sbatchOptions.length > 0) merged.sbatchOptions = sbatchOptions;
  if (base.runsDir !== undefined) merged.runsDir = base.runsDir;
  return merged;
}

/** The CLI bundle running now (dist/cli.js): array tasks run the same file with the same Node. */
function cliPath(): string {
  return resolve(process.argv[1] ?? join(__dirname, 'cli.js'));
}

function makeExecutor(runsDir: string): { store: RunStore; executor: SlurmExecutor } {
  const store = new RunStore(resolve(runsDir), { logger: stderrLog });
  return { store, executor: new SlurmExecutor({ store, log: stderrLog, cliPath: cliPath(), pollMs: 2000 }) };
}

/** `snn-lab slurm submit`: loads the experiment and submits all its runs (exported for `snn-lab run` to delegate). */
export async function submitExperiment(path: string, o: SubmitOptions): Promise<void> {
  const loaded = await loadExperiment(path, limitsFrom(o));
  for (const problem of loaded.problems) writeErr(`${formatProblem(path, problem)}\n`);
  if (!loaded.file) {
    process.exitCode = EXIT.invalidInput;
    return;
  }
  const fromFile = loaded.file.executor.kind === 'slurm' ? loaded.file.executor : undefined;
  const executorConfig = executorFrom(fromFile, o);
  const problems = validateSlurmConfig(executorConfig);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
    throw new CliError(`invalid Slurm settings (from ${path} and the command line):\n${lines}`);
  }
  const runsDir =
    o.runsDir === undefined && fromFile?.runsDir !== undefined
      ? resolve(dirname(loaded.path), fromFile.runsDir)
      : resolveRunsDir(o.runsDir, loaded.path);
  const { store, executor } = makeExecutor(runsDir);
  try {
    const runIds = await executor.submit(loaded.plans, {
      experiment: loaded.path,
      executor: { ...executorConfig, runsDir: store.root },
    });
    const jobId = executor.jobOf(runIds[0] ?? asRunId('none'));
    if (o.json) writeOut(`${JSON.stringify({ jobId, runsDir: store.root, runIds })}\n`);
    else {
      writeOut(
        `submitted job array ${jobId} with ${runIds.length} run(s) into ${store.root}\n${runIds.map((id) => `  ${id}`).join('\n')}\n`,
      );
    }
    if (o.wait) {
      const statuses = await Promise.all(runIds.map((id) => executor.whenDone(id)));
      if (!o.json) printStatus(statusRows(store, executor));
      if (statuses.some((s) => s !== 'finished')) process.exitCode = 1;
    }
  } finally {
    executor.dispose();
    store.dispose();
  }
}

async function status(o: { runsDir?: string; json?: boolean; watch?: boolean }): Promise<void> {
  const { store, executor } = makeExecutor(resolveRunsDir(o.runsDir));
  try {
    for (;;) {
      await executor.pollNow();
      const rows = statusRows(store, executor);
      if (o.json) writeOut(`${JSON.stringify(rows)}\n`);
      else printStatus(rows);
      if (!o.watch || rows.every((r) => !r.live)) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    executor.dispose();
    store.dispose();
  }
}

/**
 * Cancels a run's array task, or every task of a job, and says what happened to each run: a run that ended on its
 * own while the cancel was in flight is reported as such (exit 1), never as cancelled.
 */
async function cancel(target: string, o: { runsDir?: string }): Promise<void> {
  const { store, executor } = makeExecutor(resolveRunsDir(o.runsDir));
  try {
    const runIds = /^\d+$/.test(target)
      ? store
          .list()
          .flatMap((meta) =>
            meta.executor?.kind === 'slurm' && meta.executor.jobId === target ? [meta.runId as RunId] : [],
          )
      : [asRunId(target)];
    const live = runIds.filter((runId) => executor.owns(runId));
    if (live.length === 0) {
      const ended = runIds.map((runId) => `${runId} ${store.readMeta(runId)?.status ?? 'unknown'}`);
      throw new CliError(
        ended.length > 0
          ? `nothing to cancel: ${ended.join(', ')}`
          : `nothing to cancel: no Slurm run or job ${JSON.stringify(target)} in ${store.root}`,
        EXIT.runFailed,
      );
    }
    // scancel fails for a task that has just completed: what counts is each run's status afterwards.
    let refused: string | undefined;
    try {
      if (/^\d+$/.test(target)) await executor.stopJob(target);
      else await executor.stop(asRunId(target));
    } catch (error) {
      refused = error instanceof Error ? error.message : String(error);
    }
    store.refresh();
    let notCancelled = 0;
    for (const runId of live) {
      const status = store.readMeta(runId)?.status ?? 'unknown';
      if (status === 'cancelled' || status === 'stopped') {
        writeOut(`cancelled ${runId}\n`);
        continue;
      }
      notCancelled++;
      const how = isTerminal(status as RunStatus)
        ? `it ended ${status} before the cancel took effect`
        : `it is still ${status}${refused ? ` (${refused})` : ''}`;
      writeOut(`not cancelled ${runId}: ${how}\n`);
    }
    if (notCancelled > 0) process.exitCode = EXIT.runFailed;
  } finally {
    executor.dispose();
    store.dispose();
  }
}

/** Registers `snn-lab slurm ...`. */
export function registerSlurmCommands(program: Command): void {
  const slurm = program
    .command('slurm')
    .description('run sweeps as Slurm job arrays on a cluster (from its login node)');
  const submit = slurm
    .command('submit')
    .description('submit every run of an experiment as one sbatch job array')
    .argument('<file>', 'experiment file')
    .option(
      '--runs-dir <dir>',
      `shared run store (default: executor.runsDir of the file, else the ${RUNS_DIR_HELP})`,
    )
    .option('--partition <name>', 'Slurm partition')
    .option('--time <limit>', 'time limit per run, e.g. 30 or 0-01:00:00')
    .option('--cpus-per-task <n>', 'CPUs per run')
    .option('--mem <size>', 'memory per run, e.g. 2G')
    .option('--parallel <n>', 'at most n runs at once (the %n of --array)')
    .option('--sbatch-option <opt...>', 'extra sbatch options, e.g. --sbatch-option=--account=lab')
    .option('--wait', 'wait until every run has ended; exit 1 if any did not finish')
    .option('--json', 'print {jobId, runsDir, runIds} as JSON');
  addLimitOptions(submit).action(action((file: string, o: SubmitOptions) => submitExperiment(file, o)));
  slurm
    .command('status')
    .description('show the Slurm runs of a run store: Slurm state, run status, progress')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print the rows as JSON')
    .option('--watch', 'repeat every 2 s until no run is live')
    .action(action((o: { runsDir?: string; json?: boolean; watch?: boolean }) => status(o)));
  slurm
    .command('cancel')
    .description('cancel one run (its array task) or a whole job array')
    .argument('<target>', 'a run id or an array job id')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .action(action((target: string, o: { runsDir?: string }) => cancel(target, o)));
  slurm
    .command('task', { hidden: true })
    .description('(inside an array task) train one pre-created run of the run store')
    .requiredOption('--runs-dir <dir>', 'run store')
    .requiredOption('--run-id <id>', 'the run to train')
    .action(async (o: { runsDir: string; runId: string }) => {
      process.exitCode = await runSlurmTask({
        runsDir: resolve(o.runsDir),
        runId: asRunId(o.runId),
        trainerPath: join(dirname(cliPath()), 'trainer.js'),
        budget: budgetFrom(undefined),
        logger: {
          info: (m) => writeOut(`${m}\n`),
          warn: (m) => writeOut(`warning: ${m}\n`),
          error: (m) => writeOut(`error: ${m}\n`),
        },
      });
    });
}
