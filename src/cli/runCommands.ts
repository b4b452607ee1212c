/**
 * Registers `snn-lab run`, `snn-lab probe` and `snn-lab runs ...`. Exit codes: 0 every run finished, 1 a run
 * did not finish (failed, diverged, stopped, cancelled), 2 invalid input (file problems, bad options).
 */
import { Option, type Command } from 'commander';
import type { LayerStatsRecord, RunOverview } from '../runs/runTypes';
import type { RunStore } from '../runs/runStore';
import { budgetFrom } from '../runs/storageBudget';
import { DEFAULT_PROBE_SAMPLES, MAX_PROBE_SAMPLES, type BackendChoice } from '../protocol/trainer';
import type { RunConfig } from '../core/config/experimentConfig';
import { dataShapeOf, describeEstimate, estimateMemory, formatBytes } from '../core/config/memoryEstimate';
import { loadExperiment } from '../node/loadExperiment';
import {
  EXIT,
  action,
  addLimitOptions,
  CliError,
  limitsFrom,
  loadPlans,
  parseInteger,
  resolveRunsDir,
  type LimitFlags,
} from './cliShared';
import { displayMode, executePlans } from './runCommand';
import { registerRunsCommand } from './runsCommand';
import { submitExperiment } from './slurmCommands';
import { cell, comparisonTable, durationSeconds, formatTable } from './table';
import { RUNS_DIR_HELP } from '../runs/runsDirectory';
import { writeOut } from './output';

const BACKENDS: BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

interface RunFlags extends LimitFlags {
  variant?: string;
  index?: string;
  runsDir?: string;
  backend?: BackendChoice;
  jobs?: string;
  json?: boolean;
  local?: boolean;
  statsBudgetMb?: string;
}

/** A whole-file run of an experiment whose executor is slurm goes to the cluster (`--local` overrides). */
async function wantsSlurm(file: string, flags: RunFlags): Promise<boolean> {
  if (flags.local || flags.index !== undefined || flags.variant !== undefined) return false;
  const loaded = await loadExperiment(file, limitsFrom(flags));
  return loaded.file?.executor.kind === 'slurm';
}

interface ProbeFlags extends Omit<RunFlags, 'jobs'> {
  samples?: string;
  input?: 'data' | 'normal';
}

/** One run's entry in `--json` output. */
function runJson(run: RunOverview, dir: string) {
  const { meta, summary } = run;
  return {
    runId: meta.runId,
    name: meta.name,
    ...(meta.variant !== undefined ? { variant: meta.variant } : {}),
    sweepPoint: meta.sweepPoint,
    ...(meta.fold !== undefined ? { fold: meta.fold } : {}),
    status: meta.status,
    ...(meta.failure ? { failure: meta.failure } : {}),
    dir,
    backend: meta.backend?.name ?? null,
    seconds: durationSeconds(run) ?? null,
    summary: summary ?? null,
  };
}

function backendOption(): Option {
  return new Option('--backend <backend>', 'tfjs backend of the trainer').choices(BACKENDS).default('auto');
}

