/**
 * Slurm after extension updates: a job array submitted from an installed extension's folder still runs after that
 * folder is gone (an update replaces it), because submission copied the CLI, trainer and wasm files into the
 * sweep's folder in the run store and the job script runs that copy.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import type { RunMeta } from '../../src/runs/runTypes';
import { CLI, requireCluster, waitFor, workDir, writeExperiment } from './helpers';

before(() => requireCluster());

test('a job submitted from an extension folder runs after that folder is removed', async () => {
  const dir = workDir('update');
  const path = writeExperiment(dir, { name: 'updated', epochs: 1, rates: [0.003, 0.03] });
  const runs = join(dir, 'runs');
  // An installed extension as VS Code keeps it (~/.vscode/extensions/snn-lab.snn-lab-<version>/dist/...).
  const extension = join(dir, 'snn-lab.snn-lab-0.1.0');
  cpSync(dirname(CLI), join(extension, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  // Submitted from that folder; Slurm may start the tasks only 4 s later (--begin), after the folder is gone.
  const submitted = spawnSync(
    process.execPath,
    [
      join(extension, 'dist', 'cli.js'),
      'slurm',
      'submit',
      path,
      '--runs-dir',
      runs,
      '--sbatch-option=--begin=now+4',
      '--json',
    ],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(submitted.status, 0, submitted.stderr);
  rmSync(extension, { recursive: true, force: true });
  const removedAt = Date.now();
  const { runIds } = JSON.parse(submitted.stdout.split('\n')[0] ?? '{}') as { runIds: string[] };
  assert.equal(runIds.length, 2);

  const [sweep] = readdirSync(join(runs, '.slurm'));
  const script = readFileSync(join(runs, '.slurm', sweep ?? '', 'job.sh'), 'utf8');
  assert.ok(!script.includes(extension), 'the job script does not point into the extension folder');
  assert.match(script, /\/\.slurm\/[^/\s]+\/bundle\/cli\.js slurm task/);
  assert.ok(existsSync(join(runs, '.slurm', sweep ?? '', 'bundle', 'trainer.js')));
  for (const wasm of ['tfjs-backend-wasm-simd.wasm', 'snn-kernels.wasm', 'snn-kernels-relaxed.wasm']) {
    assert.ok(
      existsSync(join(runs, '.slurm', sweep ?? '', 'bundle', 'wasm', wasm)),
      `${wasm} is in the bundle`,
    );
  }

  const meta = (id: string): RunMeta =>
    JSON.parse(readFileSync(join(runs, id, 'meta.json'), 'utf8')) as RunMeta;
  const metas = await waitFor('both runs to end', 180_000, () => {
    const all = runIds.map(meta);
    return all.every((m) => m.endedAt !== undefined) ? all : undefined;
  });
  for (const m of metas) {
    assert.equal(m.status, 'finished', `${m.name}: ${JSON.stringify(m.failure)}`);
    assert.ok(
      Date.parse(m.startedAt ?? '') > removedAt,
      `${m.name} started (${m.startedAt}) after the extension folder was removed (${new Date(removedAt).toISOString()})`,
    );
    // Either kernel build (relaxed SIMD where this Node accepts it, else plain SIMD), loaded from the copy: the
    // extension folder is gone, so tfjs's own kernels would be the only alternative.
    assert.match(
      m.backend?.versions['snn-lab-kernels'] ?? '',
      /^wasm(-relaxed)?-simd$/,
      'the copied wasm kernels loaded',
    );
  }
});
