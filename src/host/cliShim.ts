/**
 * The `snn-lab` command of VS Code's integrated terminals: small launcher scripts ("shims") that run the bundled
 * CLI (dist/cli.js) on VS Code's own Node (`ELECTRON_RUN_AS_NODE=1` makes the Electron binary behave as Node), so
 * an installed user needs no Node of their own. A POSIX shell script (Linux, macOS, Git Bash) and a `.cmd` file
 * (cmd.exe and PowerShell, which finds `.cmd` through PATHEXT; no `.ps1`, which PowerShell's default execution
 * policy would block). vscode-free: the texts are unit-tested for every shell.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SHIM_NAME = 'snn-lab';

export interface ShimInput {
  /** The Node (or Electron) executable: VS Code's `process.execPath`, or the snnLab.nodePath setting. */
  nodePath: string;
  /** Absolute path of dist/cli.js in the installed extension. */
  cliPath: string;
  /** SNN Lab's version, for the header comment. */
  version: string;
  /** More variables the CLI should see (e.g. where the native backend is installed). */
  env?: Readonly<Record<string, string>>;
}

/** Single-quotes a word for POSIX sh (an embedded ' becomes '\''). */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Double-quotes a word for cmd.exe: `%` doubled (else expanded as a variable); `"` cannot occur in paths. */
export function cmdQuote(word: string): string {
  if (/["\r\n]/.test(word)) throw new Error(`cannot pass ${JSON.stringify(word)} through cmd.exe`);
  return `"${word.replace(/%/g, '%%')}"`;
}

function checkName(name: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${name}`);
  return name;
}

/** The POSIX shell shim (`#!/bin/sh`, executable). */
export function posixShim(input: ShimInput): string {
  const variables = Object.entries({ ELECTRON_RUN_AS_NODE: '1', ...input.env })
    .map(([name, value]) => `${checkName(name)}=${shQuote(value)}`)
    .join(' ');
  return [
    '#!/bin/sh',
    `# snn-lab: the SNN Lab ${input.version} CLI on VS Code's own Node. Written by the SNN Lab extension at`,
    '# every start (so it follows extension updates); edits are overwritten.',
    `${variables} exec ${shQuote(input.nodePath)} ${shQuote(input.cliPath)} "$@"`,
    '',
  ].join('\n');
}

/** The Windows shim for cmd.exe and PowerShell (CRLF line ends; variables stay local to the script). */
export function cmdShim(input: ShimInput): string {
  const variables = Object.entries({ ELECTRON_RUN_AS_NODE: '1', ...input.env }).map(
    ([name, value]) => `set "${checkName(name)}=${value.replace(/%/g, '%%')}"`,
  );
  if (Object.values(input.env ?? {}).some((v) => /["\r\n]/.test(v))) {
    throw new Error('environment values for the cmd shim cannot contain quotes or newlines');
  }
  return [
    '@echo off',
    `rem snn-lab: the SNN Lab ${input.version} CLI on VS Code's own Node. Written by the SNN Lab extension at`,
    'rem every start (so it follows extension updates); edits are overwritten.',
    'setlocal',
    ...variables,
    `${cmdQuote(input.nodePath)} ${cmdQuote(input.cliPath)} %*`,
    '',
  ].join('\r\n');
}

/**
 * Writes the shims into `binDir` (created if needed), each through a temporary file and a rename so a terminal
 * never runs a half-written script. Windows gets both (Git Bash uses the POSIX one). Returns the written paths.
 */
export function writeShims(binDir: string, input: ShimInput, platform = process.platform): string[] {
  mkdirSync(binDir, { recursive: true });
  const files: [string, string, number][] = [[SHIM_NAME, posixShim(input), 0o755]];
  if (platform === 'win32') files.push([`${SHIM_NAME}.cmd`, cmdShim(input), 0o644]);
  return files.map(([name, text, mode]) => {
    const target = join(binDir, name);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, text, { mode });
    chmodSync(temp, mode);
    renameSync(temp, target);
    return target;
  });
}
