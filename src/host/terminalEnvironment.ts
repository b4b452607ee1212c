/**
 * The one place that fills the environment of VS Code's integrated terminals (the extension's
 * `environmentVariableCollection`): the folder of the `snn-lab` CLI shims in front of PATH, plus any variables
 * other features add (they pass them here rather than touching the collection themselves: one mutator per
 * variable, and `clear()` here would drop theirs). Re-applied at every activation, so the shims always point into
 * the running extension version.
 */
import { delimiter, join } from 'node:path';
import type * as vscode from 'vscode';
import { writeShims } from './cliShim';

export interface TerminalEnvironment {
  /** Folders put in front of PATH, first first. */
  path: string[];
  /** Variables set in every new terminal (replacing a value the shell had). */
  variables: Record<string, string>;
}

/** Replaces the collection's content by `env` (a variable no longer listed is removed from new terminals). */
export function applyTerminalEnvironment(
  collection: vscode.GlobalEnvironmentVariableCollection,
  env: TerminalEnvironment,
): void {
  collection.clear();
  collection.description = 'SNN Lab: the snn-lab command (CLI) on PATH';
  if (env.path.length > 0) collection.prepend('PATH', env.path.join(delimiter) + delimiter);
  for (const [name, value] of Object.entries(env.variables)) collection.replace(name, value);
}

export interface CliOnPathOptions {
  context: vscode.ExtensionContext;
  /** Node executable the shims run the CLI with (VS Code's own unless snnLab.nodePath is set). */
  nodePath: string;
  version: string;
  /** Variables the CLI should see, written into the shims (so they also hold outside VS Code's terminals). */
  cliEnv?: Record<string, string>;
  /** More terminal variables from other features. */
  variables?: Record<string, string>;
}

/** Writes the shims into `<global storage>/bin` and puts that folder on the terminals' PATH; returns the folder. */
export function putCliOnPath(options: CliOnPathOptions): string {
  const binDir = join(options.context.globalStorageUri.fsPath, 'bin');
  writeShims(binDir, {
    nodePath: options.nodePath,
    cliPath: options.context.asAbsolutePath(join('dist', 'cli.js')),
    version: options.version,
    ...(options.cliEnv ? { env: options.cliEnv } : {}),
  });
  applyTerminalEnvironment(options.context.environmentVariableCollection, {
    path: [binDir],
    variables: options.variables ?? {},
  });
  return binDir;
}
