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
import type { StatsArrays } from './layerStats';
import { BN_MOMENTUM, NORM_EPSILON, type Model } from './model';
import { ADAM, MOMENTUM, RMSPROP_DECAY } from './optimizers';
import { activationCodes, dropoutCodes, planMlp, type DropoutCodes, type MlpPlan } from './wasmMlpPlan';
import { activeKernelModule } from './wasmKernels';

export interface FusedStepOutput {
  loss: number;
  /** Model outputs of the training pass (logits or predictions), row-major. */
  outputs: Float32Array;
  nonFinite: boolean;
  stats?: StatsArrays;
}

export interface WasmMlpOptions {
  model: Model;
  config: { model: ModelConfig; train: TrainConfig; seed: number };
  selu: SeluParams;
  task: Task;
  features: number;
  /** The largest batch the step is called with (inference runs in chunks of this many rows). */
  rows: number;
}

const STATE_SLOTS = { sgd: 0, momentum: 1, rmsprop: 1, adam: 2 } as const;
const NO_DROPOUT: DropoutCodes = { kind: 0, threshold: 0, scale: 1, offset: 0, dropped: 0 };

export class WasmMlp {
  private readonly k: KernelExports;
  private readonly plan: MlpPlan;
  private readonly act: [number, number, number];
  private readonly drop: DropoutCodes;
  private readonly params: Map<Variable, MlpPlan['params'][number]>;
  private dropState: number;
  private steps = 0;

  /** The fused step for `options`, or undefined when the kernels are not active on this backend. */
  static create(tf: Tf, options: WasmMlpOptions): WasmMlp | undefined {
    const module = activeKernelModule(tf);
    return module ? new WasmMlp(tf, module, options) : undefined;
  }

  private constructor(
    private readonly tf: Tf,
    module: KernelModule,
    private readonly options: WasmMlpOptions,
  ) {
    this.k = module.exports;
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
    // The stream buildModel's tfjs path draws its masks from: the same masks, draw for draw.
    this.dropState = deriveSeed(config.seed, 'dropout') | 0;
  }

