/**
 * Live progress of `snn-lab run`: one cli-progress bar per run on a terminal, plain lines otherwise (CI logs,
 * pipes), nothing with --json. Log lines go through it so they do not tear the bars.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

import type { RunId } from '../protocol/ids';
import type { TrainerToHost } from '../protocol/trainer';
import { printable } from '../core/printable';
import { cell } from './table';
import type { RunStatus } from '../core/runStatus';
import { writeOut, writeErr } from './output';

export interface Progress {
  /** Announces a queued run. */
  add(runId: RunId, name: string, epochs: number): void;
  message(runId: RunId, message: TrainerToHost): void;
  status(runId: RunId, status: RunStatus, detail?: string): void;
  /** A progress line (stdout). */
  log(line: string): void;
  /** A diagnostic line (stderr; above the bars on a TTY). */
  warn(line: string): void;
  stop(): void;
}

const toStderr = (line: string): void => {
  writeErr(`${line}\n`);
};

/** Picks the display: bars on a TTY, lines otherwise, silence for --json. */
export function createProgress(mode: 'tty' | 'lines' | 'quiet'): Progress {
  if (mode === 'tty') return new BarProgress();
  if (mode === 'lines') return new LineProgress();
  return { add() {}, message() {}, status() {}, log() {}, warn: toStderr, stop() {} };
}

class LineProgress implements Progress {
  private readonly runs = new Map<RunId, { name: string; epochs: number }>();

  add(runId: RunId, name: string, epochs: number): void {
    this.runs.set(runId, { name, epochs });
  }

  message(runId: RunId, message: TrainerToHost): void {
    const run = this.runs.get(runId);
    if (!run) return;
    if (message.type === 'started') {
      this.log(
        `${run.name}: started, ${message.totalSteps} steps (${message.samples.train} training samples)`,
      );
    } else if (message.type === 'epochEnd') {
      const metrics = Object.entries(message.metrics)
        .map(([key, value]) => `${key} ${cell(value)}`)
        .join(', ');
      this.log(`${run.name}: epoch ${message.epoch + 1}/${run.epochs} ${metrics}`);
    }
  }

  status(runId: RunId, status: RunStatus, detail?: string): void {
    const run = this.runs.get(runId);
    if (run && status !== 'running') this.log(`${run.name}: ${status}${detail ? ` (${detail})` : ''}`);
  }

  log(line: string): void {
    writeOut(`${line}\n`);
  }

  warn(line: string): void {
    toStderr(line);
  }

  stop(): void {}
}

class BarProgress implements Progress {
  private readonly multibar = new MultiBar(
    {
      format: '{name} |{bar}| {percentage}% | {state} | epoch {epoch} | loss {loss}',
      hideCursor: true,
      barsize: 24,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
    },
    Presets.shades_classic,
  );
  private readonly bars = new Map<RunId, { bar: SingleBar; epochs: number; total: number }>();
  private width = 0;

  add(runId: RunId, rawName: string, epochs: number): void {
    // The bar writes its payload as is: escape control characters in the name here.
    const name = printable(rawName);
    this.width = Math.min(48, Math.max(this.width, name.length));
    const label = name.length > 48 ? `...${name.slice(-45)}` : name.padEnd(this.width);
    const bar = this.multibar.create(1, 0, { name: label, state: 'queued', epoch: '-', loss: '-' });
    this.bars.set(runId, { bar, epochs, total: 1 });
  }

  message(runId: RunId, message: TrainerToHost): void {
    const entry = this.bars.get(runId);
    if (!entry) return;
    if (message.type === 'started') {
      entry.total = Math.max(1, message.totalSteps);
      entry.bar.setTotal(entry.total);
      entry.bar.update(0, { state: 'running' });
    } else if (message.type === 'progress') {
      entry.bar.update(Math.min(entry.total, message.step + 1), {
        epoch: `${message.epoch + 1}/${entry.epochs}`,
        loss: cell(message.loss),
      });
    }
  }

  status(runId: RunId, status: RunStatus): void {
    const entry = this.bars.get(runId);
    if (!entry) return;
    if (status === 'finished') entry.bar.update(entry.total, { state: status });
    else entry.bar.update({ state: status });
  }

  log(line: string): void {
    this.multibar.log(`${printable(line)}\n`);
  }

  warn(line: string): void {
    this.multibar.log(`${printable(line)}\n`);
  }

  stop(): void {
    this.multibar.stop();
  }
}
