/**
 * A Python script started by "Run with SNN Lab" (vscode-free, unit-tested): spawned with snn_lab importable and the
 * workspace's runs directory, its output forwarded line by line, and stopped like a terminal would — SIGINT (the
 * script's KeyboardInterrupt: snn_lab records the run as stopped), then SIGTERM, then SIGKILL after grace periods.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter } from 'node:path';

export interface ScriptEnvironmentOptions {
  /** The folder that holds the snn_lab package (the extension's `python/`). */
  packageDir: string;
  /** Where the script's runs go (SNN_LAB_RUNS_DIR). */
  runsDir: string;
  /** The environment to extend (default: this process's). */
  base?: NodeJS.ProcessEnv;
}

/** The variables a script (or an integrated terminal) needs: PYTHONPATH with the package first, the runs directory. */
export function scriptEnvironment(options: ScriptEnvironmentOptions): Record<string, string> {
  const base = options.base ?? process.env;
  const existing = base.PYTHONPATH;
  return {
    PYTHONPATH: existing ? `${options.packageDir}${delimiter}${existing}` : options.packageDir,
    SNN_LAB_RUNS_DIR: options.runsDir,
    // Unbuffered output, so the output channel shows prints as they happen.
    PYTHONUNBUFFERED: '1',
  };
}

export interface ScriptProcessOptions {
  python: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  /** Called with each line of stdout and stderr (stderr lines prefixed "[stderr] "). */
  onLine: (line: string) => void;
  /** Grace periods of stop(): SIGINT -> SIGTERM and SIGTERM -> SIGKILL (default 5 s each). */
  graceMs?: number;
}

export interface ScriptExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT for a missing interpreter). */
  error?: string;
}

export class ScriptProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited (or failed to start). */
  readonly exited: Promise<ScriptExit>;
  private done = false;
  private readonly grace: number;

  constructor(private readonly options: ScriptProcessOptions) {
    this.grace = options.graceMs ?? 5000;
    this.child = spawn(options.python, ['-u', options.script], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    forwardLines(this.child.stdout, options.onLine, '');
    forwardLines(this.child.stderr, options.onLine, '[stderr] ');
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.done = true;
        resolve({ code: null, signal: null, error: error.message });
      });
      this.child.once('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** SIGINT, then SIGTERM after the grace period, then SIGKILL; resolves when the process has exited. */
  async stop(): Promise<ScriptExit> {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
      if (this.done) break;
      this.child.kill(signal);
      if (await Promise.race([this.exited.then(() => true), delay(this.grace).then(() => false)])) break;
    }
    return this.exited;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Splits a stream into lines; a final line without newline is delivered at the end. */
function forwardLines(
  stream: NodeJS.ReadableStream | null,
  onLine: (line: string) => void,
  prefix: string,
): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(`${prefix}${line}`);
  });
  stream.on('end', () => {
    if (pending !== '') onLine(`${prefix}${pending}`);
  });
}
