/**
 * Creates the runs directory. When that creates SNN Lab's project folder `.snn-lab/` (the default runs directory
 * is `.snn-lab/runs`), it also writes `.snn-lab/.gitignore` holding `*`, so runs never end up in a commit by
 * accident. Written once, on first use: a user who deletes or edits it keeps their choice.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { SNN_LAB_DIR } from './runsDirectory';

export const GITIGNORE_TEXT =
  '# Written by SNN Lab when it created this folder: runs are data, not source.\n' +
  '# Delete this file to commit runs (setting snnLab.createGitignore, CLI: SNN_LAB_GITIGNORE=0).\n' +
  '*\n';

export interface RunsFolderResult {
  /** The `.gitignore` written, when this call wrote one. */
  gitignore?: string;
}

/** The `.snn-lab` folder at or above `runsDir` (the runs directory lies inside it), if any. */
function projectFolderOf(runsDir: string): string | undefined {
  for (let dir = resolve(runsDir); dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === SNN_LAB_DIR) return dir;
  }
  return undefined;
}

/** Creates `runsDir` (recursively); writes `.snn-lab/.gitignore` when it created `.snn-lab/` and `gitignore`. */
export function createRunsFolder(runsDir: string, options: { gitignore: boolean }): RunsFolderResult {
  const project = projectFolderOf(runsDir);
  const firstUse = project !== undefined && !existsSync(project);
  mkdirSync(runsDir, { recursive: true });
  if (!firstUse || !options.gitignore) return {};
  const gitignore = resolve(project, '.gitignore');
  writeFileSync(gitignore, GITIGNORE_TEXT, { flag: 'wx' });
  return { gitignore };
}

/** The CLI's switch for the `.gitignore` (the extension's is the setting snnLab.createGitignore). */
export function gitignoreFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.SNN_LAB_GITIGNORE !== '0';
}
