/**
 * Saves trained weights as `weights.json` (manifest) + `weights.bin` (data) in the run directory.
 * Format "snn-lab-weights" v1: the manifest lists tensors in file order, each { name, shape, offset, length }
 * with offset/length in float32 elements; weights.bin is the concatenation of little-endian float32 values,
 * row-major ([fanIn, units] for weight matrices). Names: hidden.<i>.{w,b,gamma,beta,movingMean,movingVar},
 * output.{w,b}. The manifest also carries the model config and seed, so the network can be rebuilt.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RunConfig } from '../core/config/experimentConfig';
import type { Model } from './model';

export const WEIGHTS_FORMAT = 'snn-lab-weights';
export const WEIGHTS_VERSION = 1;

export interface WeightsManifest {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  dtype: 'float32';
  endianness: 'little';
  model: RunConfig['model'];
  seed: number;
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
}

/** Named tensors of a model in file order. */
export function namedTensors(model: Model): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  for (const l of model.layers) {
    const entries: [string, Tensor | undefined][] = [
      ['w', l.w],
      ['b', l.b],
      ['gamma', l.gamma],
      ['beta', l.beta],
      ['movingMean', l.movingMean],
      ['movingVar', l.movingVar],
    ];
    for (const [key, t] of entries) if (t) out.push([`hidden.${l.index}.${key}`, t]);
  }
  out.push(['output.w', model.outW], ['output.b', model.outB]);
  return out;
}

/** Writes weights.json and weights.bin into `runDir` (created if needed). */
export async function saveWeights(runDir: string, model: Model, config: RunConfig): Promise<void> {
  const named = namedTensors(model);
  const values = await Promise.all(named.map(([, t]) => t.data() as Promise<Float32Array>));
  const total = values.reduce((s, v) => s + v.length, 0);
  const bin = new Float32Array(total);
  const tensors: WeightsManifest['tensors'] = [];
  let offset = 0;
  named.forEach(([name, t], i) => {
    const v = values[i] as Float32Array;
    bin.set(v, offset);
    tensors.push({ name, shape: t.shape, offset, length: v.length });
    offset += v.length;
  });
  const manifest: WeightsManifest = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    dtype: 'float32',
    endianness: 'little',
    model: config.model,
    seed: config.seed,
    tensors,
  };
  await mkdir(runDir, { recursive: true });
  // Float32Array uses the platform's byte order; every platform Node supports for SNN Lab is little-endian.
  await writeFile(
    path.join(runDir, 'weights.bin'),
    new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength),
  );
  await writeFile(path.join(runDir, 'weights.json'), JSON.stringify(manifest, null, 2));
}
