/**
 * The arithmetic of the one progress notification per batch of local runs (a sweep of 8 shows one): runs done out
 * of the batch's total, the overall fraction (finished runs plus the running runs' step fractions) as increments
 * VS Code's progress bar accepts, and the latest run's epoch, step and loss. vscode-free (unit-tested).
 */
import type { RunId } from '../../protocol/ids';

/** Fewest milliseconds between two reports of training progress (each trainer sends up to ten a second). */
export const PROGRESS_REPORT_INTERVAL_MS = 250;

export interface ProgressReport {
  message: string;
  /** Percent to add to the bar (never negative: VS Code's bar only moves forward). */
  increment: number;
}

interface Member {
  name: string;
  totalSteps?: number;
  /** 0..1 of this run's steps. */
  fraction: number;
  ended: boolean;
}

export class BatchProgress {
  private readonly members = new Map<RunId, Member>();
  private reportedPercent = 0;
  private detail = '';
  private lastThrottledMs = -Infinity;

  /**
   * Adds a run to the batch (a run queued while the batch is live joins it; the total grows), or renames a member:
   * a queued run may have no meta yet (its directory is created shortly before it starts), so it joins under its
   * id and gets its name when it runs.
   */
  add(runId: RunId, name: string): void {
    const member = this.members.get(runId);
    if (member) member.name = name;
    else this.members.set(runId, { name, fraction: 0, ended: false });
  }

  has(runId: RunId): boolean {
    return this.members.has(runId);
  }

  get total(): number {
    return this.members.size;
  }

  get done(): number {
    return [...this.members.values()].filter((m) => m.ended).length;
  }

  /** True once every run of the batch has ended. */
  get complete(): boolean {
    return this.total > 0 && this.done === this.total;
  }

  /** Runs of the batch that have not ended (what Cancel stops). */
  activeIds(): RunId[] {
    return [...this.members].filter(([, m]) => !m.ended).map(([id]) => id);
  }

  started(runId: RunId, totalSteps: number): ProgressReport {
    const member = this.members.get(runId);
    if (member) {
      member.totalSteps = totalSteps;
      this.detail = `${member.name}: starting`;
    }
    return this.report();
  }

  progress(runId: RunId, step: number, epoch: number, loss: number): ProgressReport {
    this.record(runId, step, epoch, loss);
    return this.report();
  }

  /** Takes a run's step, epoch and loss without reporting (see `throttled`). */
  record(runId: RunId, step: number, epoch: number, loss: number): void {
    const member = this.members.get(runId);
    if (member && !member.ended) {
      const total = member.totalSteps;
      member.fraction = total ? Math.min(1, step / total) : 0;
      const steps = total ? ` · step ${step}/${total}` : '';
      this.detail = `${member.name}: epoch ${epoch + 1}${steps} · loss ${loss.toPrecision(4)}`;
    }
  }

  /**
   * A report if `PROGRESS_REPORT_INTERVAL_MS` passed since the last one given here, else undefined: a sweep's
   * trainers together send tens of progress messages a second, more than a notification can show. Nothing is
   * lost by skipping: the next report carries the bar's increments since the last one.
   */
  throttled(nowMs: number): ProgressReport | undefined {
    if (nowMs - this.lastThrottledMs < PROGRESS_REPORT_INTERVAL_MS) return undefined;
    this.lastThrottledMs = nowMs;
    return this.report();
  }

  ended(runId: RunId): ProgressReport {
    const member = this.members.get(runId);
    if (member) {
      member.ended = true;
      member.fraction = 1;
      if (this.detail.startsWith(`${member.name}:`)) this.detail = '';
    }
    return this.report();
  }

  /** The message and the bar's increment since the last report. */
  report(): ProgressReport {
    const total = this.total;
    const sum = [...this.members.values()].reduce((acc, m) => acc + m.fraction, 0);
    const percent = total > 0 ? (100 * sum) / total : 0;
    const increment = Math.max(0, percent - this.reportedPercent);
    this.reportedPercent = Math.max(this.reportedPercent, percent);
    const counts = `${this.done}/${total} run${total === 1 ? '' : 's'} done`;
    return { message: this.detail ? `${counts} · ${this.detail}` : counts, increment };
  }
}
