/**
 * Estimates the memory one run needs from its configuration alone: weights with their gradients and optimiser
 * state, what a training batch keeps for the backward pass, an evaluation chunk, the data set, a probe's batch and
 * the trainer runtime itself. float32 throughout. Deliberately on the high side (every buffer counted at once); it
 * has not been compared with measured peak memory of real runs.
 */
import type { ModelConfig, OptimizerName, TrainConfig } from './experimentConfig';
import { EVALUATION_CHUNK_ROWS, layerWidths } from './modelShape';

const FLOAT_BYTES = 4;
const MIB = 1024 * 1024;

/** Node, tfjs and the WebAssembly backend before any tensor: the trainer's measured resident size (~110 MiB). */
export const RUNTIME_BYTES = 128 * MIB;
/** Decoding the `mnist` package's 10,000 digits (JSON text, then Float32Array per digit), measured transiently. */
const MNIST_DECODE_BYTES = 160 * MIB;

/**
 * Tensor memory is multiplied by this for the allocator's slack: the WebAssembly heap grows in steps and keeps
 * freed blocks (see docs/robustness.md for estimates against measured peaks).
 */
const ALLOCATOR_SLACK = 1.25;

/** Optimiser state per parameter: momentum 1 (velocity), adam 2 (m, v), rmsprop 2 (mean square, moment). */
const OPTIMIZER_SLOTS: Record<OptimizerName, number> = { sgd: 0, momentum: 1, adam: 2, rmsprop: 2 };

/** What the data contributes to the network's shape and memory; undefined when not known before loading. */
export interface DataShape {
  features?: number;
  outputs?: number;
  samples?: number;
  /** Extra bytes of loading the source (MNIST's decoder). */
  loadBytes?: number;
}

/** The run settings an estimate reads. */
export interface EstimateInput {
  model: Pick<ModelConfig, 'depth' | 'width' | 'shape' | 'normalization' | 'dropout'>;
  train: Pick<TrainConfig, 'batchSize' | 'optimizer'>;
}

