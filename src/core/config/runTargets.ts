/**
 * Where code lenses go in an experiment file: the top of the file ("Run all N runs") and each variant ("Run
 * variant"). Robust on invalid text: it reads whatever parses and counts errors instead of failing.
 */
import { countRuns } from './expand';
import type { ExperimentFile } from './experimentConfig';
import { parseExperiment, type ParseResult } from './parse';
import { LineIndex } from './problem';
import { parseSource } from './sourceTree';

/** Code-lens anchors of one experiment file; every line is 0-based. */
export interface RunTargets {
  /** Line of the first top-level key (0 for an empty or broken file). */
  top: { line: number };
  /** Runs the file expands to (an estimate from what parses when the file has errors). */
  runCount: number;
  /** Number of error problems (warnings not counted). */
  problems: number;
  /** Each variant's name and the line of its key. */
  variants: { name: string; line: number }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A file whose plan has replicates or a grid: repeats, k folds, several data sets or a sweep ("Run study"). */
export function isStudy(file: ExperimentFile): boolean {
  const path: unknown = file.data.source === 'csv' ? file.data.path : undefined;
  return (
    (file.repeats ?? 1) > 1 ||
    file.data.split.folds >= 2 ||
    (Array.isArray(path) && path.length > 1) ||
    Object.keys(file.sweep ?? {}).length > 0
  );
}

/** Tolerant run count of a possibly invalid file value. */
function estimateRuns(value: unknown): number {
  if (!isRecord(value)) return 0;
  const variants = isRecord(value.variants) ? value.variants : {};
  const sweep = isRecord(value.sweep)
    ? Object.fromEntries(
        Object.entries(value.sweep)
          .filter(([k]) => k !== 'select')
          .map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
      )
    : {};
  const repeats = typeof value.repeats === 'number' ? value.repeats : 1;
  return countRuns({ variants, sweep, data: value.data, repeats } as unknown as Pick<
    ExperimentFile,
    'variants' | 'sweep' | 'data' | 'repeats'
  >);
}

/**
 * Finds the code-lens anchors of experiment text.
 * @param text the file's content (may be invalid)
 * @param fileName chooses JSONC or YAML, as in parseExperiment
 * @param parsed parseExperiment(text, fileName) when the caller has it already (the editor's parse cache)
 */
export function findRunTargets(text: string, fileName: string, parsed?: ParseResult): RunTargets {
  const index = new LineIndex(text);
  const line = (offset: number): number => index.position(offset).line - 1;
  const source = parseSource(text, fileName);
  const firstKey = source.root?.props?.values().next().value?.key;
  const variantNodes = source.root?.props?.get('variants')?.props;
  const variants = [...(variantNodes?.entries() ?? [])].map(([name, node]) => ({
    name,
    line: line(node.key?.offset ?? node.offset),
  }));
  const result = parsed ?? parseExperiment(text, fileName);
  const problems = result.problems.filter((p) => p.severity === 'error').length;
  const runCount = result.file ? countRuns(result.file) : estimateRuns(source.value);
  return { top: { line: firstKey ? line(firstKey.offset) : 0 }, runCount, problems, variants };
}
