/**
 * One notification per running study ("Run study"): runs done of total, how many did not finish, and an ETA from
 * the rate so far (core/study/progress). Cancel stops the study's runs that are still active.
 */
import * as vscode from 'vscode';
import type { Event } from '../../core/events';
import { studyProgress } from '../../core/study/progress';
import type { RunId } from '../../protocol/ids';
import { Disposable } from '../disposable';
import { isActive } from '../runLabels';
import type { RunStatus } from '../../core/runStatus';

interface Study {
  ids: Set<RunId>;
  ended: Map<RunId, RunStatus>;
  startedMs: number;
  report?: (value: { message?: string; increment?: number }) => void;
  reported: number;
  resolve?: () => void;
}

export class StudyProgressView extends Disposable {
  private readonly studies = new Set<Study>();

  constructor(
    changes: Event<{ runId: RunId; status: RunStatus }>[],
    private readonly stop: (runId: RunId) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    super();
    for (const change of changes) this._register(change((e) => this.onStatus(e.runId, e.status)));
    this._register({ dispose: () => [...this.studies].forEach((s) => s.resolve?.()) });
  }

  /** Shows progress of the runs `ids` of one study until every one has ended. */
  track(label: string, ids: readonly RunId[]): void {
    if (ids.length === 0) return;
    const study: Study = { ids: new Set(ids), ended: new Map(), startedMs: this.now(), reported: 0 };
    this.studies.add(study);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SNN Lab study: ${label}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          study.report = (value) => progress.report(value);
          study.resolve = () => {
            this.studies.delete(study);
            resolve();
          };
          token.onCancellationRequested(() => {
            for (const id of study.ids) if (!study.ended.has(id)) void this.stop(id);
          });
          this.render(study);
        }),
    );
  }

  private onStatus(runId: RunId, status: RunStatus): void {
    for (const study of this.studies) {
      if (!study.ids.has(runId) || isActive(status)) continue;
      study.ended.set(runId, status);
      this.render(study);
    }
  }

  private render(study: Study): void {
    const failed = [...study.ended.values()].filter((s) => s !== 'finished').length;
    const p = studyProgress({
      total: study.ids.size,
      done: study.ended.size,
      failed,
      startedMs: study.startedMs,
      nowMs: this.now(),
    });
    study.report?.({ message: p.label, increment: Math.max(0, p.percent - study.reported) });
    study.reported = Math.max(study.reported, p.percent);
    if (p.done >= p.total) study.resolve?.();
  }
}
