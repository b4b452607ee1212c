/**
 * train(): the training loop as an ordinary async function that knows nothing about IPC. It emits protocol
 * events through `sink`, checks `signal` between batches (yielding to the event loop so a stop is seen
 * mid-epoch), and throws a TrainFailure for a diverged or stopped run.
 */
import type { RunConfig } from '../core/config/experimentConfig';
import { createRng, deriveSeed } from '../core/random';
import type { RunId } from '../protocol/ids';
import type { Metrics, RunSummary } from '../protocol/stats';
import type { TrainerToHost } from '../protocol/trainer';
import type { Dataset } from '../node/data/dataset';
import type { Tf } from './tf';
import { EarlyStopping } from './earlyStopping';
import { createStepper, type Stepper } from './batchStep';
import { evaluateSplit, gatherRows, metricsOf, predictSplit } from './evaluate';
import { statsLayers } from './layerStats';
import { buildModel } from './model';
import { writePredictions } from './predictions';
import { seluFor } from './seluConfig';
import { saveWeights } from './weightsFile';

/** Minimum time between two `progress` events (at most ~10 per second). */
const PROGRESS_INTERVAL_MS = 100;

/** A run that ended without finishing; `reason` becomes the `failed` message's reason. */
export class TrainFailure extends Error {
  constructor(
    readonly reason: 'diverged' | 'stopped' | 'data',
    message: string,
    readonly step?: number,
    readonly layer?: number,
  ) {
    super(message);
  }
}

