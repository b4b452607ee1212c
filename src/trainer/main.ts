/**
 * Entry point of the trainer child process (dist/trainer.js): one process runs exactly one run. Sends `ready`,
 * waits for `start`, checks the config, loads the data, trains (or probes), posts `finished` or `failed`, exits.
 * Usage: fork('dist/trainer.js', ['--backend', 'auto' | 'tensorflow' | 'wasm' | 'cpu']).
 */
import type { RunConfig } from '../core/config/experimentConfig';
import type { RunId } from '../protocol/ids';
import { DEFAULT_PROBE_SAMPLES, type HostToTrainer, type TrainerToHost } from '../protocol/trainer';
import { PROTOCOL_VERSION } from '../protocol/version';
import { loadDataset } from '../node/data/loadDataset';
import { backendFromArgv, initBackend, type BackendHandle } from './backend';
import { createChannel, type TrainerChannel } from './channel';
import { memoryProblem } from '../core/config/memoryEstimate';
import { checkRunConfig } from '../core/config/runConfigCheck';
import { probe } from './probe';
import { train, TrainFailure } from './train';

type Start = Extract<HostToTrainer, { type: 'start' }>;

async function run(
  channel: TrainerChannel,
  backend: BackendHandle,
  start: Start,
  signal: AbortSignal,
): Promise<TrainerToHost> {
  const runId: RunId = start.runId;
  const problems = checkRunConfig(start.config);
  if (problems.length > 0) {
    return {
      type: 'failed',
      runId,
      reason: 'internal',
      message: `invalid run config: ${problems.join('; ')}`,
    };
  }
  const config: RunConfig = start.config;
  const sink = (message: TrainerToHost): void => channel.send(message);
  const now = (): number => performance.now();
  const probeNormal = start.mode === 'probe' && start.probeInput === 'normal';
  let data;
  if (!probeNormal) {
    try {
      data = await loadDataset(config.data, {
        baseDir: start.baseDir,
        seed: config.seed,
        fold: start.fold,
        ...(start.workspaceRoot !== undefined ? { workspaceRoot: start.workspaceRoot } : {}),
        ...(start.allowOutsideWorkspace !== undefined
          ? { allowOutsideWorkspace: start.allowOutsideWorkspace }
          : {}),
      });
    } catch (error) {
      return { type: 'failed', runId, reason: 'data', message: (error as Error).message };
    }
    for (const note of data.notes) sink({ type: 'log', level: 'info', message: note });
  }
  if (start.memoryBudgetMB !== undefined) {
    const samples = data ? data.train.n + data.validation.n + data.test.n : 0;
    const shape = data
      ? { features: data.features, outputs: data.task === 'regression' ? 1 : data.classes, samples }
      : { features: config.model.width, outputs: 2, samples };
    const probeSamples = start.mode === 'probe' ? (start.probeSamples ?? DEFAULT_PROBE_SAMPLES) : undefined;
    const problem = memoryProblem(config, shape, start.memoryBudgetMB, probeSamples);
    if (problem) return { type: 'failed', runId, reason: 'data', message: problem };
  }
  try {
    if (start.mode === 'probe') {
      const classes = config.data.source === 'synthetic' ? config.data.classes : 2;
      const summary = await probe(config, {
        tf: backend.tf,
        runId,
        sink,
        now,
        data,
        features: config.model.width,
        classes,
        samples: start.probeSamples ?? DEFAULT_PROBE_SAMPLES,
      });
      return { type: 'finished', runId, summary };
    }
    if (!data) throw new Error('no data loaded');
    const summary = await train(config, {
      tf: backend.tf,
      data,
      runId,
      sink,
      signal,
      now,
      runDir: start.runDir,
      fold: start.fold,
    });
    return { type: 'finished', runId, summary };
  } catch (error) {
    if (error instanceof TrainFailure) {
      return {
        type: 'failed',
        runId,
        reason: error.reason,
        message: error.message,
        step: error.step,
        layer: error.layer,
      };
    }
    const e = error as Error;
    return { type: 'failed', runId, reason: 'internal', message: e.message ?? String(error), stack: e.stack };
  }
}

async function main(): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  const channel = createChannel();
  let backend: BackendHandle;
  try {
    backend = await initBackend(backendFromArgv(process.argv.slice(2)));
  } catch (error) {
    await channel.flush({ type: 'log', level: 'error', message: `trainer: ${(error as Error).message}` });
    process.exit(1);
  }
  const controller = new AbortController();
  let started = false;
  const start = new Promise<Start>((resolve) => {
    channel.onMessage((message) => {
      if (message.type === 'start' && !started) {
        started = true;
        resolve(message);
      } else if (message.type === 'stop') {
        if (!started) process.exit(0);
        controller.abort();
      }
    });
  });
  channel.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION, backend: backend.info, pid: process.pid });
  const result = await run(channel, backend, await start, controller.signal);
  await channel.flush(result);
  process.exit(0);
}

void main();
