/**
 * The one place that fills the environment of VS Code's integrated terminals (the extension's
 * `environmentVariableCollection`): each feature sets its own part here (the CLI shims' folder in front of PATH;
 * PYTHONPATH and SNN_LAB_RUNS_DIR for Python scripts) instead of touching the collection itself, so one feature's
 * `clear()` never drops another's variables and two features prepending to the same variable are joined in one
 * mutator (VS Code keeps one mutator per variable). The whole collection is re-applied on every change and at every
 * activation, so the shims always point into the running extension version.
 */
import { delimiter, join } from 'node:path';
import type * as vscode from 'vscode';
import { writeShims } from './cliShim';

/** What one feature adds to the integrated terminals' environment. */
export interface TerminalEnvironmentPart {
  /** One line for VS Code's tooltip on the terminal's environment ("SNN Lab: ..."). */
  description: string;
  /** Folders put in front of a path-list variable (PATH, PYTHONPATH), first first. */
  prepend?: Record<string, string[]>;
  /** Variables set in every new terminal (replacing a value the shell had). */
  replace?: Record<string, string>;
}

/** The parts of the collection SNN Lab uses (a plain object in unit tests). */
export type TerminalCollection = Pick<
  vscode.EnvironmentVariableCollection,
  'clear' | 'prepend' | 'replace' | 'description'
>;

/** The parts of every feature, applied together to the extension's collection. */
export class TerminalEnvironment {
  private parts = new Map<string, TerminalEnvironmentPart>();

  constructor(private readonly collection: TerminalCollection) {}

  /**
   * Sets (or, with `undefined`, removes) `feature`'s part and re-applies the collection (new terminals see it).
   * Throws, changing nothing, when another feature already sets one of its `replace` variables to another value.
   */
  set(feature: string, part: TerminalEnvironmentPart | undefined): void {
    const next = new Map(this.parts);
    if (part) next.set(feature, part);
    else next.delete(feature);
    const merged = merge(next);
    this.parts = next;
    this.collection.clear();
    this.collection.description = merged.description || undefined;
    for (const [name, folders] of merged.prepend) {
      if (folders.length > 0) this.collection.prepend(name, folders.join(delimiter) + delimiter);
    }
    for (const [name, { value }] of merged.replace) this.collection.replace(name, value);
  }
}

/** One mutator per variable: prepends joined in the features' order; a variable replaced by one feature only. */
function merge(parts: Map<string, TerminalEnvironmentPart>): {
  description: string;
  prepend: Map<string, string[]>;
  replace: Map<string, { value: string; feature: string }>;
} {
  const prepend = new Map<string, string[]>();
  const replace = new Map<string, { value: string; feature: string }>();
  for (const [feature, part] of parts) {
    for (const [name, folders] of Object.entries(part.prepend ?? {})) {
      prepend.set(name, [...(prepend.get(name) ?? []), ...folders]);
    }
    for (const [name, value] of Object.entries(part.replace ?? {})) {
      const earlier = replace.get(name);
      if (earlier && earlier.feature !== feature && earlier.value !== value) {
        throw new Error(`${feature} and ${earlier.feature} both set ${name} in the terminal environment`);
      }
      replace.set(name, { value, feature });
    }
  }
  const description = [...parts.values()].map((p) => p.description).join('; ');
  return { description, prepend, replace };
}

export interface CliOnPathOptions {
  context: vscode.ExtensionContext;
  terminal: TerminalEnvironment;
  /** Node executable the shims run the CLI with (VS Code's own unless snnLab.nodePath is set). */
  nodePath: string;
  version: string;
  /** Variables the CLI should see, written into the shims (so they also hold outside VS Code's terminals). */
  cliEnv?: Record<string, string>;
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
  options.terminal.set('cli', {
    description: 'SNN Lab: the snn-lab command (CLI) on PATH',
    prepend: { PATH: [binDir] },
  });
  return binDir;
}