export interface TrainOptions {
  tf: Tf;
  data: Dataset;
  runId: RunId;
  sink: (message: TrainerToHost) => void;
  signal: AbortSignal;
  now: () => number;
  /** Where weights.json / weights.bin and predictions.csv are written at the end (skipped when absent). */
  runDir?: string;
  /** The run's fold (k-fold CV), recorded in predictions.csv. */
  fold?: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Longest time between two yields to the event loop within an epoch (a stop request and the IPC channel's writes are
 * handled there). A yield per step cost a promise, an immediate and their async bookkeeping every step (garbage for
 * the GC and code for V8's compiler threads, docs/performance.md "Sweep (session 7)"); every 20 ms a stop still
 * lands within a step or a few.
 */
const YIELD_MS = 20;

/** What an epoch's batches read, and the counters they advance (one object for the whole run). */
interface EpochLoop {
  data: Dataset;
  stepper: Stepper;
  sink: (message: TrainerToHost) => void;
  signal: AbortSignal;
  now: () => number;
  runId: RunId;
  order: number[];
  batchSize: number;
  outputs: number;
  reported: number[];
  everySteps: number;
  started: number;
  step: number;
  samples: number;
  lastProgress: number;
  lastYield: number;
}

/**
 * One epoch's batches in `loop.order`: steps, statistics reports and progress; the epoch's training outputs and
 * labels. A function of its own, not part of train(): V8 optimises this hot loop as a small unit instead of the
 * whole run's function, less work for its compiler threads (docs/performance.md, "Sweep (session 6)").
 */
async function trainEpoch(
  loop: EpochLoop,
  epoch: number,
): Promise<{ epochOutputs: Float32Array; epochLabels: Float32Array }> {
  const { data, stepper, sink, signal, now, runId, order, batchSize, outputs, reported } = loop;
  const epochOutputs = new Float32Array(data.train.n * outputs);
  const epochLabels = new Float32Array(data.train.n);
  for (let from = 0; from < data.train.n; from += batchSize) {
    const step = loop.step;
    if (signal.aborted) {
      throw new TrainFailure('stopped', `stopped after ${step} step${step === 1 ? '' : 's'}`, step);
    }
    const to = Math.min(data.train.n, from + batchSize);
    const batch = gatherRows(data.train, data.features, order, from, to);
    const report = step % loop.everySteps === 0 && reported.length > 0;
    const stepped = stepper.step(batch.x, batch.y, to - from, report ? reported : undefined);
    const result = stepped instanceof Promise ? await stepped : stepped;
    if (result.diverged) {
      const layer = result.diverged.layer;
      const where = layer === undefined ? 'the output layer' : `hidden layer ${layer}`;
      throw new TrainFailure(
        'diverged',
        `loss is ${result.loss} at step ${step} (first non-finite: ${where})`,
        step,
        layer,
      );
    }
    epochOutputs.set(result.outputs, from * outputs);
    epochLabels.set(batch.y, from);
    if (result.layers) sink({ type: 'layerStats', runId, step, epoch, layers: result.layers });
    const t = now();
    if (t - loop.lastProgress >= PROGRESS_INTERVAL_MS || to === data.train.n) {
      loop.lastProgress = t;
      const samplesPerSec = (loop.samples + to - from) / Math.max(1e-3, (t - loop.started) / 1000);
      sink({ type: 'progress', runId, step, epoch, loss: result.loss, samplesPerSec });
    }
    loop.step = step + 1;
    loop.samples += to - from;
    if (t - loop.lastYield >= YIELD_MS) {
      await yieldToEventLoop();
      loop.lastYield = now();
    }
  }
  return { epochOutputs, epochLabels };
}

/** Trains one run and returns its summary. */
export async function train(config: RunConfig, options: TrainOptions): Promise<RunSummary> {
  const { tf, data, runId, sink, signal, now } = options;
  if (data.train.n === 0) throw new TrainFailure('data', 'the training split is empty');
  const selu = seluFor(config.model);
  const outputs = data.task === 'regression' ? 1 : data.classes;
  const model = buildModel(tf, config.model, selu, data.features, outputs, config.seed);
  const batchSize = Math.min(config.train.batchSize, data.train.n);
  const stepsPerEpoch = Math.ceil(data.train.n / batchSize);
  const reported = statsLayers(config.stats, model.layers.length);
  const stepper = createStepper({
    tf,
    model,
    config,
    selu,
    task: data.task,
    features: data.features,
    classes: data.classes,
    rows: batchSize,
  });
  const early = config.train.earlyStopping
    ? new EarlyStopping(tf, model, config.train.earlyStopping)
    : undefined;
  const shuffleRng = createRng(deriveSeed(config.seed, 'shuffle'));
  const order = Array.from({ length: data.train.n }, (_, i) => i);
  const parameters = model.trainable.reduce((n, v) => n + v.size, 0);
  const m = config.model;
  sink({
    type: 'log',
    level: 'info',
    message: `model: ${m.depth} x ${m.width} ${m.shape} ${m.activation}, init ${m.init}, norm ${m.normalization}, dropout ${m.dropout.kind} ${m.dropout.rate}, SELU (alpha ${selu.alpha}, lambda ${selu.lambda}), ${parameters} parameters; ${config.train.optimizer} lr ${config.train.learningRate}, batch ${batchSize}; step: ${stepper.kind === 'wasm-fused' ? 'fused wasm kernels' : 'tfjs ops'}`,
  });
  sink({
    type: 'started',
    runId,
    layers: model.info,
    totalSteps: stepsPerEpoch * config.train.epochs,
    stepsPerEpoch,
    samples: { train: data.train.n, validation: data.validation.n, test: data.test.n },
    features: data.features,
    classes: data.classes,
    ...(data.files.length > 0 ? { dataFiles: data.files } : {}),
  });
  const loop: EpochLoop = {
    data,
    stepper,
    sink,
    signal,
    now,
    runId,
    order,
    batchSize,
    outputs,
    reported,
    everySteps: config.stats.everySteps,
    started: now(),
    step: 0,
    samples: 0,
    lastProgress: -Infinity,
    lastYield: -Infinity,
  };
  const started = loop.started;
  let epochsDone = 0;
  let final: Metrics = {};
  const history: Metrics[] = [];
  try {
    for (let epoch = 0; epoch < config.train.epochs; epoch++) {
      shuffleRng.shuffle(order);
      const { epochOutputs, epochLabels } = await trainEpoch(loop, epoch);
      const metrics = {
        ...metricsOf(data, epochOutputs, epochLabels),
        ...(await evaluateSplit(tf, model, data, data.validation, 'val_', stepper.predict)),
      };
      final = metrics;
      history.push(metrics);
      epochsDone = epoch + 1;
      sink({ type: 'epochEnd', runId, epoch, step: loop.step, metrics });
      if (early?.update(metrics, epoch, (m) => sink({ type: 'log', level: 'warn', message: m }))) break;
    }
    const testedEpoch = early?.restoreBest(epochsDone - 1) ?? epochsDone - 1;
    const stoppedEarly = early?.stoppedEarly ?? false;
    const predict = stepper.predict;
    const testOutputs = data.test.n > 0 ? await predictSplit(tf, model, data, data.test, predict) : undefined;
    const test = testOutputs ? metricsOf(data, testOutputs, data.test.y, 'test_') : {};
    if (options.runDir) {
      await saveWeights(options.runDir, model, config);
      const validation =
        data.validation.n > 0 ? await predictSplit(tf, model, data, data.validation, predict) : undefined;
      await writePredictions(options.runDir, data, { validation, test: testOutputs }, options.fold);
    }
    const durationMs = now() - started;
    const { step, samples } = loop;
    return {
      steps: step,
      epochs: epochsDone,
      durationMs,
      final,
      test,
      stoppedEarly,
      samplesPerSec: samples / Math.max(1e-3, durationMs / 1000),
      ...(history[testedEpoch] ? { tested: { epoch: testedEpoch, metrics: history[testedEpoch] } } : {}),
    };
  } finally {
    early?.dispose();
    stepper.dispose();
    model.dispose();
  }
}
