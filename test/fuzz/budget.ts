/**
 * The fuzz tier's runner for fast-check properties: cases run until a wall-clock budget is spent, but at least a
 * stated minimum must run (a slower machine fails the test instead of silently testing less); every case has a
 * deadline; the process's peak resident memory is measured and bounded; a failure is shrunk (within the budget)
 * and reported with the seed and path that replay it. Environment: SNN_FUZZ_SEED (seed), SNN_FUZZ_MS (budget per
 * target), SNN_FUZZ_PATH (replay one shrunk case; needs its seed).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';

/** The tier's fixed default seed (CI is reproducible); any other seed explores new cases. */
export const FUZZ_SEED = Number(process.env.SNN_FUZZ_SEED ?? 20261207);

export interface FuzzTarget {
  /** Name in the report line and the replay hint, e.g. "experiment files". */
  name: string;
  /** The compiled test file, for the replay command (out/test/fuzz/<file>). */
  file: string;
  /** Default wall-clock budget of the case loop (SNN_FUZZ_MS overrides it). */
  budgetMs: number;
  /** Cases that must run within the budget, or the test fails. */
  minCases: number;
  /** Bound on the test process's peak resident set (MiB), measured by the kernel (getrusage ru_maxrss). */
  maxPeakRssMiB: number;
}

export interface FuzzReport {
  cases: number;
  seconds: number;
  casesPerSecond: number;
  peakRssMiB: number;
}

/** Peak resident set of this process so far, MiB (ru_maxrss, in KiB on Linux). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Writes the shrunk case to test-artifacts/fuzz/ (git-ignored) and returns its path. */
function saveCounterexample(target: FuzzTarget, seed: number, counterexample: unknown): string {
  const dir = join(process.cwd(), 'test-artifacts', 'fuzz');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${target.file.replace(/\.test\.js$/, '')}-${seed}.txt`);
  writeFileSync(path, fc.stringify(counterexample));
  return path;
}

/**
 * The case last started: fast-check's time limit resolves the check without waiting for it, and it may still hold
 * stdout or files, so runFuzz waits for it before reporting.
 */
let inFlight: Promise<unknown> = Promise.resolve();

/** Wraps a case body: the case fails when it takes longer than `deadlineMs` (a hang past it fails the tier). */
export function withDeadline<Ts extends unknown[]>(
  deadlineMs: number,
  body: (...args: Ts) => Promise<void>,
): (...args: Ts) => Promise<void> {
  return async (...args: Ts) => {
    const started = performance.now();
    const run = body(...args);
    inFlight = run.catch(() => undefined);
    await run;
    const ms = performance.now() - started;
    if (ms > deadlineMs) throw new Error(`the case took ${ms.toFixed(0)} ms (deadline ${deadlineMs} ms)`);
  };
}

/**
 * Checks `property` until the budget is spent, then asserts the minimum number of cases and the memory bound.
 * Returns the figures for the tier's report line (also printed as a `#` line).
 */
export async function runFuzz<Ts>(property: fc.IAsyncProperty<Ts>, target: FuzzTarget): Promise<FuzzReport> {
  const budgetMs = Number(process.env.SNN_FUZZ_MS ?? target.budgetMs);
  const path = process.env.SNN_FUZZ_PATH;
  const started = performance.now();
  const details = await fc.check(property, {
    seed: FUZZ_SEED,
    numRuns: path ? 1 : 1_000_000,
    ...(path ? { path } : {}),
    plugins: [fc.interruptAfterTimeLimit(budgetMs)],
  });
  await inFlight;
  const seconds = (performance.now() - started) / 1000;
  if (details.failed && details.counterexample !== null) {
    const replay =
      `SNN_FUZZ_SEED=${details.seed} SNN_FUZZ_PATH=${details.counterexamplePath} ` +
      `node --test out/test/fuzz/${target.file}`;
    const saved = saveCounterexample(target, details.seed, details.counterexample);
    const report = fc.defaultReportMessage(details) ?? '';
    const shown = report.length > 3_000 ? `${report.slice(0, 3_000)}… (cut; whole case in ${saved})` : report;
    throw new Error(`fuzz ${target.name} failed; replay: ${replay}\n${shown}`, {
      cause: details.errorInstance,
    });
  }
  const report: FuzzReport = {
    cases: details.numRuns,
    seconds,
    casesPerSecond: details.numRuns / seconds,
    peakRssMiB: peakRssMiB(),
  };
  console.log(
    `# fuzz ${target.name}: ${report.cases} cases in ${seconds.toFixed(1)} s ` +
      `(${report.casesPerSecond.toFixed(1)}/s), peak RSS ${report.peakRssMiB.toFixed(0)} MiB ` +
      `(bound ${target.maxPeakRssMiB}), seed ${details.seed}`,
  );
  if (!path) {
    assert.ok(
      report.cases >= target.minCases,
      `only ${report.cases} cases ran in ${budgetMs} ms (at least ${target.minCases} required): a case got slow`,
    );
  }
  assert.ok(
    report.peakRssMiB <= target.maxPeakRssMiB,
    `peak resident memory ${report.peakRssMiB.toFixed(0)} MiB is above the bound ${target.maxPeakRssMiB} MiB`,
  );
  return report;
}
