/**
 * The trainer's own structural check of the RunConfig in `start` (it trusts nothing): every field it reads has
 * the right type, numbers are finite and in range, enums are known. Returns readable problems, empty when fine.
 */
import type { RunConfig } from '../core/config/experimentConfig';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const ENUMS: Record<string, readonly string[]> = {
  'model.activation': ['selu', 'relu', 'elu', 'tanh', 'gelu', 'swish', 'leaky_relu', 'linear'],
  'model.init': ['lecun_normal', 'lecun_uniform', 'he_normal', 'glorot_uniform', 'tfjs_lecun_normal'],
  'model.normalization': ['none', 'batchnorm', 'layernorm'],
  'model.shape': ['rectangular', 'conic'],
  'model.dropout.kind': ['alpha', 'standard'],
  'train.optimizer': ['sgd', 'momentum', 'adam', 'rmsprop'],
  'data.source': ['csv', 'mnist', 'synthetic'],
};

/** [path, min, max, integer] for the numeric fields the trainer uses. */
const NUMBERS: [string, number, number, boolean][] = [
  ['seed', -(2 ** 53), 2 ** 53, true],
  ['model.depth', 1, 1000, true],
  ['model.width', 1, 1_000_000, true],
  ['model.dropout.rate', 0, 0.999999, false],
  ['train.learningRate', 0, Infinity, false],
  ['train.batchSize', 1, 1_000_000, true],
  ['train.epochs', 0, 1_000_000, true],
  ['train.weightDecay', 0, Infinity, false],
  ['stats.everySteps', 1, 1e12, true],
  ['stats.bins', 1, 10_000, true],
  ['stats.range', 1e-9, Infinity, false],
];

function get(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (isObj(v) ? v[key] : undefined), root);
}

/** Lists what is wrong with `value` as a RunConfig (paths are dotted, e.g. "train.learningRate"). */
export function checkRunConfig(value: unknown): string[] {
  const problems: string[] = [];
  for (const section of ['data', 'model', 'train', 'stats']) {
    if (!isObj(get(value, section))) problems.push(`${section}: missing or not an object`);
  }
  if (problems.length > 0) return problems;
  for (const [path, allowed] of Object.entries(ENUMS)) {
    const v = get(value, path);
    if (typeof v !== 'string' || !allowed.includes(v)) {
      problems.push(`${path}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    }
  }
  for (const [path, min, max, integer] of NUMBERS) {
    const v = get(value, path);
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    ) {
      problems.push(
        `${path}: expected a finite ${integer ? 'integer' : 'number'} in [${min}, ${max}], got ${JSON.stringify(v)}`,
      );
    }
  }
  const layers = get(value, 'stats.layers');
  if (layers !== 'all' && !(Array.isArray(layers) && layers.every((i) => Number.isInteger(i) && i >= 0))) {
    problems.push(`stats.layers: expected "all" or a list of layer indices, got ${JSON.stringify(layers)}`);
  }
  for (const key of ['selu.alpha', 'selu.lambda', 'fixedPoint.mean', 'fixedPoint.variance']) {
    const parent = get(value, `model.${key.split('.')[0]}`);
    const v = get(value, `model.${key}`);
    if (parent !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      problems.push(`model.${key}: expected a finite number, got ${JSON.stringify(v)}`);
    }
  }
  const early = get(value, 'train.earlyStopping');
  if (
    early !== undefined &&
    !(isObj(early) && typeof early.metric === 'string' && Number.isInteger(early.patience))
  ) {
    problems.push('train.earlyStopping: expected { metric: string, patience: integer }');
  }
  return problems;
}

/** Narrows after a successful check. */
export function asRunConfig(value: unknown): RunConfig {
  const problems = checkRunConfig(value);
  if (problems.length > 0) throw new Error(`invalid run config: ${problems.join('; ')}`);
  return value as RunConfig;
}
