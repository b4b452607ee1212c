// In-host tests of the editor features on real example files: code lenses where the runs are, problems of a
// broken file reported as diagnostics at the offending line, and schema completion and hover in a YAML file.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { api, lineOf, open, waitFor, wsUri } from './util';

type Lens = vscode.CodeLens & { command: vscode.Command };

async function lenses(uri: vscode.Uri): Promise<Lens[]> {
  return waitFor('code lenses', async () => {
    const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      uri,
    );
    const all = (found ?? []).filter((l): l is Lens => !!l.command);
    return all.some((l) => l.command.command.startsWith('snnLab.')) ? all : undefined;
  });
}

suite('editor', () => {
  suiteSetup(async () => {
    await api();
  });

  test('an example shows Run, Probe at init and Open dashboard lenses bound to its file', async () => {
    const doc = await open('moons-quick.snn.json');
    const found = await lenses(doc.uri);
    const run = found.find((l) => l.command.command === 'snnLab.runExperiment');
    assert.ok(run, `no Run lens; got ${found.map((l) => l.command.title).join(', ')}`);
    assert.match(run.command.title, /Run/);
    assert.equal((run.command.arguments?.[0] as vscode.Uri).fsPath, doc.uri.fsPath);
    const commands = found.map((l) => l.command.command);
    assert.ok(commands.includes('snnLab.probeAtInit'));
    assert.ok(commands.includes('snnLab.openDashboard'));
  });

  test('each variant of a comparison gets its own "Run this variant" lens on its line', async () => {
    const doc = await open('snn-vs-relu-bn-mnist.snn.json');
    const variants = (await lenses(doc.uri)).filter((l) => l.command.command === 'snnLab.runVariant');
    const byName = new Map(variants.map((l) => [l.command.arguments?.[1], l.range.start.line]));
    assert.equal(byName.get('SNN'), lineOf(doc, '"SNN"'));
    assert.equal(byName.get('ReLU+BN'), lineOf(doc, '"ReLU+BN"'));
  });

  test('a broken experiment file gets an error diagnostic at the offending line and column', async () => {
    const uri = wsUri('broken.snn.json');
    const text = [
      '{',
      '  "name": "broken",',
      '  "data": { "source": "synthetic", "kind": "moons", "samples": 200 },',
      '  "model": {',
      '    "depth": "four",',
      '    "width": 16',
      '  },',
      '  "train": { "epochs": 1 }',
      '}',
      '',
    ].join('\n');
    writeFileSync(uri.fsPath, text);
    await open('broken.snn.json');
    const diagnostics = await waitFor('a diagnostic on broken.snn.json', () => {
      const mine = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'SNN Lab');
      return mine.length > 0 ? mine : undefined;
    });
    const depth = diagnostics.find((d) => /depth/.test(d.message));
    assert.ok(depth, `no diagnostic about model.depth: ${diagnostics.map((d) => d.message).join(' | ')}`);
    assert.equal(depth.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(depth.range.start.line, 4, 'the "depth" value is on line 5 (0-based 4)');
    assert.equal(depth.range.start.character, text.split('\n')[4]?.indexOf('"four"'));
    const found = await lenses(uri);
    const fix = found.find((l) => /problem/.test(l.command.title));
    assert.ok(fix, 'the file shows a "Fix N problems" lens');
    assert.ok(
      !found.some((l) => l.command.command === 'snnLab.runExperiment'),
      'no Run lens on a broken file',
    );
  });

  test('a *.snn.yaml file gets schema completion (keys, values, snippets) and hover from SNN Lab', async () => {
    const uri = wsUri('typing.snn.yaml');
    const text = ['name: typing', 'model:', '  depth: 4', '  ', 'train:', '  optimizer: ', ''].join('\n');
    writeFileSync(uri.fsPath, text);
    const doc = await open('typing.snn.yaml');
    const complete = async (line: number, character: number) =>
      (
        await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          doc.uri,
          new vscode.Position(line, character),
        )
      ).items.filter((i) => i.kind !== vscode.CompletionItemKind.Text);
    const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
    const keys = await waitFor('key completions under model:', async () => {
      const items = await complete(3, 2);
      return items.some((i) => label(i) === 'activation') ? items : undefined;
    });
    assert.ok(!keys.some((i) => label(i) === 'depth'), 'a key already in the mapping is not offered');
    const activation = keys.find((i) => label(i) === 'activation');
    assert.match(String((activation?.documentation as vscode.MarkdownString | undefined)?.value), /selu/);
    const values = (await complete(5, 13)).map(label);
    assert.ok(
      ['sgd', 'momentum', 'adam', 'rmsprop'].every((v) => values.includes(v)),
      values.join(', '),
    );
    const root = (await complete(6, 0)).map(label);
    assert.ok(root.includes('variants: SNN vs ReLU+BN') && root.includes('sweep: depth x activation grid'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(2, 3),
    );
    const hoverText = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n');
    assert.match(hoverText, /\*\*model\.depth\*\*/, hoverText);
    assert.match(hoverText, /hidden layers/i, 'the schema description of model.depth');
  });
});