/** The estimate in bytes, by part, with the config path of the largest part (where a problem should point). */
export interface MemoryEstimate {
  bytes: number;
  parameters: number;
  parts: {
    model: number;
    batch: number;
    statistics: number;
    evaluation: number;
    data: number;
    probe: number;
    runtime: number;
  };
  driver: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The shape a defaulted `data` section implies before any file is read (a CSV's size is known only once read). */
export function dataShapeOf(data: unknown): DataShape {
  if (!isRecord(data)) return {};
  if (data.source === 'mnist') {
    return { features: 784, outputs: 10, samples: numberOr(data.samples), loadBytes: MNIST_DECODE_BYTES };
  }
  if (data.source === 'synthetic') {
    const twoClass = data.kind === 'moons' || data.kind === 'xor';
    return {
      features: numberOr(data.features),
      outputs: twoClass ? 2 : numberOr(data.classes),
      samples: numberOr(data.samples),
    };
  }
  const features =
    Array.isArray(data.features) && data.features.length > 0 ? data.features.length : undefined;
  return { features, outputs: data.task === 'regression' ? 1 : undefined };
}

/**
 * Estimates one run's peak memory.
 * @param run the run's model and train settings (defaults applied)
 * @param shape features, outputs and samples (unknown parts count as 1, 2 and 0)
 * @param probeSamples the probe's batch size, for a probe run
 */
export function estimateMemory(run: EstimateInput, shape: DataShape, probeSamples?: number): MemoryEstimate {
  const features = shape.features ?? 1;
  const outputs = shape.outputs ?? 2;
  const samples = shape.samples ?? 0;
  const widths = layerWidths(run.model, outputs);
  const units = widths.reduce((sum, w) => sum + w, 0);
  let parameters = 0;
  let fanIn = features;
  for (const width of [...widths, outputs]) {
    parameters += fanIn * width + width;
    fanIn = width;
  }
  // Normalisation adds gamma and beta per unit, batchnorm also the moving mean and variance.
  const norm = { none: 0, layernorm: 2, batchnorm: 4 }[run.model.normalization] ?? 0;
  parameters += units * norm;
  // Weights, their gradients, the updated weights before the old ones are freed, the dense kernels' packed copy
  // of each weight matrix, and the optimiser's slots.
  const model = parameters * (4 + OPTIMIZER_SLOTS[run.train.optimizer]) * FLOAT_BYTES;
  const rows = Math.min(run.train.batchSize, Math.max(1, samples));
  // Per unit and row the backward pass needs the pre-activation, the activation and both their gradients, plus
  // the dropout mask and normalisation's intermediates when used.
  const perUnit = 4 + (run.model.dropout.rate > 0 ? 1 : 0) + (norm > 0 ? 2 : 0);
  const batch = (rows * units * perUnit + rows * (features + outputs) * 2) * FLOAT_BYTES;
  // On a reporting step every layer's pre-activation and activation are read back for the statistics.
  const statistics = rows * units * 2 * FLOAT_BYTES;
  const evaluation =
    Math.min(EVALUATION_CHUNK_ROWS, Math.max(1, samples)) * (units + outputs) * 2 * FLOAT_BYTES;
  // The loaded table, the split copies and their standardised versions.
  const data = samples * (features + 1) * 3 * FLOAT_BYTES + (shape.loadBytes ?? 0);
  // A probe keeps every layer's pre-activation and activation for its batch, then reads them back.
  const probe = probeSamples ? probeSamples * (units * 4 + features) * FLOAT_BYTES : 0;
  const parts = { model, batch, statistics, evaluation, data, probe, runtime: RUNTIME_BYTES };
  const training = batch + statistics;
  const largest = Math.max(model, training, evaluation, data, probe);
  const driver =
    largest === model || largest === evaluation
      ? ['model', 'width']
      : largest === training
        ? ['train', 'batchSize']
        : largest === data
          ? ['data', 'samples']
          : [];
  const tensors = (model + batch + statistics + evaluation + probe) * ALLOCATOR_SLACK;
  const bytes = tensors + data + RUNTIME_BYTES;
  return { bytes, parameters, parts, driver };
}

/** "6.1 GiB" / "730 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'more than can be counted';
  const gib = bytes / (1024 * MIB);
  if (gib >= 1e9) return `${gib.toExponential(1)} GiB`;
  if (gib >= 10) return `${Math.round(gib).toLocaleString('en-US')} GiB`;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.ceil(bytes / MIB)} MiB`;
}

/** One line naming the parts, largest first: "1,000 weights with gradients and adam state 4.0 GiB, a batch of 128 2 MiB". */
export function describeEstimate(estimate: MemoryEstimate, run: EstimateInput): string {
  const { parts } = estimate;
  const named: [string, number][] = [
    [
      `${estimate.parameters.toLocaleString('en-US')} weights with gradients and ${run.train.optimizer} state`,
      parts.model,
    ],
    [`a batch of ${run.train.batchSize}`, parts.batch + parts.statistics],
    ['an evaluation chunk', parts.evaluation],
    ['the data set', parts.data],
    ['the probe batch', parts.probe],
  ];
  return named
    .filter(([, bytes]) => bytes >= MIB)
    .sort((a, b) => b[1] - a[1])
    .map(([what, bytes]) => `${what} ${formatBytes(bytes)}`)
    .join(', ');
}

/**
 * The trainer's own check once the data is loaded (a CSV's size is unknown before): a message when the run, with
 * the data as it is, is estimated above `budgetMB`; undefined when it fits.
 */
export function memoryProblem(
  run: EstimateInput,
  shape: Required<Pick<DataShape, 'features' | 'outputs' | 'samples'>>,
  budgetMB: number,
  probeSamples?: number,
): string | undefined {
  const estimate = estimateMemory(run, shape, probeSamples);
  const budget = budgetMB * MIB;
  if (estimate.bytes <= budget) return undefined;
  return (
    `with its data (${shape.samples.toLocaleString('en-US')} rows × ${shape.features.toLocaleString('en-US')} features) ` +
    `this run needs about ${formatBytes(estimate.bytes)} by estimate (${describeEstimate(estimate, run)}), more than the ` +
    `memory budget of ${formatBytes(budget)} (setting snnLab.memoryBudgetMB, snn-lab --memory-budget)`
  );
}
