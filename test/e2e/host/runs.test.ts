// In-host tests of real training: the Run command forks the real trainer (dist/trainer.js, tfjs wasm), the run
// finishes with its files on disk in the workspace's runs directory, and Stop ends a run without losing its data.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunId } from '../../../src/protocol/ids';
import { api, waitFor, workspaceRoot, wsUri } from './util';

function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

suite('runs', () => {
  test('Run on moons-quick trains through the real trainer and leaves a finished run directory', async () => {
    const snn = await api();
    const ids = await vscode.commands.executeCommand<RunId[]>(
      'snnLab.runExperiment',
      wsUri('moons-quick.snn.json'),
    );
    assert.equal(ids?.length, 1, 'one run for an experiment without variants');
    const id = ids[0] as RunId;
    assert.equal(await snn.runs.whenDone(id), 'finished');
    const dir = snn.store.runDir(id);
    assert.ok(dir.startsWith(workspaceRoot() + path.sep), `run directory ${dir} is inside the workspace`);
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { status: string };
    assert.equal(meta.status, 'finished');
    assert.ok(existsSync(path.join(dir, 'summary.json')), 'summary.json written');
    const layers = jsonLines(path.join(dir, 'layers.jsonl')).slice(1) as {
      layers: { post: { variance: number } }[];
    }[];
    assert.ok(layers.length > 0, 'layer statistics were recorded');
    // What was asked for, from the resolved config the run stored (so the test follows edits of the example).
    const { config } = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
      config: { model: { depth: number }; train: { epochs: number } };
    };
    const last = layers.at(-1)?.layers ?? [];
    assert.equal(last.length, config.model.depth, 'one statistics entry per hidden layer');
    for (const l of last) assert.ok(Number.isFinite(l.post.variance) && l.post.variance > 0);
    const epochs = jsonLines(path.join(dir, 'metrics.jsonl')).filter((r) => r.kind === 'epoch');
    assert.equal(
      epochs.length,
      config.train.epochs,
      'every epoch recorded (moons-quick has no early stopping)',
    );
  });

  test('Stop Run ends a running run as stopped and keeps the statistics recorded so far', async () => {
    const snn = await api();
    // 10,000 epochs cannot finish before the stop arrives, so the outcome is not a race.
    const file = wsUri('long.snn.json');
    const long = {
      name: 'long',
      data: { source: 'synthetic', kind: 'moons', samples: 256 },
      model: { depth: 3, width: 16 },
      train: { epochs: 10_000, batchSize: 32 },
    };
    writeFileSync(file.fsPath, JSON.stringify(long, null, 2));
    const ids = await vscode.commands.executeCommand<RunId[]>('snnLab.runExperiment', file);
    const id = ids?.[0] as RunId;
    assert.ok(id, 'Run returned a run id');
    const dir = snn.store.runDir(id);
    await waitFor('the first layer statistics', () => snn.store.read(id)?.layers.length, 60_000);
    await vscode.commands.executeCommand('snnLab.stopRun', id);
    assert.equal(await snn.runs.whenDone(id), 'stopped');
    const kept = jsonLines(path.join(dir, 'layers.jsonl')).slice(1);
    assert.ok(kept.length > 0, 'statistics recorded before the stop are still on disk');
    assert.equal(snn.store.read(id)?.meta.status, 'stopped');
  });
});
