/**
 * A status-bar item with the tfjs backend in use (`$(chip) wasm`, `$(chip) tensorflow`): that of the newest run
 * (its trainer's `ready` message, or at start-up the newest stored run), shown while an experiment file is open or a
 * run is active. The tooltip gives versions and why a preferred backend was skipped; a click offers to install the
 * native backend when it is not the one in use.
 */
import * as vscode from 'vscode';
import type { BackendInfo } from '../../protocol/stats';
import type { RunManagerApi, RunMeta } from '../../runs/runTypes';
import { isExperimentFile } from '../contributionIds';
import { Disposable } from '../disposable';

/** The markdown tooltip for a backend (exported for tests of the text). */
export function backendTooltip(info: BackendInfo | undefined, choice: string): string {
  if (!info) return `No run yet in this workspace. Setting \`snnLab.backend\`: \`${choice}\`.`;
  const versions = Object.entries(info.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `**tfjs backend of the newest run:** ${info.name} (${versions})`,
    ...(info.fallbackReason ? [`Why not a faster one: ${info.fallbackReason}`] : []),
    `Setting \`snnLab.backend\`: \`${choice}\`.`,
    info.name === 'tensorflow' ? 'Click to change the setting.' : 'Click to install native TensorFlow.',
  ].join('\n\n');
}

export class BackendStatus extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('snnLab.backend', vscode.StatusBarAlignment.Left, 49),
  );
  private info: BackendInfo | undefined;
  private running = 0;

  /** `stored`: the runs on disk; the newest one that recorded its backend seeds the item. */
  constructor(
    runs: RunManagerApi,
    stored: RunMeta[],
    private readonly choice: () => string,
  ) {
    super();
    this.item.name = 'SNN Lab backend';
    this.info = stored
      .filter((m) => m.backend !== undefined)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0]?.backend;
    this._register(
      runs.onMessage(({ message }) => {
        if (message.type !== 'ready') return;
        this.info = message.backend;
        this.render();
      }),
    );
    this._register(
      runs.onDidChangeRun(() => {
        this.running = runs.active().length;
        this.render();
      }),
    );
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.render()));
    this.render();
  }

  private render(): void {
    const file = vscode.window.activeTextEditor?.document.fileName;
    const show = this.running > 0 || (file !== undefined && isExperimentFile(file));
    if (!show) {
      this.item.hide();
      return;
    }
    this.item.text = `$(chip) ${this.info?.name ?? this.choice()}`;
    this.item.tooltip = new vscode.MarkdownString(backendTooltip(this.info, this.choice()));
    this.item.command =
      this.info?.name === 'tensorflow'
        ? {
            command: 'workbench.action.openSettings',
            title: 'Backend setting',
            arguments: ['snnLab.backend'],
          }
        : { command: 'snnLab.installNativeBackend', title: 'Install Native Backend' };
    this.item.show();
  }
}
