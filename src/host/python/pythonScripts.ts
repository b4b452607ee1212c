/**
 * PyTorch scripts in VS Code (docs/pytorch.md): "Use SNN Lab in Python Terminals" puts the shipped snn_lab package
 * on PYTHONPATH of integrated terminals and points SNN_LAB_RUNS_DIR at the workspace's runs directory; "Run with
 * SNN Lab" runs a Python file with the workspace's interpreter and those variables, its output in an output channel.
 * The run appears through the run store's polling; Stop on it sends SIGINT, then SIGTERM (ScriptProcess).
 */
import { hostname } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunId } from '../../protocol/ids';
import { UserError } from '../errors';
import type { RunStoreApi } from '../../runs/runTypes';
import type { TerminalEnvironment } from '../terminalEnvironment';
import { requireTrust } from '../trust';
import { pythonInterpreter } from './interpreter';
import { ScriptProcess, scriptEnvironment } from '../../runs/scriptProcess';

export interface PythonScriptsOptions {
  context: vscode.ExtensionContext;
  /** The integrated terminals' environment, shared with the other features (src/host/terminalEnvironment.ts). */
  terminal: TerminalEnvironment;
  store: RunStoreApi;
  /** The workspace's runs directory (absolute). */
  runsDir: string;
  /** snnLab.pythonPath, read when a script starts. */
  pythonPath: () => string;
  log: vscode.LogOutputChannel;
}

/** workspaceState: "Use SNN Lab in Python Terminals" was chosen in this workspace. */
const IN_TERMINALS_KEY = 'pythonInTerminals';

export class PythonScripts implements vscode.Disposable {
  private readonly processes = new Map<number, ScriptProcess>();
  private output: vscode.OutputChannel | undefined;
  readonly packageDir: string;

  constructor(private readonly options: PythonScriptsOptions) {
    this.packageDir = options.context.asAbsolutePath('python');
    // The collection is re-applied as a whole at activation, so a workspace that chose this keeps it across reloads.
    if (options.context.workspaceState.get<boolean>(IN_TERMINALS_KEY) === true) this.setTerminalPart();
  }

  /** Sets PYTHONPATH (prepended) and SNN_LAB_RUNS_DIR for integrated terminals opened from now on. */
  useInTerminals(): void {
    this.setTerminalPart();
    void this.options.context.workspaceState.update(IN_TERMINALS_KEY, true);
    void vscode.window.showInformationMessage(
      `New terminals can \`import snn_lab\`; its runs go to ${this.options.runsDir}. (Terminals opened before keep their environment.)`,
    );
  }

  private setTerminalPart(): void {
    this.options.terminal.set('python', {
      description: 'SNN Lab: `import snn_lab` works; runs go to the workspace runs directory',
      prepend: { PYTHONPATH: [this.packageDir] },
      replace: { SNN_LAB_RUNS_DIR: this.options.runsDir },
    });
  }

  /** Runs a Python file (the argument, else the active editor's) with snn_lab; returns the process id. */
  async run(target?: vscode.Uri): Promise<number | undefined> {
    requireTrust('run Python scripts');
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file' || !uri.fsPath.endsWith('.py')) {
      throw new UserError('Run with SNN Lab runs a Python file: open one (*.py) or pick it in the Explorer.');
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
    if (open?.isDirty) await open.save();
    const python = await pythonInterpreter(uri, this.options.pythonPath());
    const output = (this.output ??= vscode.window.createOutputChannel('SNN Lab: Python'));
    output.show(true);
    output.appendLine(`$ ${python} -u ${uri.fsPath}   (runs in ${this.options.runsDir})`);
    const env = scriptEnvironment({ packageDir: this.packageDir, runsDir: this.options.runsDir });
    const script = new ScriptProcess({
      python,
      script: uri.fsPath,
      cwd: path.dirname(uri.fsPath),
      env,
      onLine: (line) => output.appendLine(line),
    });
    const pid = script.pid;
    if (pid !== undefined) this.processes.set(pid, script);
    void script.exited.then((exit) => {
      if (pid !== undefined) this.processes.delete(pid);
      this.options.store.refresh();
      if (exit.error) {
        output.appendLine(`could not start ${python}: ${exit.error}`);
        void vscode.window.showErrorMessage(
          `SNN Lab could not start ${python} (${exit.error}). Set snnLab.pythonPath to an interpreter with torch.`,
        );
        return;
      }
      const how = exit.signal ? `by ${exit.signal}` : `with code ${String(exit.code)}`;
      output.appendLine(`[${path.basename(uri.fsPath)} ended ${how}]`);
      this.options.log.info(`python script ${uri.fsPath} (pid ${String(pid)}) ended ${how}`);
    });
    return pid;
  }

  /** True for runs written by a script this window started and that is still running. */
  owns(runId: RunId): boolean {
    return this.processFor(runId) !== undefined;
  }

  /** Stops the script that writes the run: SIGINT, then SIGTERM, then SIGKILL after 5 s each. */
  async stop(runId: RunId): Promise<void> {
    const script = this.processFor(runId);
    if (!script) return;
    await script.stop();
    this.options.store.refresh();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }

  private processFor(runId: RunId): ScriptProcess | undefined {
    const owner = this.options.store.list().find((meta) => meta.runId === runId)?.owner;
    if (!owner || owner.hostname !== hostname()) return undefined;
    return this.processes.get(owner.pid);
  }

  dispose(): void {
    void this.stopAll();
    this.output?.dispose();
  }
}
