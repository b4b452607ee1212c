/**
 * Diagnostics for experiment files: one Problem per error or warning, with a precise source range, plus helpers
 * to turn character offsets into 1-based line:col positions. Pure: no Node, no vscode.
 */

/**
 * A machine-readable quick fix at `path` (a JSON path into the file): set the value there to `value`, or, with
 * `renameTo`, rename the key the path ends in (a "Did you mean" suggestion for a misspelt key).
 */
export interface ProblemFix {
  title: string;
  path: (string | number)[];
  value?: unknown;
  renameTo?: string;
}

/** One diagnostic in an experiment file. Lines and columns are 1-based; offsets are 0-based char offsets. */
export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  offset: number;
  length: number;
  /** Stable identifier of the kind of problem, e.g. 'unknown-key', 'selu-init'. */
  code?: string;
  fix?: ProblemFix;
}

/** Maps character offsets of one text to 1-based line/column positions. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  position(offset: number): { line: number; col: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: at - (this.starts[low] ?? 0) + 1 };
  }

  /** Builds a Problem covering [offset, offset + length), clamped to the text. */
  problem(
    severity: Problem['severity'],
    message: string,
    offset: number,
    length: number,
    extra: { code?: string; fix?: ProblemFix } = {},
  ): Problem {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const size = Math.max(0, Math.min(length, this.text.length - at));
    const start = this.position(at);
    const end = this.position(at + size);
    return {
      severity,
      message,
      line: start.line,
      col: start.col,
      endLine: end.line,
      endCol: end.col,
      offset: at,
      length: size,
      ...extra,
    };
  }
}

/** Orders problems by position, then errors before warnings, and drops exact duplicates. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.offset - b.offset || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
    .filter((p) => {
      const key = `${p.severity}|${p.offset}|${p.length}|${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