export function registerRunCommands(program: Command): void {
  const run = program
    .command('run')
    .description('train the runs of an experiment file (all, one variant, or the --index-th run)')
    .argument('<file>', 'experiment file (*.snn.json or *.snn.yaml)')
    .option('--variant <name>', 'only the runs of this variant')
    .option('--index <i>', '0-based index into the expanded run list (one run; used by Slurm array tasks)')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .addOption(backendOption())
    .option('--jobs <n>', 'trainer processes at a time (default: number of cores)')
    .option('--json', 'print a machine-readable result instead of progress and a table')
    .option('--local', "train on this machine even when the file's executor is slurm")
    .option(
      '--stats-budget-mb <mb>',
      'most MB of statistics a run stores (more are thinned to every n-th report; default $SNN_LAB_STATS_BUDGET_MB or 256)',
    );
  addLimitOptions(run).action(
    action(async (file: string, flags: RunFlags) => {
      const limits = limitsFrom(flags);
      if (await wantsSlurm(file, flags)) {
        await submitExperiment(file, {
          ...(flags.runsDir !== undefined ? { runsDir: flags.runsDir } : {}),
          ...(flags.json ? { json: true } : {}),
          ...(flags.maxRuns !== undefined ? { maxRuns: flags.maxRuns } : {}),
          ...(flags.memoryBudget !== undefined ? { memoryBudget: flags.memoryBudget } : {}),
        });
        return;
      }
      const index = flags.index !== undefined ? parseInteger(flags.index, '--index', 0) : undefined;
      const jobs = flags.jobs !== undefined ? parseInteger(flags.jobs, '--jobs', 1) : undefined;
      const { path, plans } = await loadPlans(
        file,
        {
          ...(flags.variant !== undefined ? { variant: flags.variant } : {}),
          ...(index !== undefined ? { index } : {}),
        },
        limits,
      );
      const runsDir = resolveRunsDir(flags.runsDir, path);
      const budget = storageBudget(flags.statsBudgetMb);
      const { store, runs } = await executePlans({
        budget,
        experiment: path,
        plans,
        runsDir,
        mode: 'train',
        memoryBudgetMB: limits.memoryBudgetMB,
        ...(jobs !== undefined ? { jobs } : {}),
        ...(flags.backend ? { backend: flags.backend } : {}),
        display: displayMode(flags.json),
      });
      const ok = runs.every((run) => run.meta.status === 'finished');
      if (flags.json) {
        const result = {
          experiment: path,
          runsDir,
          ok,
          runs: runs.map((run) => runJson(run, store.runDir(run.meta.runId))),
        };
        writeOut(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        writeOut(`\n${comparisonTable(runs)}\n\nruns in ${runsDir}\n`);
        for (const run of runs.filter((r) => r.meta.failure && r.meta.status !== 'finished')) {
          writeOut(`${run.meta.runId}: ${run.meta.status}: ${run.meta.failure?.message}\n`);
        }
      }
      process.exitCode = ok ? EXIT.ok : EXIT.runFailed;
    }),
  );

  const probe = program
    .command('probe')
    .description(
      "forward a batch through a freshly initialised network and print each layer's mean and variance",
    )
    .argument('<file>', 'experiment file')
    .option('--variant <name>', 'probe the first run of this variant (default: the first run)')
    .option('--index <i>', '0-based index into the expanded run list')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .addOption(backendOption())
    .option(
      '--samples <n>',
      `probe batch size (default ${DEFAULT_PROBE_SAMPLES}, at most ${MAX_PROBE_SAMPLES})`,
    )
    .addOption(
      new Option('--input <input>', 'probe input: the training data or N(0, I)').choices(['data', 'normal']),
    )
    .option('--json', 'print machine-readable statistics');
  addLimitOptions(probe).action(
    action(async (file: string, flags: ProbeFlags) => {
      const limits = limitsFrom(flags);
      const index = flags.index !== undefined ? parseInteger(flags.index, '--index', 0) : undefined;
      const samples =
        flags.samples !== undefined
          ? parseInteger(flags.samples, '--samples', 1, MAX_PROBE_SAMPLES)
          : undefined;
      const { path, plans } = await loadPlans(
        file,
        {
          ...(flags.variant !== undefined ? { variant: flags.variant } : {}),
          ...(index !== undefined ? { index } : {}),
        },
        limits,
      );
      const plan = plans[0];
      if (!plan) return;
      checkProbeMemory(plan.config, samples ?? DEFAULT_PROBE_SAMPLES, limits.memoryBudgetMB, flags.input);
      const { store, runs } = await executePlans({
        experiment: path,
        plans: [plan],
        runsDir: resolveRunsDir(flags.runsDir, path),
        mode: 'probe',
        jobs: 1,
        memoryBudgetMB: limits.memoryBudgetMB,
        ...(flags.backend ? { backend: flags.backend } : {}),
        ...(samples !== undefined ? { probeSamples: samples } : {}),
        ...(flags.input ? { probeInput: flags.input } : {}),
        display: 'quiet', // one short run: the table below is the output
      });
      const run = runs[0];
      if (!run) return;
      printProbe(store, run, Boolean(flags.json));
      process.exitCode = run.meta.status === 'finished' ? EXIT.ok : EXIT.runFailed;
    }),
  );

  registerRunsCommand(program);
}

/** The storage budget from --stats-budget-mb or the environment; a bad value is invalid input (exit 2). */
function storageBudget(option: string | undefined): ReturnType<typeof budgetFrom> {
  try {
    return budgetFrom(option);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** Refuses a probe batch whose run is estimated above the memory budget (before any trainer starts). */
function checkProbeMemory(config: RunConfig, samples: number, budgetMB: number, input?: string): void {
  const shape =
    input === 'normal'
      ? { ...dataShapeOf(config.data), features: config.model.width }
      : dataShapeOf(config.data);
  const estimate = estimateMemory(config, shape, samples);
  if (estimate.bytes <= budgetMB * 1024 * 1024) return;
  throw new CliError(
    `--samples ${samples}: the probe needs about ${formatBytes(estimate.bytes)} by estimate ` +
      `(${describeEstimate(estimate, config)}), more than the memory budget of ${formatBytes(budgetMB * 1024 * 1024)}; ` +
      'use fewer samples or raise --memory-budget',
  );
}

/** Prints the per-layer statistics of a probe run (its last layerStats record). */
function printProbe(store: RunStore, run: RunOverview, json: boolean): void {
  let last: LayerStatsRecord | undefined;
  store.readRecords(run.meta.runId, 'layers', (record) => (last = record));
  const stats = last?.layers ?? [];
  const info = new Map((run.meta.layers ?? []).map((layer) => [layer.layer, layer]));
  if (json) {
    const layers = stats.map((s) => ({
      layer: s.layer,
      units: s.units,
      activation: info.get(s.layer)?.activation ?? null,
      pre: { mean: s.pre.mean, variance: s.pre.variance },
      post: { mean: s.post.mean, variance: s.post.variance },
      saturated: s.saturated,
      dead: s.dead,
    }));
    const result = { runId: run.meta.runId, name: run.meta.name, status: run.meta.status, layers };
    writeOut(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const rows = stats.map((s) => [
    String(s.layer),
    String(s.units),
    info.get(s.layer)?.activation ?? '-',
    cell(s.pre.mean),
    cell(s.pre.variance),
    cell(s.post.mean),
    cell(s.post.variance),
    cell(s.saturated, 3),
  ]);
  const headers = [
    'layer',
    'units',
    'activation',
    'pre mean',
    'pre var',
    'post mean',
    'post var',
    'saturated',
  ];
  writeOut(`\n${run.meta.name} at initialisation (${run.meta.runId})\n`);
  writeOut(`${formatTable(headers, rows, new Set([0, 1, 3, 4, 5, 6, 7]))}\n`);
}
