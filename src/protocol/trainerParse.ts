/**
 * Hand-written validators for the host <-> trainer IPC messages (src/protocol/trainer.ts). Whatever arrives over
 * `process.on('message')` is `unknown`; these return the typed message or `undefined` (unknown `type` included).
 */
import type { RunConfig } from '../core/config/experimentConfig';
import { isRunId } from './ids';
import type { Distribution, Histogram, WeightStats } from '../core/statisticsTypes';
import type { BackendInfo, LayerInfo, LayerStats, Metrics, RunSummary } from './stats';
import {
  MAX_PROBE_SAMPLES,
  MESSAGE_LIMITS,
  type FailureReason,
  type HostToTrainer,
  type TrainerToHost,
} from './trainer';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Numbers may be NaN/Infinity in statistics (e.g. gradNorm NaN in probe mode), so only the type is checked. */
const isNum = (v: unknown): v is number => typeof v === 'number';
/** Counts and indices: safe integers, as the run store's reader requires (2^53 + 2 was accepted, then never shown). */
const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';
const optional = (v: unknown, guard: (x: unknown) => boolean): boolean => v === undefined || guard(v);
const isNumArray = (v: unknown, maxLength: number): v is number[] =>
  Array.isArray(v) && v.length <= maxLength && v.every(isNum);
const arrayOf = (v: unknown, guard: (x: unknown) => boolean, maxLength: number): boolean =>
  Array.isArray(v) && v.length <= maxLength && v.every(guard);
/** A name -> value record of at most MESSAGE_LIMITS.metrics entries with names of at most nameChars characters. */
function isRecordOf(v: unknown, guard: (x: unknown) => boolean): boolean {
  if (!isObj(v)) return false;
  const entries = Object.entries(v);
  return (
    entries.length <= MESSAGE_LIMITS.metrics &&
    entries.every(([key, x]) => key.length <= MESSAGE_LIMITS.nameChars && guard(x))
  );
}

const FAILURE_REASONS: readonly FailureReason[] = ['diverged', 'data', 'internal', 'stopped', 'crashed'];
const BACKENDS = ['tensorflow', 'wasm', 'cpu'];

function isHistogram(v: unknown): v is Histogram {
  return (
    isObj(v) &&
    isNum(v.lo) &&
    isNum(v.hi) &&
    isNumArray(v.counts, MESSAGE_LIMITS.histogramBins) &&
    isNum(v.under) &&
    isNum(v.over)
  );
}

function isDistribution(v: unknown): v is Distribution {
  return (
    isObj(v) &&
    isNum(v.mean) &&
    isNum(v.variance) &&
    isNum(v.min) &&
    isNum(v.max) &&
    isNumArray(v.percentiles, MESSAGE_LIMITS.percentiles) &&
    isHistogram(v.histogram)
  );
}

function isWeightStats(v: unknown): v is WeightStats {
  return (
    isObj(v) &&
    ['mean', 'variance', 'omegaMean', 'omegaStd', 'tauMean', 'tauStd'].every((key) => isNum(v[key]))
  );
}

/** Accepts one LayerStats record (exported for the run store, which persists them). */
export function isLayerStats(v: unknown): v is LayerStats {
  return (
    isObj(v) &&
    isInt(v.layer) &&
    isInt(v.units) &&
    isDistribution(v.pre) &&
    isDistribution(v.post) &&
    (v.linear === undefined || isDistribution(v.linear)) &&
    isNum(v.saturated) &&
    isNum(v.dead) &&
    isWeightStats(v.weights) &&
    isNum(v.gradNorm) &&
    isNum(v.updateRatio)
  );
}

function isLayerInfo(v: unknown): v is LayerInfo {
  return (
    isObj(v) &&
    isInt(v.layer) &&
    isInt(v.units) &&
    isInt(v.fanIn) &&
    isStr(v.activation) &&
    isStr(v.normalization) &&
    isStr(v.dropout)
  );
}

const isMetrics = (v: unknown): v is Metrics => isRecordOf(v, isNum);

function isBackendInfo(v: unknown): v is BackendInfo {
  return (
    isObj(v) &&
    isStr(v.name) &&
    BACKENDS.includes(v.name) &&
    isRecordOf(v.versions, isStr) &&
    optional(v.fallbackReason, isStr)
  );
}

const isTested = (v: unknown): boolean => isObj(v) && isInt(v.epoch) && isMetrics(v.metrics);

const isDataFile = (v: unknown): boolean =>
  isObj(v) && isStr(v.path) && isInt(v.bytes) && isStr(v.sha256) && /^[0-9a-f]{64}$/.test(v.sha256);

function isRunSummary(v: unknown): v is RunSummary {
  return (
    isObj(v) &&
    optional(v.tested, isTested) &&
    isInt(v.steps) &&
    isInt(v.epochs) &&
    isNum(v.durationMs) &&
    isMetrics(v.final) &&
    isMetrics(v.test) &&
    typeof v.stoppedEarly === 'boolean' &&
    isNum(v.samplesPerSec)
  );
}

function isSamples(v: unknown): boolean {
  return isObj(v) && isInt(v.train) && isInt(v.validation) && isInt(v.test);
}

/**
 * Validates a message sent by the host to the trainer. The `config` of `start` is only checked to be an object
 * here; the trainer checks its contents (src/trainer/configCheck.ts) so it can say what is wrong.
 * @returns the typed message, or undefined when `value` is not a well-formed HostToTrainer.
 */
