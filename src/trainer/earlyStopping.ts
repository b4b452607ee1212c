/**
 * Early stopping on an epoch metric (e.g. val_loss) with patience, keeping a copy of the best weights so the
 * test set is evaluated on the best model. Losses and mse are minimised, everything else maximised.
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
    private readonly config: { metric: string; patience: number },
  ) {
    this.minimise = /loss|mse/.test(config.metric);
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

  /** Restores the best weights if training stopped early; returns whether it did. */
  restoreBest(): boolean {
    if (!this.stopped) return false;
    this.variables.forEach((v, i) => v.assign(this.snapshot[i] as Tensor));
    return true;
  }

  dispose(): void {
    this.tf.dispose(this.snapshot);
    this.snapshot = [];
  }
}
