/** The curve cache's entry format (curveCache.ts): a JSON object checked strictly when read, numbers exactly kept. */
import type { CurveSeries } from '../../protocol/webview';
import { decodeNonFinite, encodeNonFinite } from '../../runs/numericJson';
import { curveRecord } from './payload';

/** The entry format's version (a file of another version is ignored). */
const VERSION = 1;
/** Entry files larger than this are neither written nor read. */
export const MAX_ENTRY_BYTES = 16 * 1024 * 1024;
/** Most curves an entry may hold. */
export const MAX_CURVES = 256;

/** What a first read of metrics.jsonl built, up to byte `offset` of the file, whose last 4 KB before it hash to `tail`. */
export interface CurveEntry {
  /** The curve budget the curves were thinned for. */
  curvePoints: number;
  /** The steps per epoch their epochs were computed with (null: none known then). */
  stepsPerEpoch: number | null;
  offset: number;
  /** sha256 (hex) of the file's bytes [max(0, offset − 4096), offset) (RunStoreApi.seriesFileStamp). */
  tail: string;
  lastStep: { progress: number; epoch: number };
  curves: Record<string, CurveSeries>;
}

/** A number array with non-finite numbers and −0 as strings (JSON has neither; numericJson.ts's words, and "-0"). */
function encodeNumbers(values: readonly number[]): (number | string)[] {
  let plain = true;
  for (const v of values) {
    if (!Number.isFinite(v) || Object.is(v, -0)) {
      plain = false;
      break;
    }
  }
  if (plain) return values as number[];
  return values.map((v) => (Object.is(v, -0) ? '-0' : (encodeNonFinite('', v) as number | string)));
}

/** Undoes encodeNumbers in place; false when an element is anything but a number or one of its words. */
function decodeNumbers(values: unknown[]): values is number[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') continue;
    if (v === '-0') values[i] = -0;
    else if (typeof v === 'string' && typeof decodeNonFinite('', v) === 'number') values[i] = Number(v);
    else return false;
  }
  return true;
}

const isInt = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An entry file's parsed value checked strictly (and decoded), or undefined. */
export function toEntry(value: unknown, key: string): CurveEntry | undefined {
  if (!isObject(value) || value.version !== VERSION || value.key !== key) return undefined;
  const { curvePoints, stepsPerEpoch, offset, tail, lastStep, curves } = value;
  if (!isInt(curvePoints, 1) || !isInt(offset, 0)) return undefined;
  if (stepsPerEpoch !== null && !Number.isFinite(stepsPerEpoch)) return undefined;
  if (typeof tail !== 'string' || !/^[0-9a-f]{64}$/.test(tail)) return undefined;
  if (!isObject(lastStep) || !isInt(lastStep.progress, -1) || !isInt(lastStep.epoch, -1)) return undefined;
  if (!isObject(curves)) return undefined;
  const names = Object.keys(curves);
  if (names.length > MAX_CURVES) return undefined;
  const out = curveRecord();
  for (const name of names) {
    const c = curves[name];
    if (!isObject(c)) return undefined;
    const { step, epoch, value: values } = c;
    if (!Array.isArray(step) || !Array.isArray(epoch) || !Array.isArray(values)) return undefined;
    if (step.length !== epoch.length || step.length !== values.length) return undefined;
    if (!decodeNumbers(step) || !decodeNumbers(epoch) || !decodeNumbers(values)) return undefined;
    out[name] = { step, epoch, value: values };
  }
  return {
    curvePoints,
    stepsPerEpoch: stepsPerEpoch as number | null,
    offset,
    tail,
    lastStep: { progress: lastStep.progress, epoch: lastStep.epoch },
    curves: out,
  };
}

/** The text of the entry file of `key` (non-finite numbers and -0 as strings: encodeNumbers). */
export function entryText(key: string, entry: CurveEntry): string {
  const curves = Object.create(null) as Record<string, Record<keyof CurveSeries, (number | string)[]>>;
  for (const [name, c] of Object.entries(entry.curves)) {
    curves[name] = {
      step: encodeNumbers(c.step),
      epoch: encodeNumbers(c.epoch),
      value: encodeNumbers(c.value),
    };
  }
  const { curvePoints, stepsPerEpoch, offset, tail, lastStep } = entry;
  return JSON.stringify({
    version: VERSION,
    key,
    curvePoints,
    stepsPerEpoch,
    offset,
    tail,
    lastStep,
    curves,
  });
}
