// The `snn-lab` shims of the integrated terminals: the POSIX one is run for real under sh and bash (arguments
// with spaces and quotes, exit codes, variables); the cmd.exe one (Windows, also used by PowerShell) is checked as
// text, since no Windows shell runs here.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { cmdQuote, cmdShim, posixShim, shQuote, writeShims } from '../../../src/host/cliShim';

const dirs: string[] = [];
const scratch = (name = 'snn-shim-'): string => {
  const dir = mkdtempSync(join(tmpdir(), name));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in CLI that prints what it received and exits with the code given as its first argument. */
function fakeCli(dir: string): string {
  const path = join(dir, "it's a cli.js");
  writeFileSync(
    path,
    `const [code, ...args] = process.argv.slice(2);
     console.log(JSON.stringify({ args, electron: process.env.ELECTRON_RUN_AS_NODE, extra: process.env.SNN_LAB_X }));
     process.exit(Number(code));`,
  );
  return path;
}

test('the POSIX shim runs the CLI with VS Code’s Node under sh and bash, passing arguments and exit codes', () => {
  const dir = scratch("snn shim's dir ");
  const cliPath = fakeCli(dir);
  const [shim] = writeShims(join(dir, 'bin'), {
    nodePath: process.execPath,
    cliPath,
    version: '9.9.9',
    env: { SNN_LAB_X: "a b 'c'" },
  });
  assert.ok(shim && (statSync(shim).mode & 0o111) !== 0, 'executable');
  for (const shell of ['/bin/sh', '/bin/bash'].filter(existsSync)) {
    const r: SpawnSyncReturns<string> = spawnSync(shell, ['-c', `"${shim}" 3 --version "two words" "it's"`], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 3, `${shell}: the CLI's exit code comes back (${r.stderr})`);
    assert.deepEqual(JSON.parse(r.stdout), {
      args: ['--version', 'two words', "it's"],
      electron: '1',
      extra: "a b 'c'",
    });
  }
  // Run directly (as a terminal does, through the #! line), not only through a shell.
  const direct = spawnSync(shim as string, ['0'], { encoding: 'utf8' });
  assert.equal(direct.status, 0, direct.stderr);
  assert.match(readFileSync(shim as string, 'utf8'), /^#!\/bin\/sh\n# snn-lab: the SNN Lab 9\.9\.9 CLI/);
});

test('the cmd.exe shim (Windows: cmd and PowerShell): quoted paths, % doubled, local variables, %*', () => {
  const text = cmdShim({
    nodePath: 'C:\\Program Files\\Microsoft VS Code\\Code.exe',
    cliPath: 'C:\\Users\\Ada 100%\\.vscode\\extensions\\snn-lab.snn-lab-0.2.0\\dist\\cli.js',
    version: '0.2.0',
    env: { SNN_LAB_NATIVE_MODULES: 'C:\\Users\\Ada 100%\\AppData\\native' },
  });
  const lines = text.split('\r\n');
  assert.ok(!/[^\r]\n/.test(text), 'CRLF line ends only');
  assert.equal(lines[0], '@echo off');
  assert.ok(lines.includes('setlocal'), 'variables do not leak into the calling cmd session');
  assert.ok(lines.includes('set "ELECTRON_RUN_AS_NODE=1"'));
  assert.ok(lines.includes('set "SNN_LAB_NATIVE_MODULES=C:\\Users\\Ada 100%%\\AppData\\native"'));
  assert.equal(
    lines.at(-2),
    '"C:\\Program Files\\Microsoft VS Code\\Code.exe" ' +
      '"C:\\Users\\Ada 100%%\\.vscode\\extensions\\snn-lab.snn-lab-0.2.0\\dist\\cli.js" %*',
  );
  assert.equal(lines.at(-1), '', 'ends with a line break');
  assert.throws(() => cmdQuote('C:\\a"b'), /cannot pass/);
  assert.throws(
    () => cmdShim({ nodePath: 'n', cliPath: 'c', version: '1', env: { 'BAD NAME': 'x' } }),
    /not an/,
  );
});

test('macOS paths (spaces, parentheses) are single-quoted for sh; Windows gets both shims, POSIX one', () => {
  const node =
    '/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)';
  const text = posixShim({
    nodePath: node,
    cliPath: '/Users/ada/.vscode/extensions/x/dist/cli.js',
    version: '1',
  });
  assert.ok(text.includes(`exec ${shQuote(node)} '/Users/ada/.vscode/extensions/x/dist/cli.js' "$@"`), text);
  assert.equal(shQuote("it's"), `'it'\\''s'`);
  const dir = scratch();
  const win = writeShims(dir, { nodePath: 'C:\\node.exe', cliPath: 'C:\\cli.js', version: '1' }, 'win32');
  assert.deepEqual(
    win.map((f) => f.slice(dir.length + 1)),
    ['snn-lab', 'snn-lab.cmd'],
  );
  const linux = writeShims(scratch(), { nodePath: '/n', cliPath: '/c', version: '1' }, 'linux');
  assert.equal(linux.length, 1);
});
