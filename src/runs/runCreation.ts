/** A new run directory: made with the meta.json, config.json and jsonl headers the store writes before a run starts. */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunPlan } from '../core/config/experimentConfig';
import type { RunId } from '../protocol/ids';
import type { RunConfigFile } from './runSchema';
import { RUN_SCHEMA_VERSION, type RunMeta, type RunMode } from './runTypes';
import { RunStoreError, RunWriter, type RunWriterOptions } from './runWriter';

export interface CreateOptions {
  experiment: string;
  mode: RunMode;
  /** Where the run will execute (default: a local trainer, pid filled in when it starts). */
  executor?: RunMeta['executor'];
  /** An id the caller reserved earlier (RunManager creates directories only as runs near their start). */
  runId?: RunId;
}

/** config.json of a new run: the plan (where the run sits in its experiment) and its RunConfig. */
export function newRunConfigFile(plan: RunPlan): RunConfigFile {
  const { config, ...where } = plan;
  return { schemaVersion: RUN_SCHEMA_VERSION, plan: where, config };
}

/** meta.json of a new run: queued, owned by this process, with the plan's study keys. */
export function newRunMeta(plan: RunPlan, options: CreateOptions, runId: RunId, created: Date): RunMeta {
  const { config } = plan;
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId,
    name: plan.name,
    experiment: options.experiment,
    mode: options.mode,
    status: 'queued',
    createdAt: created.toISOString(),
    seed: config.seed,
    ...(config.data.splitSeed !== undefined ? { splitSeed: config.data.splitSeed } : {}),
    experimentName: plan.name.split('/')[0]?.split('#')[0] ?? plan.name,
    ...(plan.variant !== undefined ? { variant: plan.variant } : {}),
    sweepPoint: plan.sweepPoint,
    ...(plan.fold !== undefined ? { fold: plan.fold } : {}),
    ...(plan.repeat !== undefined ? { repeat: plan.repeat } : {}),
    ...(plan.dataset !== undefined ? { datasetName: plan.dataset } : {}),
    ...(plan.group !== undefined ? { group: plan.group } : {}),
    executor: options.executor ?? { kind: 'local' },
    owner: { pid: process.pid, hostname: hostname() },
  };
}

/** Where and for what a run directory is made, and how its writer records. */
export interface NewRunDirectory {
  root: string;
  dir: string;
  plan: RunPlan;
  options: CreateOptions;
  runId: RunId;
  created: Date;
  writer: Pick<RunWriterOptions, 'budget' | 'now' | 'progressFlushMs' | 'warn'>;
}

/** Makes the run directory and its first files, and returns its writer; RunStoreError when the disk is full. */
export function createRunDirectory(o: NewRunDirectory): RunWriter {
  const { dir, plan } = o;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new RunStoreError(`cannot create the run directory ${dir}: ${(error as Error).message}`);
  }
  const config = plan.config;
  return RunWriter.create({
    dir,
    root: o.root,
    meta: newRunMeta(plan, o.options, o.runId, o.created),
    config: newRunConfigFile(plan),
    ...(config.stats?.everySteps !== undefined ? { statsEverySteps: config.stats.everySteps } : {}),
    ...o.writer,
  });
}
