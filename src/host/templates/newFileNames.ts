/**
 * Names for "New Experiment": a file name no experiment in the folder uses (no `<stem>.snn.{json,yaml,yml}` and
 * no experiment declaring `name: <stem>`), the new file's experiment name set to its file stem, and the file that
 * already uses an experiment name (runs are named after it, so two such files would mix their runs). vscode-free.
 */
import { fixEdits, applyEdits } from '../../core/config/applyFix';
import { defaultName } from '../../core/config/parse';
import { parseSource } from '../../core/config/sourceTree';
import { isExperimentFile } from '../contributionIds';

/** A file of the folder: its base name and text. */
export interface FolderFile {
  fileName: string;
  text: string;
}

/** The experiment name of a file: its `name`, else the one implied by its file name. */
export function experimentName(file: FolderFile): string {
  const value = parseSource(file.text, file.fileName).value as { name?: unknown } | undefined;
  return typeof value?.name === 'string' && value.name.trim() !== ''
    ? value.name
    : defaultName(file.fileName);
}

/** The first experiment file among `files` whose experiment name is `name` (other than `except`). */
export function nameClash(files: readonly FolderFile[], name: string, except?: string): string | undefined {
  return files.find(
    (f) => f.fileName !== except && isExperimentFile(f.fileName) && experimentName(f) === name,
  )?.fileName;
}

/** `proposed` (e.g. depth-sweep.snn.json), or depth-sweep-2.snn.json, -3, … whichever no file or name uses. */
export function freeFileName(files: readonly FolderFile[], proposed: string): string {
  const stem = defaultName(proposed);
  const taken = new Set<string>();
  for (const f of files) {
    if (!isExperimentFile(f.fileName)) continue;
    taken.add(defaultName(f.fileName));
    taken.add(experimentName(f));
  }
  const names = new Set(files.map((f) => f.fileName.toLowerCase()));
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? stem : `${stem}-${i}`;
    const fileName = `${candidate}.snn.json`;
    if (!taken.has(candidate) && !names.has(fileName.toLowerCase())) return fileName;
  }
}

/** The template text with its experiment name set to `name` (comments and layout kept). */
export function withExperimentName(text: string, name: string): string {
  return applyEdits(text, fixEdits(text, 'new.snn.json', { title: 'name', path: ['name'], value: name }));
}
