/**
 * The fused MLP training step on wasm: forward, loss, backward and the optimiser update of the whole network as
 * direct calls into SNN Lab's kernel module (per layer one product and one fused normalisation + activation +
 * dropout call forward, one fused call and two products backward, one update per variable), on the model's own
 * tf.Variables, read and updated in place in tfjs's heap, and on work buffers allocated there once
 * (wasmMlpPlan.ts). Used instead of the tfjs step (step.ts) whenever the kernels are active: on a small network
 * tfjs's per-operation bookkeeping (dispatch, the gradient tape, copies of saved tensors) costs more than the
 * arithmetic (docs/performance.md). Same maths, same dropout masks (same seeded stream) and the same optimiser
 * formulas as the tfjs path, which test/trainer/wasmMlp.test.ts compares it with.
 */
import type { Variable } from '@tensorflow/tfjs-core';
import type { ModelConfig, Task, TrainConfig } from '../core/config/experimentConfig';
import { deriveSeed } from '../core/random';
import type { SeluParams } from '../core/theory/constants';
import type { Tf } from './tf';
import type { KernelExports, KernelModule, WasmBackend } from './kernelModule';
import { layerStatsFrom, reports, type LayerParts, type StatsContext } from './layerStats';
import { alphaPrimeOf } from '../core/theory/constants';
import type { LayerStats } from '../protocol/stats';
import { WasmLayerStats } from './wasmStats';
import type { HiddenLayer, Model } from './model';
import { backwardPass, forwardPass, updatePass, type PassContext } from './wasmMlpPasses';
import {
  activationCodes,
  dropoutCodes,
  planMlp,
  type DropoutCodes,
  type MlpPlan,
  type Param,
} from './wasmMlpPlan';
import { activeKernelModule } from './wasmKernels';

export interface FusedStepOutput {
  loss: number;
  /** Model outputs of the training pass (logits or predictions), row-major. */
  outputs: Float32Array;
  nonFinite: boolean;
  /** Present on reporting steps. */
  layers?: LayerStats[];
}

export interface WasmMlpOptions {
  model: Model;
  config: { model: ModelConfig; train: TrainConfig; seed: number };
  selu: SeluParams;
  /** What reporting steps report (histogram range and bins, activation, SELU's saturation value). */
  stats: StatsContext;
  task: Task;
  features: number;
  /** The largest batch the step is called with (inference runs in chunks of this many rows). */
  rows: number;
}

/** A reported layer's parts known before the backward pass. */
type Captured = Omit<LayerParts, 'gradNorm' | 'updateRatio'>;

const STATE_SLOTS = { sgd: 0, momentum: 1, rmsprop: 1, adam: 2 } as const;

export class WasmMlp {
  private readonly k: KernelExports;
  /** tfjs's wasm backend (fixed for the life of the step: the kernels are active only on it). */
  private readonly backend: WasmBackend;
  private readonly plan: MlpPlan;
  private readonly act: [number, number, number];
  private readonly drop: DropoutCodes;
  private readonly params: Map<Variable, Param>;
  private readonly passes: PassContext;
  private dropState: number;
  private steps = 0;
  private layerStats: WasmLayerStats | undefined;

  /** The fused step for `options`, or undefined when the kernels are not active on this backend. */
  static create(tf: Tf, options: WasmMlpOptions): WasmMlp | undefined {
    const module = activeKernelModule(tf);
    return module ? new WasmMlp(tf, module, options) : undefined;
  }

  private constructor(
    private readonly tf: Tf,
    private readonly module: KernelModule,
    private readonly options: WasmMlpOptions,
  ) {
    this.k = module.exports;
    this.backend = tf.backend() as unknown as WasmBackend;
    const { model, config, features, rows } = options;
    this.plan = planMlp(module, this.backend, {
      model,
      config: config.model,
      features,
      rows,
      stateSlots: STATE_SLOTS[config.train.optimizer],
    });
    this.params = new Map(this.plan.params.map((p) => [p.variable, p]));
    this.act = activationCodes(config.model.activation, options.selu);
    this.drop = dropoutCodes(config.model, options.selu);
    this.passes = {
      ...{ k: this.k, plan: this.plan, model, features, act: this.act, drop: this.drop },
      at: (v) => this.at(v),
      param: (v) => this.param(v),
    };
    // The stream buildModel's tfjs path draws its masks from: the same masks, draw for draw.
    this.dropState = deriveSeed(config.seed, 'dropout') | 0;
  }

  /** Byte offset of a variable's values; a variable sharing its data (after an assign) gets its own copy first. */
  private at(v: Variable): number {
    const backend = this.backend;
    let data = backend.dataIdMap.get(v.dataId);
    if (data && data.refCount > 1) {
      const own = this.tf.clone(v);
      v.assign(own);
      own.dispose();
      data = backend.dataIdMap.get(v.dataId);
    }
    if (!data) throw new Error(`snn kernels: variable ${v.name} is not on the wasm backend`);
    return data.memoryOffset;
  }

  /** Copies rows of x (and targets) into the heap buffers. */
  private load(x: Float32Array, rows: number, targets?: Float32Array): void {
    const { plan } = this;
    plan.block.view(plan.x, rows * this.options.features).set(x.subarray(0, rows * this.options.features));
    if (targets) plan.block.view(plan.labels, rows).set(targets.subarray(0, rows));
  }

