/**
 * Trainer start-up benchmark: how long a run waits before its first training step. Forks the built
 * dist/trainer.js (wasm backend, as a run does), and times fork -> `ready` (bundle loaded, backend initialised) and
 * fork -> `started` (data loaded, model built) for a tiny synthetic run and for a 2,000-digit MNIST run (which
 * also reads the shipped digits). Also prints the sizes of the files a run loads. Run: npm run bench -- startup.
 */
import { fork } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunConfig } from '../src/core/config/experimentConfig';
import { parseTrainerToHost } from '../src/protocol/trainerParse';

const ROOT = path.resolve(__dirname, '..', '..');
/** The build to measure: dist/ (override: SNN_LAB_BENCH_DIST, e.g. a copy of an earlier build to compare with). */
const DIST = path.resolve(process.env.SNN_LAB_BENCH_DIST ?? path.join(ROOT, 'dist'));
const TRAINER = path.join(DIST, 'trainer.js');
const ROUNDS = 7;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[s.length >> 1] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

function config(data: RunConfig['data']): RunConfig {
  return {
    name: 'startup',
    seed: 1,
    data,
    model: {
      depth: 4,
      width: 32,
      shape: 'rectangular',
      activation: 'selu',
      init: 'lecun_normal',
      normalization: 'none',
      dropout: { kind: 'alpha', rate: 0 },
    },
    train: { optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 1, weightDecay: 0 },
    stats: { everySteps: 50, bins: 20, range: 5, layers: 'all' },
  } as RunConfig;
}

const split = { test: 0.2, validation: 0.1, folds: 0, stratify: true };
const CASES: { name: string; config: RunConfig }[] = [
  {
    name: 'synthetic (400 samples)',
    config: config({
      source: 'synthetic',
      kind: 'blobs',
      samples: 400,
      features: 8,
      classes: 3,
      noise: 1,
      standardize: true,
      split,
    } as RunConfig['data']),
  },
  {
    name: 'mnist (2,000 digits)',
    config: config({ source: 'mnist', samples: 2000, standardize: true, split } as RunConfig['data']),
  },
];

/** One trainer process: ms from fork to `ready` and to `started`; the process is stopped right after. */
function once(run: RunConfig): Promise<{ readyMs: number; startedMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let readyMs = 0;
    const child = fork(TRAINER, ['--backend', 'wasm'], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('trainer did not start within 60 s'));
    }, 60_000);
    child.on('message', (raw) => {
      const message = parseTrainerToHost(raw);
      if (message?.type === 'ready') {
        readyMs = performance.now() - t0;
        child.send({ type: 'start', runId: 'bench-startup', mode: 'train', config: run, baseDir: ROOT });
      } else if (message?.type === 'started') {
        const startedMs = performance.now() - t0;
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve({ readyMs, startedMs });
      } else if (message?.type === 'failed') {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`trainer failed: ${message.message}`));
      }
    });
  });
}

function sizeOf(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(target).reduce((sum, name) => sum + sizeOf(path.join(target, name)), 0);
}

async function main(): Promise<void> {
  if (!existsSync(TRAINER)) throw new Error(`${TRAINER} is missing: run node esbuild.mjs first`);
  console.log(
    `load: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min), ${os.cpus().length} cores`,
  );
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  console.log(`${DIST}: trainer.js ${mib(sizeOf(TRAINER))}, mnist/ ${mib(sizeOf(path.join(DIST, 'mnist')))}`);
  await once(CASES[0]!.config); // warm the file cache once
  console.log(
    `\n${'case'.padEnd(26)} ${'fork → ready (ms)'.padStart(18)} ${'fork → started (ms)'.padStart(20)}`,
  );
  for (const c of CASES) {
    const ready: number[] = [];
    const started: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = await once(c.config);
      ready.push(r.readyMs);
      started.push(r.startedMs);
    }
    const fmt = (xs: number[]): string =>
      `${median(xs).toFixed(0)} [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
    console.log(`${c.name.padEnd(26)} ${fmt(ready).padStart(18)} ${fmt(started).padStart(20)}`);
  }
  console.log(`\nmedian [min–max] of ${ROUNDS} processes each; load after: ${os.loadavg()[0]?.toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
