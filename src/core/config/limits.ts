/**
 * Bounds on experiment files that no JSON Schema keyword can state because they hold before the text is a value
 * (its size and nesting), bounds on what problems report, and the plan limits (runs per file, memory per run)
 * whose defaults are the settings declared in package.json. Value ranges live in the schema, never here.
 */
import manifest from '../../../package.json';

/** Longest experiment text parsed (characters). Real files are a few kilobytes; a 10,000-value sweep ~100 KB. */
export const MAX_TEXT_CHARS = 2_000_000;

/**
 * Deepest nesting of objects/arrays/YAML blocks accepted. The deepest setting is 5 levels
 * (variants.X.model.dropout.rate); parsers and validators recurse per level, so 10,000 levels would overflow.
 */
export const MAX_NESTING = 32;

/** Errors and warnings reported per file; the rest are counted in one closing problem. */
export const MAX_PROBLEMS = 100;

/** Longest key or value echoed in a message; longer ones are cut with "…". */
export const MAX_ECHO_CHARS = 60;

/** The per-file plan limits checked by validation (editor, CLI, extension). */
export interface PlanLimits {
  /** Most runs one file may expand to (setting snnLab.maxRunsPerFile, CLI --max-runs). */
  maxRuns: number;
  /** Memory one run may need, by estimate, in MiB (setting snnLab.memoryBudgetMB, CLI --memory-budget). */
  memoryBudgetMB: number;
}

const SETTINGS = manifest.contributes.configuration.properties;

/** The declared defaults: one source for the extension's settings and the CLI's options. */
export const DEFAULT_LIMITS: PlanLimits = {
  maxRuns: SETTINGS['snnLab.maxRunsPerFile'].default,
  memoryBudgetMB: SETTINGS['snnLab.memoryBudgetMB'].default,
};

/** The allowed range of each limit (package.json's minimum and maximum). */
export const LIMIT_RANGES: Record<keyof PlanLimits, { min: number; max: number; setting: string }> = {
  maxRuns: {
    min: SETTINGS['snnLab.maxRunsPerFile'].minimum,
    max: SETTINGS['snnLab.maxRunsPerFile'].maximum,
    setting: 'snnLab.maxRunsPerFile',
  },
  memoryBudgetMB: {
    min: SETTINGS['snnLab.memoryBudgetMB'].minimum,
    max: SETTINGS['snnLab.memoryBudgetMB'].maximum,
    setting: 'snnLab.memoryBudgetMB',
  },
};

/**
 * The widest limits the settings allow: for reading a file whose runs exist already (`snn-lab study`), where the
 * runs were started under whatever limit the user chose then.
 */
export const WIDEST_LIMITS: PlanLimits = {
  maxRuns: LIMIT_RANGES.maxRuns.max,
  memoryBudgetMB: LIMIT_RANGES.memoryBudgetMB.max,
};

/** Cuts `text` to MAX_ECHO_CHARS characters (ending in "…") so a hostile key cannot flood a message. */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