export function parseHostToTrainer(value: unknown): HostToTrainer | undefined {
  if (!isObj(value)) return undefined;
  switch (value.type) {
    case 'stop':
      return { type: 'stop' };
    case 'start': {
      const ok =
        isRunId(value.runId) &&
        (value.mode === 'train' || value.mode === 'probe') &&
        isObj(value.config) &&
        isStr(value.baseDir) &&
        optional(value.runDir, isStr) &&
        optional(
          value.probeSamples,
          (v) => isInt(v) && (v as number) > 0 && (v as number) <= MAX_PROBE_SAMPLES,
        ) &&
        optional(value.memoryBudgetMB, (v) => isInt(v) && (v as number) > 0) &&
        optional(value.fold, isInt) &&
        optional(value.workspaceRoot, isStr) &&
        optional(value.allowOutsideWorkspace, (v) => typeof v === 'boolean') &&
        optional(value.probeInput, (v) => v === 'data' || v === 'normal');
      if (!ok) return undefined;
      return { ...value, config: value.config as unknown as RunConfig } as HostToTrainer;
    }
    default:
      return undefined;
  }
}

const TRAINER_GUARDS: Record<TrainerToHost['type'], (v: Obj) => boolean> = {
  ready: (v) => isInt(v.protocolVersion) && isBackendInfo(v.backend) && isInt(v.pid),
  started: (v) =>
    isRunId(v.runId) &&
    arrayOf(v.layers, isLayerInfo, MESSAGE_LIMITS.layers) &&
    isInt(v.totalSteps) &&
    isInt(v.stepsPerEpoch) &&
    isSamples(v.samples) &&
    isInt(v.features) &&
    isInt(v.classes) &&
    optional(v.dataFiles, (files) => arrayOf(files, isDataFile, MESSAGE_LIMITS.dataFiles)),
  progress: (v) =>
    isRunId(v.runId) && isInt(v.step) && isInt(v.epoch) && isNum(v.loss) && isNum(v.samplesPerSec),
  epochEnd: (v) => isRunId(v.runId) && isInt(v.epoch) && isInt(v.step) && isMetrics(v.metrics),
  layerStats: (v) =>
    isRunId(v.runId) &&
    isInt(v.step) &&
    isInt(v.epoch) &&
    arrayOf(v.layers, isLayerStats, MESSAGE_LIMITS.layers),
  log: (v) => (v.level === 'info' || v.level === 'warn' || v.level === 'error') && isStr(v.message),
  finished: (v) => isRunId(v.runId) && isRunSummary(v.summary),
  failed: (v) =>
    isRunId(v.runId) &&
    isStr(v.reason) &&
    (FAILURE_REASONS as readonly string[]).includes(v.reason) &&
    isStr(v.message) &&
    optional(v.stack, isStr) &&
    optional(v.step, isInt) &&
    optional(v.layer, isInt),
};

/**
 * JSON (the default IPC serialisation, and JSON-lines logs) turns NaN and +-Infinity into null. No message field
 * is legitimately null, so every null is read back as NaN (infinities are not recoverable and become NaN too).
 * Copy on write: an object or array is copied only when something below it changed, so a message without a null
 * (structured-clone IPC, the trainer's, never sends one) comes back as it arrived, with no copy (the copy of a
 * statistics report, ~400 properties, was a third of the host's parsing time per message).
 */
function reviveNulls(value: unknown, depth = 0): unknown {
  if (value === null) return NaN;
  // No message nests deeper than a layer's histogram (5 levels): a deeper one is left as is for the guards to refuse,
  // never walked (a hostile 100,000-level message would overflow the stack).
  if (typeof value !== 'object' || depth > MAX_MESSAGE_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v !== 'object') continue;
      const revived = reviveNulls(v, depth + 1);
      if (revived !== v) (copy ??= value.slice())[i] = revived;
    }
    return copy ?? value;
  }
  let copy: Obj | undefined;
  for (const key of Object.keys(value as Obj)) {
    const v = (value as Obj)[key];
    if (v !== null && typeof v !== 'object') continue;
    const revived = reviveNulls(v, depth + 1);
    if (revived === v) continue;
    copy ??= ownCopy(value as Obj);
    setOwn(copy, key, revived);
  }
  return copy ?? value;
}

/** A plain copy of `o`'s own enumerable properties (a key "__proto__" stays a property: see setOwn). */
function ownCopy(o: Obj): Obj {
  const out: Obj = {};
  for (const key of Object.keys(o)) setOwn(out, key, o[key]);
  return out;
}

/** defineProperty: a key "__proto__" stays a property, as it arrived, instead of replacing the prototype. */
function setOwn(o: Obj, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deeper than any well-formed message (layerStats.layers[i].pre.histogram.counts is 5 levels). */
const MAX_MESSAGE_DEPTH = 8;

/**
 * Validates a message sent by the trainer to the host. Statistics may be NaN (structured-clone IPC) or null (JSON
 * IPC); nulls come back as NaN.
 * @returns the typed message, or undefined when `value` is not a well-formed TrainerToHost.
 */
export function parseTrainerToHost(raw: unknown): TrainerToHost | undefined {
  const value = reviveNulls(raw);
  if (!isObj(value) || !isStr(value.type) || !Object.hasOwn(TRAINER_GUARDS, value.type)) return undefined;
  const guard = TRAINER_GUARDS[value.type as TrainerToHost['type']];
  if (!guard(value)) return undefined;
  const message = value as unknown as TrainerToHost;
  if (message.type === 'log') return { ...message, message: cutText(message.message) };
  if (message.type === 'failed') {
    return {
      ...message,
      message: cutText(message.message),
      ...(message.stack !== undefined ? { stack: cutText(message.stack) } : {}),
    };
  }
  return message;
}

/** A text of at most MESSAGE_LIMITS.textChars characters, saying how much was cut. */
function cutText(text: string): string {
  const max = MESSAGE_LIMITS.textChars;
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} characters cut)`;
}
