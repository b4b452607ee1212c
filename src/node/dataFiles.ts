/**
 * The data files an experiment names, checked before any run starts: CSV paths (one, a list, or a glob in the
 * file-name part such as "uci/*.csv", expanded here in sorted order) and the four files of an idx source. A missing
 * file or an empty glob is a problem at the key that names it.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, posix, resolve } from 'node:path';
import type { ExperimentFile } from '../core/config/experimentConfig';
import { problemAt } from '../core/config/parse';
import type { Problem } from '../core/config/problem';

const GLOB = /[*?[]/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A file-name pattern (*, ?, [abc]) as a regular expression. */
function patternRegex(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[' || ch === ']') source += ch;
    else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The files a glob matches (wildcards in the last segment only), as paths written like the pattern, sorted. */
export async function expandGlob(pattern: string, baseDir: string): Promise<string[]> {
  const slash = pattern.lastIndexOf('/');
  const dirPart = slash >= 0 ? pattern.slice(0, slash) : '';
  const namePart = pattern.slice(slash + 1);
  const regex = patternRegex(namePart);
  const dir = resolve(baseDir, dirPart || '.');
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && regex.test(e.name))
    .map((e) => (dirPart ? posix.join(dirPart, e.name) : e.name))
    .sort();
}

/**
 * Why `path` is not a regular file, as the end of a message about a `what` file ("CSV file not found", "CSV path
 * is a directory, not a file"), or undefined when it is one. stat follows links and never opens the file, so a FIFO
 * cannot make validation wait.
 */
async function notAFile(path: string, what: string): Promise<string | undefined> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error.code ?? 'error');
  if (typeof info === 'string') {
    if (info === 'ENOENT' || info === 'ENOTDIR') return `${what} file not found`;
    return info === 'ELOOP'
      ? `${what} path is a loop of symbolic links`
      : `${what} file cannot be read (${info})`;
  }
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return `${what} path is a directory, not a file`;
  return `${what} path is ${info.isFIFO() ? 'a FIFO (named pipe), not a file' : 'not a regular file'}`;
}

/** Places where the file value names data: the base data section and each variant's. */
function dataSections(file: ExperimentFile): { at: (string | number)[]; data: Record<string, unknown> }[] {
  const sections: { at: (string | number)[]; data: Record<string, unknown> }[] = [
    { at: ['data'], data: file.data as unknown as Record<string, unknown> },
  ];
  for (const [name, override] of Object.entries(file.variants)) {
    if (isRecord(override) && isRecord(override.data)) {
      sections.push({ at: ['variants', name, 'data'], data: override.data });
    }
  }
  return sections;
}

/**
 * Expands CSV globs (in place, in `file`) and checks that every named data file exists.
 * @returns problems at the data.path (or idx file) keys, empty when every file is there
 */
export async function resolveDataFiles(file: ExperimentFile, path: string, text: string): Promise<Problem[]> {
  const baseDir = dirname(path);
  const problems: Problem[] = [];
  const fail = (at: (string | number)[], message: string, code = 'missing-file'): void => {
    problems.push(problemAt(text, path, at, message, code));
  };
  for (const { at, data } of dataSections(file)) {
    const source = data.source ?? (at.length === 1 ? undefined : file.data.source);
    if (source === 'idx') {
      const dir = typeof data.path === 'string' ? data.path : '.';
      for (const part of ['train', 'test'] as const) {
        const files = isRecord(data[part]) ? data[part] : undefined;
        for (const kind of ['images', 'labels'] as const) {
          const name = files?.[kind];
          if (typeof name !== 'string') continue;
          const target = resolve(baseDir, dir, name);
          const why = await notAFile(target, `IDX ${part} ${kind}`);
          if (why !== undefined) fail([...at, part, kind], `${why}: ${target}`);
        }
      }
      continue;
    }
    if (source !== 'csv' || data.path === undefined) continue;
    const written = Array.isArray(data.path) ? (data.path as string[]) : [data.path as string];
    const expanded: string[] = [];
    for (const [i, entry] of written.entries()) {
      const where = Array.isArray(data.path) ? [...at, 'path', i] : [...at, 'path'];
      if (GLOB.test(entry)) {
        const matches = await expandGlob(entry, baseDir);
        if (matches.length === 0) {
          fail(
            where,
            `No CSV file matches "${entry}" (in ${resolve(baseDir, entry.includes('/') ? entry.slice(0, entry.lastIndexOf('/')) : '.')})`,
            'empty-glob',
          );
        }
        expanded.push(...matches);
        continue;
      }
      const target = resolve(baseDir, entry);
      const why = await notAFile(target, 'CSV');
      if (why !== undefined) fail(where, `${why}: ${target}`);
      expanded.push(entry);
    }
    if (Array.isArray(data.path) || expanded.length !== 1 || expanded[0] !== data.path) {
      data.path = [...new Set(expanded)];
    }
  }
  return problems;
}
