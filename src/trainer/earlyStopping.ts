/**
 * Early stopping on any epoch metric (val_loss, val_auc, accuracy, ...) with patience, keeping a copy of the best
 * weights so the test set is evaluated on the best epoch's model (also after all epochs ran, unless restoreBest is
 * false). Losses and mse are minimised, everything else maximised, unless `mode` says otherwise.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Metrics } from '../protocol/stats';
import type { Tf } from './tf';
import type { Model } from './model';

export class EarlyStopping {
  private best = NaN;
  private bestEpoch = -1;
  private snapshot: Tensor[] = [];
  private stopped = false;
  private warned = false;
  private readonly minimise: boolean;
  private readonly variables: Variable[];

  constructor(
    private readonly tf: Tf,
    model: Model,
    private readonly config: {
      metric: string;
      patience: number;
      mode?: 'min' | 'max';
      restoreBest?: boolean;
    },
  ) {
    this.minimise = config.mode !== undefined ? config.mode === 'min' : /loss|mse/.test(config.metric);
    this.variables = [
      ...model.trainable,
      ...model.layers.flatMap((l) => (l.movingMean && l.movingVar ? [l.movingMean, l.movingVar] : [])),
    ];
  }

  /** Records an epoch's metrics; returns true when training should stop. */
  update(metrics: Metrics, epoch: number, warn: (message: string) => void): boolean {
    const value = metrics[this.config.metric];
    if (value === undefined || Number.isNaN(value)) {
      if (!this.warned) {
        warn(`early stopping: metric "${this.config.metric}" is not reported; early stopping is off`);
      }
      this.warned = true;
      return false;
    }
    const better = Number.isNaN(this.best) || (this.minimise ? value < this.best : value > this.best);
    if (better) {
      this.best = value;
      this.bestEpoch = epoch;
      this.tf.dispose(this.snapshot);
      this.snapshot = this.variables.map((v) => this.tf.clone(v));
      return false;
    }
    this.stopped = epoch - this.bestEpoch >= this.config.patience;
    return this.stopped;
  }

  /** The best epoch (0-based) seen so far, or -1. */
  get bestEpochIndex(): number {
    return this.bestEpoch;
  }

  /**
   * Restores the best epoch's weights when training stopped early, or always with restoreBest (the default);
   * returns the epoch whose weights the model now holds, or undefined when it keeps the last epoch's.
   */
  restoreBest(lastEpoch: number): number | undefined {
    const restore = this.stopped || (this.config.restoreBest ?? true);
    if (!restore || this.snapshot.length === 0 || this.bestEpoch === lastEpoch) return undefined;
    this.variables.forEach((v, i) => v.assign(this.snapshot[i] as Tensor));
    return this.bestEpoch;
  }

  /** Whether patience ran out. */
  get stoppedEarly(): boolean {
    return this.stopped;
  }

  dispose(): void {
    this.tf.dispose(this.snapshot);
    this.snapshot = [];
  }
}
