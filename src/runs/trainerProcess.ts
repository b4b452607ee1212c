/**
 * One trainer child process (dist/trainer.js): the only `fork` in SNN Lab. It validates every message the trainer
 * sends, checks the protocol version of its `ready`, forwards stdout/stderr lines to the log, and stops it
 * politely (a `stop` message, a grace period, then SIGKILL).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Emitter, type Disposable } from '../core/events';
import { parseTrainerToHost } from '../protocol/trainerParse';
import type { BackendChoice, HostToTrainer, TrainerToHost } from '../protocol/trainer';
import { PROTOCOL_VERSION } from '../protocol/version';
import type { Logger } from './logger';
import { trainerWasmFlags } from './wasmFlags';

export interface TrainerProcessOptions {
  /** Absolute path of dist/trainer.js. */
  trainerPath: string;
  logger: Logger;
  backend?: BackendChoice;
  /** Node executable to run the trainer with (default: this process's own, as child_process.fork does). */
  execPath?: string;
  /** Extra environment variables for the trainer. */
  env?: Record<string, string>;
  /** Node flags for the trainer, after the probed wasm flags (the host's own, e.g. --inspect, are not inherited). */
  execArgv?: string[];
  /** Prefix of log lines, e.g. the run id. */
  label?: string;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the host asked it to stop, or the trainer reported `finished`/`failed` before exiting. */
  expected: boolean;
  /** Set when the trainer could not start, or the host ended it for a protocol error (version mismatch). */
  error?: string;
}

/** How long to wait, after the process exited, for its pipes and IPC channel to drain. */
const DRAIN_MS = 2000;

/** Default grace period between `stop` and SIGKILL. */
export const STOP_GRACE_MS = 5000;

export class TrainerProcess implements Disposable {
  private readonly messages = new Emitter<TrainerToHost>();
  private readonly exits = new Emitter<TrainerExit>();
  private readonly stderrLines = new Emitter<string>();
  /** Validated messages from the trainer. */
  readonly onMessage = this.messages.event;
  /** Fires once, after the process has exited and its pipes are drained (no message arrives after it). */
  readonly onExit = this.exits.event;
  /** Each line the trainer writes to stderr (also logged). */
  readonly onStderr = this.stderrLines.event;
  private readonly child: ChildProcess;
  private readonly logger: Logger;
  private readonly label: string;
  private readonly invalidKinds = new Set<string>();
  private stopRequested = false;
  private terminalSeen = false;
  private fatalError: string | undefined;
  private exitInfo: TrainerExit | undefined;
  private readonly exited: Promise<TrainerExit>;
  private readonly trainerPath: string;

  constructor(options: TrainerProcessOptions) {
    this.logger = options.logger;
    this.trainerPath = options.trainerPath;
    this.child = fork(options.trainerPath, ['--backend', options.backend ?? 'auto'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // 'advanced' (structured clone) keeps NaN and Infinity in statistics; JSON would turn them into null.
      serialization: 'advanced',
      // Own process group: a terminal's Ctrl-C reaches only the host (CLI), which stops the trainer through
      // IPC instead of it dying mid-write. It still exits when the IPC channel closes (host gone).
      detached: process.platform !== 'win32',
      env: { ...process.env, ...options.env },
      // The relaxed-SIMD flag where this Node needs it for SNN Lab's fused multiply-add kernels (wasmFlags.ts).
      execArgv: [...trainerWasmFlags(options.execPath ?? process.execPath), ...(options.execArgv ?? [])],
      ...(options.execPath ? { execPath: options.execPath } : {}),
    });
    this.label = options.label ?? `trainer ${this.child.pid ?? '?'}`;
    this.child.on('message', (value: unknown) => this.receive(value));
    this.child.on('error', (error) => this.logger.error(`[${this.label}] ${error.message}`));
    this.lines(this.child.stderr, (line) => {
      this.logger.warn(`[${this.label}] ${line}`);
      this.stderrLines.fire(line);
    });
    this.lines(this.child.stdout, (line) => this.logger.info(`[${this.label}] ${line}`));
    this.exited = new Promise((resolve) => this.whenDrained(resolve));
  }