  /** Model outputs for the `rows` rows of x (inference: no dropout, BatchNorm with its moving moments). */
  predict(x: Float32Array, rows: number): Float32Array {
    const { plan, options } = this;
    const out = new Float32Array(rows * options.model.outputs);
    for (let from = 0; from < rows; from += plan.rows) {
      const n = Math.min(plan.rows, rows - from);
      this.load(x.subarray(from * options.features), n);
      forwardPass(this.passes, n, false, 0);
      out.set(plan.block.view(plan.logits, n * options.model.outputs), from * options.model.outputs);
    }
    return out;
  }

  /**
   * One training step on `rows` rows of x with their labels (class indices) or targets; on reporting steps the
   * statistics of `statsLayers` (pre-activations, outputs, the weights used, gradient norms, update ratios).
   */
  step(x: Float32Array, y: Float32Array, rows: number, statsLayers?: number[]): FusedStepOutput {
    const { k, plan, options } = this;
    const outputs = options.model.outputs;
    if (rows < 1 || rows > plan.rows) {
      throw new Error(`snn kernels: a step takes 1..${plan.rows} rows, got ${rows}`);
    }
    this.load(x, rows, y);
    this.dropState = forwardPass(this.passes, rows, true, this.dropState);
    const loss =
      options.task === 'regression'
        ? k.meanSquaredError(plan.logits, plan.labels, plan.dLogits, rows)
        : k.softmaxCrossEntropy(plan.logits, plan.labels, plan.dLogits, rows, outputs);
    const out = plan.block.view(plan.logits, rows * outputs).slice();
    if (!Number.isFinite(loss)) return { loss, outputs: out, nonFinite: true };
    const captured = statsLayers ? this.capture(statsLayers, rows) : undefined;
    backwardPass(this.passes, rows);
    const gradNorms = (captured ?? []).map(({ layer }) => {
      const w = this.param(layer.w);
      return Math.sqrt(k.sumSquares(w.grad, w.size));
    });
    this.steps++;
    const eps = (this.tf.backend() as unknown as { epsilon(): number }).epsilon();
    updatePass(this.passes, options.config.train, this.steps, eps);
    const layers = captured?.map(({ layer, parts, before }, i) =>
      layerStatsFrom(layer, {
        ...parts,
        gradNorm: gradNorms[i] as number,
        updateRatio: this.updateRatio(layer, before),
      }),
    );
    return { loss, outputs: out, nonFinite: false, ...(layers ? { layers } : {}) };
  }

  private param(v: Variable | undefined): Param {
    const p = v && this.params.get(v);
    if (!p) throw new Error(`snn kernels: no gradient buffer for ${v?.name ?? 'a missing variable'}`);
    return p;
  }

  /**
   * What the statistics read, taken before the update and reduced in wasm where the values lie (wasmStats.ts): the
   * distributions of each reported layer's pre-activations (and W x + b before a normalisation) and outputs, its saturated or dead fraction, and the
   * weights the forward pass used (copied within the heap for the update ratio).
   */
  private capture(layers: number[], rows: number): { layer: HiddenLayer; parts: Captured; before: number }[] {
    const { plan, options } = this;
    const { stats, activation, selu } = options.stats;
    const maxUnits = Math.max(...plan.layers.map((b) => b.layer.units));
    this.layerStats ??= new WasmLayerStats(
      ...[this.module, this.backend, { maxValues: plan.rows * maxUnits, maxUnits }],
      ...[stats.range, stats.bins],
    );
    const reduce = this.layerStats;
    const heap = new Float32Array(this.module.memory.buffer);
    return layers.map((i) => {
      const b = plan.layers[i];
      if (!b) throw new Error(`snn kernels: no hidden layer ${i}`);
      const { units, fanIn, w } = b.layer;
      const n = rows * units;
      const at = this.at(w);
      heap.copyWithin(b.wBefore / 4, at / 4, at / 4 + w.size);
      const parts: Captured = {
        // W x + b before the normalisation: the product buffer, which the normalisation does not overwrite.
        ...(plan.norm ? { linear: reduce.of(b.a, n) } : {}),
        pre: reduce.of(b.z, n),
        post: reduce.of(b.h, n),
        saturated: reports.saturation(activation) ? reduce.saturated(b.h, n, alphaPrimeOf(selu)) : 0,
        dead: reports.deadUnits(activation) ? reduce.dead(b.h, rows, units) : 0,
        weights: reduce.weights(b.wBefore, fanIn, units),
      };
      return { layer: b.layer, parts, before: b.wBefore };
    });
  }

  /** ||W_after − W_before|| / ||W_before|| (float64 sums in the kernels). */
  private updateRatio(layer: HiddenLayer, before: number): number {
    const n = layer.w.size;
    return Math.sqrt(this.k.sumSquaredDiff(this.at(layer.w), before, n) / this.k.sumSquares(before, n));
  }

  /** Copies of hidden layer `index`'s pre-activations and outputs in the last call (`rows` rows). */
  layerValues(index: number, rows: number): { pre: Float32Array; post: Float32Array } {
    const b = this.plan.layers[index];
    if (!b) throw new Error(`snn kernels: no hidden layer ${index}`);
    const n = rows * b.layer.units;
    return { pre: this.plan.block.view(b.z, n).slice(), post: this.plan.block.view(b.h, n).slice() };
  }

  /** Frees the work buffers (the model's variables stay). */
  dispose(): void {
    this.plan.block.dispose();
    this.layerStats?.dispose();
  }
}
