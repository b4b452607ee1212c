// In-host test of the CLI on PATH: a new integrated terminal runs `snn-lab --version` through the shim SNN Lab
// writes at activation (VS Code's own Node, ELECTRON_RUN_AS_NODE=1) and prints the extension's version.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, api, waitFor, workspaceRoot, wsUri } from './util';

suite('terminal', () => {
  test('`snn-lab --version` works in an integrated terminal (the CLI shim is on its PATH)', async () => {
    await api();
    const version = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { version: string })
      .version;
    const out = wsUri('snn-lab-version.txt').fsPath;
    rmSync(out, { force: true });
    const terminal = vscode.window.createTerminal({ name: 'snn-lab e2e', cwd: workspaceRoot() });
    try {
      // As a person would type it; the second command shows which snn-lab the shell found.
      terminal.sendText(
        `snn-lab --version > '${out}.part' 2>&1; command -v snn-lab >> '${out}.part'; mv '${out}.part' '${out}'`,
      );
      const lines = await waitFor(
        'the terminal to write the output of snn-lab --version',
        () => existsSync(out) && readFileSync(out, 'utf8').trim().split('\n'),
        60_000,
      );
      assert.equal(lines[0], version, `snn-lab --version printed: ${lines.join(' | ')}`);
      assert.match(lines[1] ?? '', /[\\/]bin[\\/]snn-lab$/, 'found through the shim folder on PATH');
    } finally {
      terminal.dispose();
      rmSync(out, { force: true });
    }
  });
});