  /**
   * Calls `done` once the process has exited AND its IPC channel and pipes are closed, so that no message
   * arrives after onExit. ('close' alone is not enough: Node never emits it after a host-side disconnect().)
   */
  private whenDrained(done: (exit: TrainerExit) => void): void {
    const pending = new Set(['exit', 'ipc', 'stdout', 'stderr']);
    let status: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(safety);
      const info: TrainerExit = {
        ...status,
        expected: this.stopRequested || this.terminalSeen,
        ...(this.fatalError ? { error: this.fatalError } : {}),
      };
      this.exitInfo = info;
      this.exits.fire(info);
      done(info);
    };
    const settle = (what: string): void => {
      pending.delete(what);
      if (pending.size === 0) finish();
    };
    let safety: NodeJS.Timeout | undefined;
    this.child.once('exit', (code, signal) => {
      status = { code, signal };
      // A grandchild holding the pipes open must not hang the run: give the streams a moment, then go on.
      safety = setTimeout(finish, DRAIN_MS);
      settle('exit');
    });
    this.child.once('close', (code, signal) => {
      status = { code, signal };
      finish();
    });
    if (this.child.connected) this.child.once('disconnect', () => settle('ipc'));
    else settle('ipc');
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = this.child[name];
      if (stream) stream.once('close', () => settle(name));
      else settle(name);
    }
    this.child.once('error', (error) => {
      if (this.child.pid !== undefined) return;
      this.fatalError = `could not start the trainer (${this.child.spawnfile}): ${error.message}`;
      finish(); // never spawned: there will be no exit
    });
  }

  /** The trainer's process id (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Set once the process has exited. */
  get exit(): TrainerExit | undefined {
    return this.exitInfo;
  }

  /** Resolves when the process has exited (immediately if it already has). */
  whenExited(): Promise<TrainerExit> {
    return this.exited;
  }

  /** Sends a command; false when the channel is already closed. */
  send(message: HostToTrainer): boolean {
    if (!this.child.connected) return false;
    try {
      return this.child.send(message, (error) => {
        if (error) this.logger.warn(`[${this.label}] could not send ${message.type}: ${error.message}`);
      });
    } catch (error) {
      this.logger.warn(`[${this.label}] could not send ${message.type}: ${String(error)}`);
      return false;
    }
  }

  /** Asks the trainer to stop, waits up to `graceMs` for it to exit, then kills it. Resolves on exit. */
  async stop(graceMs = STOP_GRACE_MS): Promise<TrainerExit> {
    if (this.exitInfo) return this.exitInfo;
    this.stopRequested = true;
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the IPC channel, as a dying host does; the trainer exits on disconnect. */
  disconnect(): void {
    if (this.child.connected) this.child.disconnect();
  }

  /** SIGKILLs the process (no grace). */
  kill(): void {
    if (this.exitInfo || this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (!this.child.kill('SIGKILL')) {
      this.logger.warn(`[${this.label}] could not kill pid ${this.child.pid ?? '?'}`);
    }
  }

  /** Kills the process if it is still running and drops listeners. */
  dispose(): void {
    this.stopRequested = true;
    this.kill();
    this.messages.dispose();
    this.stderrLines.dispose();
  }

  private receive(value: unknown): void {
    const message = parseTrainerToHost(value);
    if (!message) {
      const kind =
        typeof value === 'object' && value !== null && 'type' in value
          ? String(value.type).slice(0, MAX_KIND_CHARS)
          : typeof value;
      // One warning per kind, for at most MAX_INVALID_KINDS kinds: a trainer sending a new type with every message
      // must not grow the set (or the log) without bound.
      if (!this.invalidKinds.has(kind) && this.invalidKinds.size < MAX_INVALID_KINDS) {
        this.invalidKinds.add(kind);
        this.logger.warn(
          `[${this.label}] ignored an invalid or unknown trainer message (type ${kind}): ${preview(value)}`,
        );
      }
      return;
    }
    if (message.type === 'ready' && message.protocolVersion !== PROTOCOL_VERSION) {
      this.fatalError =
        `trainer protocol version ${message.protocolVersion} does not match the host's ${PROTOCOL_VERSION}: ` +
        `${this.trainerPath} is from another build; rebuild with \`node esbuild.mjs\``;
      this.logger.error(`[${this.label}] ${this.fatalError}`);
      this.kill();
      return;
    }
    if (message.type === 'finished' || message.type === 'failed') this.terminalSeen = true;
    this.messages.fire(message);
  }

  private lines(stream: NodeJS.ReadableStream | null, handle: (line: string) => void): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() !== '') handle(line);
    });
  }
}

/** Distinct invalid message kinds warned about per trainer, and how much of a kind's name a warning shows. */
const MAX_INVALID_KINDS = 32;
const MAX_KIND_CHARS = 60;

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
