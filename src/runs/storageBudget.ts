/**
 * How much a run may write to its series files, and which records it keeps once that would be exceeded: the
 * statistics (layers.jsonl) and the loss reports (progress lines of metrics.jsonl) are thinned to every n-th record
 * so a file stays under its budget, whatever the depth, bins, cadence or length of the run. Pure: unit-tested.
 */

import manifest from '../../package.json';

/** Byte budgets of one run's series files. */
export interface StorageBudget {
  /** layers.jsonl (per-layer statistics). */
  layersBytes: number;
  /** metrics.jsonl (progress reports; epoch records are always kept). */
  metricsBytes: number;
}

const MB = 1024 * 1024;

interface DeclaredBudget {
  default: number;
  minimum: number;
  maximum: number;
}

/** Bounds and default of the statistics budget in MB: declared once, by the setting `snnLab.statsBudgetMB`. */
export const STATS_BUDGET_MB: DeclaredBudget =
  manifest.contributes.configuration.properties['snnLab.statsBudgetMB'];

/** Statistics budget in MB -> the budgets of both series files (loss reports get a quarter, at least 4 MB). */
function budgetOf(megabytes: number): StorageBudget {
  return { layersBytes: megabytes * MB, metricsBytes: Math.max(4 * MB, (megabytes * MB) / 4) };
}

/** Defaults: far above a normal run (a depth-32 net reporting every step for 1,000 steps writes ~45 MB). */
export const DEFAULT_STORAGE_BUDGET: StorageBudget = budgetOf(STATS_BUDGET_MB.default);

/**
 * Parses a statistics budget in MB (setting, option or SNN_LAB_STATS_BUDGET_MB); throws an Error naming `what`
 * and the accepted range when it is not an integer in range. The metrics budget is a quarter of it.
 */
export function parseStatsBudgetMb(value: unknown, what: string): StorageBudget {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (
    typeof number !== 'number' ||
    !Number.isInteger(number) ||
    number < STATS_BUDGET_MB.minimum ||
    number > STATS_BUDGET_MB.maximum
  ) {
    throw new Error(
      `${what} must be a whole number of MB from ${STATS_BUDGET_MB.minimum} to ${STATS_BUDGET_MB.maximum}, got ${JSON.stringify(value)?.slice(0, 40)}`,
    );
  }
  return budgetOf(number);
}

/**
 * Keeps every `stride`-th record of one file. The stride is planned from the first record (its size times the
 * number of reports the run will make, aiming at 90 % of the budget), and doubles whenever the file passes
 * 90 %, 95 %, 97.5 %, … of the budget anyway; a record that would pass the budget is never written.
 */
export class RecordThinner {
  private stride = 1;
  private seen = 0;
  private level = 0;
  private bytes: number;

  constructor(
    private readonly budgetBytes: number,
    initialBytes = 0,
  ) {
    this.bytes = initialBytes;
  }

  /** Every how many records one is kept (1: all). */
  get every(): number {
    return this.stride;
  }

  /** Bytes written to the file so far. */
  get written(): number {
    return this.bytes;
  }

  /** Sets the stride from an estimate: `records` more records of about `recordBytes` each. */
  plan(records: number, recordBytes: number): void {
    const room = Math.max(1, 0.9 * this.budgetBytes - this.bytes);
    const stride = Math.ceil((records * recordBytes) / room);
    if (Number.isFinite(stride) && stride > this.stride) this.stride = stride;
  }

  /** Whether the next record (of `lineBytes`) is stored: every stride-th one, never past the budget. */
  admit(lineBytes: number): boolean {
    if (this.seen++ % this.stride !== 0) return false;
    return this.bytes + lineBytes <= this.budgetBytes;
  }

  /** Accounts for a written record; raises the stride when the file nears its budget. */
  wrote(bytes: number): void {
    this.bytes += bytes;
    while (this.bytes > this.budgetBytes * (1 - 0.1 * 2 ** -this.level) && this.level < 40) {
      this.level++;
      this.stride *= 2;
    }
  }
}

/** Environment variable holding the statistics budget in MB for CLI runs and Slurm array tasks. */
export const STATS_BUDGET_ENV = 'SNN_LAB_STATS_BUDGET_MB';

/**
 * The storage budget of CLI runs: the `--stats-budget-mb` option wins, then $SNN_LAB_STATS_BUDGET_MB, else the
 * default. Throws an Error naming the option or variable when its value is out of range.
 */
export function budgetFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): StorageBudget {
  if (option !== undefined) return parseStatsBudgetMb(option, '--stats-budget-mb');
  const value = env[STATS_BUDGET_ENV];
  if (value !== undefined && value !== '') return parseStatsBudgetMb(value, `$${STATS_BUDGET_ENV}`);
  return DEFAULT_STORAGE_BUDGET;
}
