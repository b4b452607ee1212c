// In-host tests: the extension loads in a real VS Code extension host, activates, and registers its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './util';

suite('activation', () => {
  test('the development extension is loaded by a real VS Code', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not among the loaded extensions`);
  });

  test('activate() succeeds and the extension reports itself active', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
