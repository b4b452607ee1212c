/** Test helper: locates the repository root (tests run from out/test/...) and reads fixture/example files. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest ancestor of this file (or the cwd) holding schemas/experiment.schema.json. */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas', 'experiment.schema.json'))) return dir;
  }
  return process.cwd();
}

/** Absolute path of a file under the repository root. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot(), ...parts);
}

/** Reads a text file under the repository root. */
export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** Experiment files (*.snn.json / *.snn.yaml) directly in a repository folder, sorted. */
export function experimentFiles(...parts: string[]): string[] {
  return readdirSync(repoPath(...parts))
    .filter((name) => /\.snn\.(jsonc?|ya?ml)$/.test(name))
    .sort()
    .map((name) => join(...parts, name));
}
