// The CLI and the extension share one runs directory: a `snn-lab run` of a file in a sub-folder of the open
// workspace (no --runs-dir, no $SNN_LAB_RUNS_DIR) lands in the workspace's .snn-lab/runs, and the extension's
// store (which feeds the sidebar, the Runs tree and the dashboard) picks it up while the extension is running.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, waitFor, workspaceRoot } from './util';

suite('cli runs', () => {
  test('a CLI run of a file in a sub-folder of the workspace appears in the workspace store', async function () {
    this.timeout(240_000); // a CLI process start, a short training and the store's polling, on a loaded CI machine
    const snn = await api();
    assert.equal(
      snn.store.root,
      path.join(workspaceRoot(), '.snn-lab', 'runs'),
      'the extension uses .snn-lab/runs',
    );
    const folder = path.join(workspaceRoot(), 'studies', 'from-cli');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'cli-sub.snn.json');
    const experiment = {
      name: 'cli-sub',
      data: { source: 'synthetic', kind: 'moons', samples: 128 },
      model: { depth: 2, width: 8 },
      train: { epochs: 2, batchSize: 32 },
    };
    writeFileSync(file, JSON.stringify(experiment, null, 2));
    const cli = path.join(
      vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '',
      'dist',
      'cli.js',
    );
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    delete env.SNN_LAB_RUNS_DIR;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [cli, 'run', file],
        { cwd: folder, env, timeout: 120_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`snn-lab run failed: ${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    assert.match(
      output,
      new RegExp(
        `runs in ${path.join(workspaceRoot(), '.snn-lab', 'runs').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    const meta = await waitFor(
      'the CLI run in the extension store',
      () => snn.store.list().find((m) => m.name === 'cli-sub' && m.status === 'finished'),
      30_000,
    );
    assert.equal(meta.experiment, file);
    assert.ok((snn.store.read(meta.runId)?.layers.length ?? 0) > 0, 'its layer statistics are readable');
  });
});
