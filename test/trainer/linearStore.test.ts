// W x + b before the normalisation through the whole chain: `snn-lab run` (the real trainer, fused wasm step and,
// with SNN_LAB_WASM_KERNELS=0, the tfjs path) writes it per layer to layers.jsonl and frames.jsonl, valid under the
// run-store schemas and read back by the run reader; a run without a norm writes none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunData } from '../../src/runs/runTypes';
import { silentLogger } from '../../src/runs/logger';
import { RunReader } from '../../src/runs/runReader';
import { schemaProblemsUnder } from '../shared/runStoreSchemas';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'snn-linear-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runExperiment(name: string, normalization: string, kernels: string): string {
  const file = join(dir, `${name}.snn.json`);
  const experiment = {
    name,
    seed: 4,
    data: { source: 'synthetic', kind: 'blobs', samples: 96, features: 4, classes: 2 },
    model: { depth: 3, width: 8, activation: 'relu', init: 'he_normal', normalization },
    train: { epochs: 1, batchSize: 32 },
    stats: { everySteps: 1 },
  };
  writeFileSync(file, JSON.stringify(experiment));
  const runsDir = join(dir, `${name}-runs`);
  const result = spawnSync(process.execPath, [cli, 'run', file, '--json', '--runs-dir', runsDir], {
    env: { ...process.env, SNN_LAB_WASM_KERNELS: kernels },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { runs: { dir: string; status: string }[] };
  assert.equal(out.runs[0]?.status, 'finished');
  return runsDir;
}

/** The only run under `runsDir`: its directory and its data as the run reader reads it. */
function onlyRun(runsDir: string): { runDir: string; data: RunData } {
  const reader = new RunReader(runsDir, silentLogger);
  const [runId] = reader.runIds();
  assert.ok(runId);
  const meta = reader.readMeta(runId);
  assert.ok(meta);
  const data = reader.readData(runId, meta);
  assert.ok(data);
  return { runDir: reader.runDir(runId), data };
}

const frameLines = (runDir: string): Record<string, unknown>[] =>
  readFileSync(join(runDir, 'frames.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('W x + b before the norm in the run store', () => {
  for (const [kernels, path] of [
    ['1', 'fused wasm step'],
    ['0', 'tfjs path'],
  ] as const) {
    it(`a BatchNorm run records it for every layer and step (${path})`, () => {
      const runsDir = runExperiment(`bn-${kernels}`, 'batchnorm', kernels);
      assert.deepEqual(schemaProblemsUnder([runsDir]).problems, []);
      const { runDir, data } = onlyRun(runsDir);
      const reason = data.meta.backend?.fallbackReason ?? '';
      assert.equal(/SNN_LAB_WASM_KERNELS=0/.test(reason), kernels === '0', reason);
      assert.ok(data.layers.length >= 3, `${data.layers.length} reporting steps`);
      for (const record of data.layers) {
        for (const l of record.layers) {
          assert.ok(l.linear, `step ${record.step} layer ${l.layer} has W x + b`);
          assert.ok(Number.isFinite(l.linear.variance) && l.linear.histogram.counts.length > 0);
        }
      }
      const frames = frameLines(runDir);
      assert.equal(frames.length, data.layers.length);
      for (const f of frames) {
        const linear = f.linear as { variance: number[] } | undefined;
        assert.equal(linear?.variance.length, 3, 'frames.jsonl has the column per layer');
      }
    });
  }

  it('a run without a norm writes no W x + b series', () => {
    const runsDir = runExperiment('plain', 'none', '1');
    const { runDir, data } = onlyRun(runsDir);
    assert.ok(data.layers.length > 0);
    assert.ok(data.layers.every((r) => r.layers.every((l) => l.linear === undefined)));
    assert.ok(frameLines(runDir).every((f) => !('linear' in f)));
  });
});
