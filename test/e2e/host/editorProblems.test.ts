// In-host tests of problems in experiment files as VS Code shows them: one report per problem although VS Code's
// JSON service reads *.snn.json files too (it still gives completion and hovers), "Did you mean" suggestions as
// quick fixes in JSON and YAML, and the "Fix N problems" lens leaving the cursor on the problem in the editor.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { api, open, waitFor, wsUri } from './util';

const TYPO_JSON = [
  '{',
  '  "name": "typo",',
  '  "data": { "source": "synthetic", "kind": "moons", "samples": 200 },',
  '  "model": { "depth": 2, "width": 8, "activaton": "selu" },',
  '  "train": { "epochs": 1 }',
  '}',
  '',
].join('\n');

/** Writes a workspace file and opens it in an editor. */
async function write(name: string, text: string): Promise<vscode.TextDocument> {
  writeFileSync(wsUri(name).fsPath, text);
  return open(name);
}

/** Completion labels the providers (here: the JSON service with our schema) offer at a position. */
async function completions(uri: vscode.Uri, at: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    uri,
    at,
  );
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider',
    uri,
  );
  return (found ?? []).flatMap((l) => (l.command ? [l.command.title] : []));
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return actions ?? [];
}

suite('experiment problems in the editor', () => {
  suiteSetup(async () => {
    await api();
  });

  test('a misspelt key in a .snn.json file is reported once (the JSON service still completes and hovers)', async () => {
    const doc = await write('typo-once.snn.json', TYPO_JSON);
    const line = 3;
    const keyAt = new vscode.Position(line, doc.lineAt(line).text.indexOf('"activaton"') + 1);
    // The JSON service has our (editor) schema for this file: it proposes the model's keys and describes them.
    const labels = await waitFor('JSON completion from the SNN Lab schema', async () => {
      const found = await completions(doc.uri, keyAt);
      return found.some((l) => /activation/.test(l)) ? found : undefined;
    });
    assert.ok(
      labels.some((l) => /normalization/.test(l)),
      labels.join(', '),
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(line, doc.lineAt(line).text.indexOf('"depth"') + 2),
    );
    const hoverText = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join(' ');
    assert.match(hoverText, /hidden layers/i);
    // Ours arrives; then give the JSON service time to validate too: still exactly one report.
    await waitFor('the SNN Lab diagnostic', () =>
      vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === 'SNN Lab'),
    );
    await new Promise((r) => setTimeout(r, 3000));
    const all = vscode.languages.getDiagnostics(doc.uri);
    assert.equal(all.length, 1, all.map((d) => `${d.source}: ${d.message}`).join(' | '));
    assert.match(all[0]!.message, /Unknown property "activaton" in model\. Did you mean "activation"\?/);
    assert.ok((await lensTitles(doc.uri)).some((t) => /Fix 1 problem$/.test(t)));
  });

  test('a JSON syntax error is reported once, by the JSON service', async () => {
    const doc = await write('syntax-once.snn.json', TYPO_JSON.replace('"typo",', '"typo"'));
    const all = await waitFor('a syntax diagnostic', () => {
      const found = vscode.languages.getDiagnostics(doc.uri);
      return found.length > 0 ? found : undefined;
    });
    await new Promise((r) => setTimeout(r, 2000));
    const after = vscode.languages.getDiagnostics(doc.uri);
    assert.equal(after.length, 1, after.map((d) => `${d.source}: ${d.message}`).join(' | '));
    assert.notEqual(all[0]!.source, 'SNN Lab');
    assert.ok((await lensTitles(doc.uri)).some((t) => /Fix 1 problem$/.test(t)));
  });

  for (const [name, text, bad, good] of [
    ['fix-key.snn.json', TYPO_JSON, '"activaton"', '"activation"'],
    [
      'fix-value.snn.yaml',
      'data: { source: synthetic, kind: moons, samples: 200 }\nmodel:\n  depth: 2\n  init: lecun_norml\n',
      'lecun_norml',
      'lecun_normal',
    ],
    [
      'fix-sweep.snn.yaml',
      'data: { source: synthetic, kind: moons, samples: 200 }\nsweep:\n  model.dept: [2, 3]\n',
      'model.dept',
      'model.depth',
    ],
  ] as const) {
    test(`${name}: the "Did you mean" suggestion is a quick fix that corrects the file`, async () => {
      const doc = await write(name, text);
      const start = doc.positionAt(text.indexOf(bad));
      const range = new vscode.Range(start, start.translate(0, bad.length));
      await waitFor('the SNN Lab diagnostic', () =>
        vscode.languages.getDiagnostics(doc.uri).some((d) => /Did you mean/.test(d.message)),
      );
      const actions = await quickFixes(doc.uri, range);
      const fix = actions.find((a) => a.title.includes(good));
      assert.ok(fix?.edit, `no quick fix with ${good}: ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(doc.getText(), text.replace(bad, good));
      await waitFor('no problem left', () => vscode.languages.getDiagnostics(doc.uri).length === 0);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });
  }

  test('"Fix N problems" puts the cursor on the first error in the editor, not in the Problems panel', async () => {
    const doc = await write('lens-focus.snn.json', TYPO_JSON);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('snnLab.showProblems', doc.uri);
    const editor = await waitFor('the file in the active editor', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath === doc.uri.fsPath
        ? vscode.window.activeTextEditor
        : undefined,
    );
    const expected = doc.positionAt(TYPO_JSON.indexOf('"activaton"'));
    assert.ok(
      editor.selection.active.isEqual(expected),
      `cursor at ${JSON.stringify(editor.selection.active)}`,
    );
    await vscode.commands.executeCommand('hideCodeActionWidget');
  });
});