  private get backend(): WasmBackend {
    return this.tf.backend() as unknown as WasmBackend;
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

  /** Runs the network on `rows` rows already in the x buffer; training: batch moments and dropout. */
  private forward(rows: number, training: boolean): void {
    const { k, plan, act, drop } = this;
    let input = plan.x;
    let fanIn = this.options.features;
    for (const b of plan.layers) {
      const l = b.layer;
      k.matmul(
        input,
        fanIn * 4,
        4,
        this.at(l.w),
        l.units * 4,
        4,
        b.a,
        this.at(l.b),
        rows,
        fanIn,
        l.units,
        plan.scratch,
      );
      const bn = plan.norm === 1;
      const gamma = l.gamma ? this.at(l.gamma) : 0;
      const beta = l.beta ? this.at(l.beta) : 0;
      const moving = bn && !training && l.movingMean && l.movingVar;
      const mean = moving ? this.at(l.movingMean as Variable) : b.mean;
      const variance = moving ? this.at(l.movingVar as Variable) : b.variance;
      const d = training ? drop : NO_DROPOUT;
      this.dropState = k.layerForward(
        b.a,
        b.z,
        b.y,
        b.h,
        b.gm,
        rows,
        l.units,
        act[0],
        act[1],
        act[2],
        plan.norm,
        gamma,
        beta,
        mean,
        variance,
        b.istd,
        NORM_EPSILON,
        training ? 1 : 0,
        d.kind,
        d.threshold,
        d.scale,
        d.offset,
        d.dropped,
        this.dropState,
      );
      input = training ? b.h : b.y;
      fanIn = l.units;
    }
    const m = this.options.model;
    k.matmul(
      input,
      fanIn * 4,
      4,
      this.at(m.outW),
      m.outputs * 4,
      4,
      plan.logits,
      this.at(m.outB),
      rows,
      fanIn,
      m.outputs,
      plan.scratch,
    );
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
      this.forward(n, false);
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
    if (rows < 1 || rows > plan.rows)
      throw new Error(`snn kernels: a step takes 1..${plan.rows} rows, got ${rows}`);
    this.load(x, rows, y);
    this.forward(rows, true);
    const loss =
      options.task === 'regression'
        ? k.meanSquaredError(plan.logits, plan.labels, plan.dLogits, rows)
        : k.softmaxCrossEntropy(plan.logits, plan.labels, plan.dLogits, rows, outputs);
    const out = plan.block.view(plan.logits, rows * outputs).slice();
    if (!Number.isFinite(loss)) return { loss, outputs: out, nonFinite: true };
    const captured = statsLayers ? this.capture(statsLayers, rows) : undefined;
    this.backward(rows);
    if (captured) {
      captured.gradNorms = Float32Array.from(statsLayers ?? [], (i) => {
        const w = this.param(options.model.layers[i]?.w);
        return Math.sqrt(k.sumSquares(w.grad, w.size));
      });
    }
    this.update();
    if (captured) captured.updateRatios = this.updateRatios(captured);
    return { loss, outputs: out, nonFinite: false, stats: captured };
  }

  private param(v: Variable | undefined): MlpPlan['params'][number] {
    const p = v && this.params.get(v);
    if (!p) throw new Error(`snn kernels: no gradient buffer for ${v?.name ?? 'a missing variable'}`);
    return p;
  }

  /** Gradients of every variable into their buffers, from dLogits down to the first layer. */
  private backward(rows: number): void {
    const { k, plan, act, drop, options } = this;
    const m = options.model;
    const layers = plan.layers;
    const lastOut = layers.at(-1)?.h ?? plan.x;
    const last = layers.at(-1)?.layer.units ?? options.features;
    const C = m.outputs;
    k.matmul(
      lastOut,
      4,
      last * 4,
      plan.dLogits,
      C * 4,
      4,
      this.param(m.outW).grad,
      0,
      last,
      rows,
      C,
      plan.scratch,
    );
    k.columnSums(plan.dLogits, this.param(m.outB).grad, rows, C);
    let [dh, spare] = plan.dh;
    if (layers.length > 0) {
      k.matmul(plan.dLogits, C * 4, 4, this.at(m.outW), 4, C * 4, dh, 0, rows, C, last, plan.scratch);
    }
    for (let i = layers.length - 1; i >= 0; i--) {
      const b = layers[i] as MlpPlan['layers'][number];
      const l = b.layer;
      const hasNorm = l.gamma !== undefined && l.beta !== undefined;
      k.layerBackward(
        dh,
        b.y,
        b.z,
        b.gm,
        plan.da,
        rows,
        l.units,
        act[0],
        act[1],
        act[2],
        drop.kind,
        plan.norm,
        b.a,
        hasNorm ? this.at(l.gamma as Variable) : 0,
        b.istd,
        hasNorm ? this.param(l.gamma).grad : 0,
        hasNorm ? this.param(l.beta).grad : 0,
        this.param(l.b).grad,
      );
      const input = i > 0 ? (layers[i - 1] as MlpPlan['layers'][number]).h : plan.x;
      k.matmul(
        input,
        4,
        l.fanIn * 4,
        plan.da,
        l.units * 4,
        4,
        this.param(l.w).grad,
        0,
        l.fanIn,
        rows,
        l.units,
        plan.scratch,
      );
      if (i > 0) {
        k.matmul(
          plan.da,
          l.units * 4,
          4,
          this.at(l.w),
          4,
          l.units * 4,
          spare,
          0,
          rows,
          l.units,
          l.fanIn,
          plan.scratch,
        );
        [dh, spare] = [spare, dh];
      }
    }
  }

  /** Weight decay, the optimiser update of every variable, and BatchNorm's moving moments. */
  private update(): void {
    const { k, plan, options } = this;
    const train = options.config.train;
    const lr = train.learningRate;
    this.steps++;
    const root2 = Math.sqrt(1 - ADAM.beta2 ** this.steps);
    const alpha = (lr * root2) / (1 - ADAM.beta1 ** this.steps);
    const eps = (this.tf.backend() as unknown as { epsilon(): number }).epsilon();
    for (const p of plan.params) {
      const w = this.at(p.variable);
      if (p.decay && train.weightDecay > 0) k.addDecay(p.grad, w, p.size, train.weightDecay);
      const [s1, s2] = p.state;
      switch (train.optimizer) {
        case 'sgd':
          k.sgd(w, p.grad, p.size, lr);
          break;
        case 'momentum':
          k.momentum(w, p.grad, s1, p.size, lr, MOMENTUM);
          break;
        case 'rmsprop':
          k.rmsprop(w, p.grad, s1, p.size, lr, RMSPROP_DECAY, eps);
          break;
        case 'adam':
          k.adam(
            w,
            p.grad,
            s1,
            s2,
            w,
            s1,
            s2,
            p.size,
            1 - ADAM.beta1,
            1 - ADAM.beta2,
            alpha,
            ADAM.epsilon * root2,
          );
          break;
      }
    }
    for (const b of plan.layers) {
      const { movingMean, movingVar, units } = b.layer;
      if (plan.norm === 1 && movingMean && movingVar) {
        k.movingMoments(this.at(movingMean), this.at(movingVar), b.mean, b.variance, units, BN_MOMENTUM);
      }
    }
  }

  /** Copies of what the statistics read, taken before the update (the weights the forward pass used). */
  private capture(layers: number[], rows: number): StatsArrays {
    const { plan } = this;
    const copy = (ptr: number, n: number): Float32Array => plan.block.view(ptr, n).slice();
    const result: StatsArrays = { layers, pre: new Map(), post: new Map(), weights: new Map() };
    for (const i of layers) {
      const b = plan.layers[i];
      if (!b) throw new Error(`snn kernels: no hidden layer ${i}`);
      const n = rows * b.layer.units;
      result.pre.set(i, copy(b.z, n));
      result.post.set(i, copy(b.h, n));
      result.weights.set(i, copy(this.at(b.layer.w), b.layer.w.size));
    }
    return result;
  }

  /** ||W_after − W_before|| / ||W_before|| per reported layer, in float64. */
  private updateRatios(captured: StatsArrays): Float32Array {
    return Float32Array.from(captured.layers, (i) => {
      const layer = this.plan.layers[i]?.layer;
      const before = captured.weights.get(i);
      if (!layer || !before) return NaN;
      const after = this.plan.block.view(this.at(layer.w), before.length);
      let diff = 0;
      let base = 0;
      for (let j = 0; j < before.length; j++) {
        const w0 = before[j] as number;
        const d = (after[j] as number) - w0;
        diff += d * d;
        base += w0 * w0;
      }
      return Math.sqrt(diff / base);
    });
  }

  /** Frees the work buffers (the model's variables stay). */
  dispose(): void {
    this.plan.block.dispose();
  }
}
