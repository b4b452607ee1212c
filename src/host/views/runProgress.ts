/**
 * Live feedback for runs: one progress notification per batch of local runs (a sweep of 8 shows one: runs done /
 * total, the latest run's epoch, step and loss, Cancel stops the batch), a status-bar summary, the
 * `snnLab.hasActiveRuns` context key, and one message per failed/diverged run and per finished batch. Slurm runs
 * count in the status bar too (their progress arrives through the store).
 */
import * as vscode from 'vscode';
import type { Event } from '../../core/events';
import type { RunId } from '../../protocol/ids';
import { Disposable } from '../disposable';
import { CONTEXT_KEYS } from '../contributionIds';
import { isActive } from '../runLabels';
import { BatchProgress } from './batchProgress';
import type { RunManagerApi, RunMeta } from '../../runs/runTypes';
import type { RunStatus } from '../../core/runStatus';

/** The one store call this class needs (RunStore has it; reading only meta.json keeps it cheap). */
export interface MetaReader {
  readMeta(runId: RunId): RunMeta | undefined;
}

/** The open batch notification. */
interface Notification {
  batch: BatchProgress;
  report?: (value: { message?: string; increment?: number }) => void;
  /** Closes the notification; safe before VS Code has called the progress task. */
  close: () => void;
  closed: boolean;
  resolve?: () => void;
}

export class RunProgress extends Disposable {
  private readonly status = this._register(
    vscode.window.createStatusBarItem('snnLab.runs', vscode.StatusBarAlignment.Left, 50),
  );
  private notification: Notification | undefined;
  private readonly active = new Map<RunId, RunStatus>();
  private batch = { finished: 0, failed: 0, ids: [] as RunId[], shown: new Set<string>() };

  constructor(
    private readonly store: MetaReader,
    runs: RunManagerApi,
    slurmChanges: Event<{ runId: RunId; status: RunStatus }> | undefined,
    private readonly stop: (runId: RunId) => Promise<void>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.status.name = 'SNN Lab runs';
    this._register(runs.onDidChangeRun((e) => this.onStatus(e.runId, e.status, true)));
    if (slurmChanges) this._register(slurmChanges((e) => this.onStatus(e.runId, e.status, false)));
    this._register(
      runs.onMessage(({ runId, message }) => {
        const open = this.notification;
        if (!open?.batch.has(runId)) return;
        if (message.type === 'started') open.report?.(open.batch.started(runId, message.totalSteps));
        if (message.type === 'progress') {
          open.batch.record(runId, message.step, message.epoch, message.loss);
          const report = open.batch.throttled(Date.now());
          if (report) open.report?.(report);
        }
      }),
    );
    this._register({ dispose: () => this.notification?.close() });
    this.render();
  }

  private onStatus(runId: RunId, status: RunStatus, local: boolean): void {
    if (isActive(status)) {
      if (!this.active.has(runId)) this.batch.ids.push(runId);
      this.active.set(runId, status);
      if (local) this.joinNotification(runId);
    } else if (this.active.delete(runId)) {
      this.leaveNotification(runId);
      this.outcome(runId, status);
    }
    this.render();
  }

  /** Adds a local run to the open batch notification, opening one when none is open. */
  private joinNotification(runId: RunId): void {
    const open = this.notification ?? this.openNotification();
    const name = this.store.readMeta(runId)?.name;
    if (open.batch.has(runId)) {
      if (name) open.batch.add(runId, name);
      return;
    }
    open.batch.add(runId, name ?? runId);
    open.report?.(open.batch.report());
  }

  private leaveNotification(runId: RunId): void {
    const open = this.notification;
    if (!open?.batch.has(runId)) return;
    open.report?.(open.batch.ended(runId));
    if (open.batch.complete) {
      open.close();
      this.notification = undefined;
    }
  }

  private openNotification(): Notification {
    const open: Notification = {
      batch: new BatchProgress(),
      closed: false,
      close: () => {
        open.closed = true;
        open.resolve?.();
      },
    };
    this.notification = open;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'SNN Lab', cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          open.report = (value) => progress.report(value);
          open.resolve = resolve;
          if (open.closed) resolve();
          token.onCancellationRequested(() => {
            const ids = open.batch.activeIds();
            this.log.info(`progress notification: Cancel stops ${ids.length} run(s) of the batch`);
            for (const id of ids) void this.stop(id);
          });
          progress.report(open.batch.report());
        }),
    );
    return open;
  }

  private outcome(runId: RunId, status: RunStatus): void {
    const meta = this.store.readMeta(runId);
    const name = meta?.name ?? runId;
    if (status === 'finished') this.batch.finished++;
    else if (status !== 'stopped' && status !== 'cancelled') this.batch.failed++;
    if (status === 'failed' || status === 'diverged' || status === 'interrupted') {
      const detail = meta?.failure ? ` (${meta.failure.reason}): ${meta.failure.message}` : '';
      this.log[status === 'failed' ? 'error' : 'warn'](`run ${runId} (${name}) ${status}${detail}`);
      // A sweep whose runs all fail the same way shows that error once; every run is still in the log.
      if (this.batch.shown.has(`${status}${detail}`)) return this.endOfBatch();
      this.batch.shown.add(`${status}${detail}`);
      const show = status === 'failed' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      void show(`SNN Lab: ${name} ${status}${detail}`, 'Open Dashboard', 'Show Logs').then((pick) => {
        if (pick === 'Open Dashboard') void vscode.commands.executeCommand('snnLab.openDashboard', runId);
        if (pick === 'Show Logs') void vscode.commands.executeCommand('snnLab.showLogs', runId);
      });
    }
    this.endOfBatch();
  }

  private endOfBatch(): void {
    if (this.active.size > 0) return;
    const { finished, failed, ids } = this.batch;
    this.batch = { finished: 0, failed: 0, ids: [], shown: new Set() };
    if (finished === 0) return;
    const text = `SNN Lab: ${finished} run${finished === 1 ? '' : 's'} finished${failed ? `, ${failed} did not` : ''}.`;
    void vscode.window.showInformationMessage(text, 'Open Dashboard').then((pick) => {
      if (pick) void vscode.commands.executeCommand('snnLab.openDashboard', ids);
    });
  }

  private render(): void {
    const running = [...this.active.values()].filter((s) => s === 'running').length;
    const queued = this.active.size - running;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasActiveRuns, this.active.size > 0);
    if (this.active.size === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(sync~spin) SNN ${running} running${queued ? ` · ${queued} queued` : ''}`;
    this.status.tooltip = 'SNN Lab runs: click to open the dashboard of the active runs';
    this.status.command = {
      command: 'snnLab.openDashboard',
      title: 'Open Dashboard',
      arguments: [[...this.active.keys()]],
    };
    this.status.show();
  }
}
