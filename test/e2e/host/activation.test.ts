// In-host tests: the extension loads in a real VS Code extension host, activates, and registers every command
// its manifest contributes (a command in package.json without a handler would fail only when a user clicks it).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, api, waitFor } from './util';

suite('activation', () => {
  test('the development extension is loaded by a real VS Code', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.ok(
      vscode.extensions.getExtension(EXTENSION_ID),
      `${EXTENSION_ID} is not among the loaded extensions`,
    );
  });

  test('activate() succeeds and returns the run services', async () => {
    const snn = await api();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(typeof snn.runs.whenDone, 'function');
    assert.ok(snn.store.root.length > 0, 'the run store has a root directory');
  });

  test('every command contributed in package.json is registered', async () => {
    await api();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { commands: { command: string }[] };
    };
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 10, `expected the snnLab.* commands, got ${contributed.length}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});

suite('views', () => {
  test('Open Theory Explorer opens the dashboard as a webview editor tab', async () => {
    await api();
    await vscode.commands.executeCommand('snnLab.openTheoryExplorer');
    const tab = await waitFor('a dashboard webview tab', () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find(
          (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('snnLab.dashboard'),
        ),
    );
    assert.equal(tab.label, 'SNN Lab Dashboard');
    await vscode.window.tabGroups.close(tab);
  });
});
