/**
 * Test helper: forks the BUILT dist/trainer.js (node esbuild.mjs) with child_process.fork, records every message
 * (each one must pass parseTrainerToHost) and lets a test send `start` / `stop` or disconnect.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { RunConfig } from '../../../src/core/config/experimentConfig';
import { parseTrainerToHost } from '../../../src/protocol/trainerParse';
import type { HostToTrainer, TrainerToHost } from '../../../src/protocol/trainer';

/** Repository root, from out/test/trainer/<file>.js. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const TRAINER_JS = path.join(REPO_ROOT, 'dist', 'trainer.js');

function isOtherSource(data: object | undefined): boolean {
  const source = (data as { source?: unknown } | undefined)?.source;
  return source !== undefined && source !== 'synthetic';
}

/** A small, fast classification run: 8 features, 3 gaussian blobs, 4 x 32 SELU net. */
export function smallConfig(
  overrides: {
    model?: Partial<RunConfig['model']>;
    train?: Partial<RunConfig['train']>;
    stats?: Partial<RunConfig['stats']>;
    data?: object;
    seed?: number;
  } = {},
): RunConfig {
  return {
    name: 'test',
    seed: overrides.seed ?? 7,
    data: {
      // Synthetic-only fields stay out when an override switches the source (the schema forbids them there).
      ...(isOtherSource(overrides.data)
        ? {}
        : { source: 'synthetic', kind: 'blobs', samples: 600, features: 8, classes: 3, noise: 1 }),
      standardize: true,
      split: { test: 0.2, validation: 0.1, folds: 0, stratify: true },
      ...(overrides.data ?? {}),
    } as RunConfig['data'],
    model: {
      depth: 4,
      width: 32,
      shape: 'rectangular',
      activation: 'selu',
      init: 'lecun_normal',
      normalization: 'none',
      dropout: { kind: 'alpha', rate: 0.05 },
      ...overrides.model,
    },
    train: {
      optimizer: 'adam',
      learningRate: 0.001,
      batchSize: 32,
      epochs: 2,
      weightDecay: 0,
      ...overrides.train,
    },
    stats: { everySteps: 5, bins: 20, range: 5, layers: 'all', ...overrides.stats },
  };
}

export interface TrainerRun {
  child: ChildProcess;
  messages: TrainerToHost[];
  /** Raw messages that parseTrainerToHost rejected (a test asserts this stays empty). */
  invalid: unknown[];
  /** Resolves with the first message of `type` (already received or future). */
  waitFor<T extends TrainerToHost['type']>(type: T): Promise<Extract<TrainerToHost, { type: T }>>;
  send(message: HostToTrainer): void;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string | null>;
}

/** Forks the trainer; with `start` it is sent as soon as `ready` arrives. */
export function forkTrainer(
  options: {
    backend?: string;
    start?: Omit<Extract<HostToTrainer, { type: 'start' }>, 'type'>;
    /** Another copy of the trainer bundle (default dist/trainer.js). */
    trainerPath?: string;
    /** Extra environment variables for the trainer. */
    env?: Record<string, string>;
  } = {},
): TrainerRun {
  const child = fork(options.trainerPath ?? TRAINER_JS, ['--backend', options.backend ?? 'auto'], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  const messages: TrainerToHost[] = [];
  const invalid: unknown[] = [];
  const waiters: { type: string; resolve: (m: TrainerToHost) => void }[] = [];
  child.on('message', (raw) => {
    const message = parseTrainerToHost(raw);
    if (!message) {
      invalid.push(raw);
      return;
    }
    messages.push(message);
    if (message.type === 'ready' && options.start) child.send({ type: 'start', ...options.start });
    for (const w of waiters.filter((x) => x.type === message.type)) w.resolve(message);
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return {
    child,
    messages,
    invalid,
    exited,
    waitFor(type) {
      const seen = messages.find((m) => m.type === type);
      if (seen) return Promise.resolve(seen as never);
      return new Promise((resolve) => waiters.push({ type, resolve: resolve as (m: TrainerToHost) => void }));
    },
    send(message) {
      child.send(message);
    },
  };
}

/** Races a promise against a deadline (a hung trainer must fail the test, not hang the suite). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
