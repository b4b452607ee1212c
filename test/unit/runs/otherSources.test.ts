// Runs written by the PyTorch logger (test/fixtures/run-store/pytorch, recorded by python/tests/record_fixtures.py)
// through every reader: the run store (model description instead of config), `snn-lab runs list/show`, and the
// dashboard payload (source in the header, curves and per-layer frames). Malformed version-2 fields are refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { toRunInfo } from '../../../src/host/webviews/payload';
import { RunSeries } from '../../../src/host/webviews/runSeries';
import { decodeFrame } from '../../../src/protocol/frameCodec';
import { RunStore } from '../../../src/runs/runStore';
import type { RunData } from '../../../src/runs/runTypes';
import { repoRoot } from '../../shared/runStoreSchemas';

const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'run-store', 'pytorch');
const CLI = join(repoRoot(), 'dist', 'cli.js');
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A copy of the fixture runs (the CLI may mark dead owners' runs interrupted). */
function fixtureRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'snn-pytorch-runs-'));
  roots.push(root);
  cpSync(FIXTURES, root, { recursive: true });
  return root;
}

function byName(store: RunStore, name: string): RunData {
  const meta = store.list().find((m) => m.name === name);
  assert.ok(meta, `no run named ${name}`);
  const data = store.read(meta.runId);
  assert.ok(data, `${name} unreadable`);
  return data;
}

describe('runs from PyTorch in the run store', () => {
  const store = new RunStore(fixtureRoot());

  it('lists all of them and reads the model description instead of a config', () => {
    assert.deepEqual(
      store
        .list()
        .map((m) => [m.name, m.status])
        .sort(),
      [
        ['fixture-crash', 'failed'],
        ['fixture-probe', 'finished'],
        ['fixture-train', 'finished'],
      ],
    );
    const train = byName(store, 'fixture-train');
    assert.equal(train.config, undefined);
    assert.equal(train.model?.framework, 'pytorch');
    assert.deepEqual(
      train.model?.layers.map((l) => [l.name, l.activation, l.normalization]),
      [
        ['0', 'selu', 'none'],
        ['3', 'relu', 'batchnorm'],
        ['6', 'none', 'none'],
      ],
    );
    assert.deepEqual(train.hyperparameters, { lr: 0.1, optimizer: 'sgd' });
    assert.equal(train.meta.source?.kind, 'pytorch');
    assert.deepEqual(
      train.meta.warnings?.map((w) => w.code),
      ['selu-batchnorm'],
    );
    const first = train.layers[0];
    assert.deepEqual(
      first?.layers.map((l) => [l.name, l.kind, l.linear !== undefined]),
      [
        ['0', 'linear', false],
        ['3', 'linear', true],
        ['6', 'linear', false],
      ],
    );
  });

  it('keeps the failure of a crashed script', () => {
    const crash = byName(store, 'fixture-crash');
    assert.equal(crash.meta.failure?.reason, 'crashed');
    assert.match(crash.meta.failure?.message ?? '', /RuntimeError: out of memory \(simulated\)/);
  });

  it('refuses a malformed source or warnings list, naming the field', () => {
    const root = fixtureRoot();
    const [dir] = readdirSync(root).filter((d) => d.includes('fixture-train'));
    const path = join(root, dir ?? '', 'meta.json');
    const meta = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...meta, source: { kind: 'keras', versions: {}, device: 'cpu' } }));
    const warnings: string[] = [];
    const broken = new RunStore(root, {
      logger: { info: () => {}, warn: (m) => warnings.push(m), error: () => {} },
    });
    assert.equal(broken.list().length, 2);
    assert.match(warnings.join('\n'), /meta\.json: field "source" must be \{ kind: "pytorch"/);
    writeFileSync(path, JSON.stringify({ ...meta, warnings: ['oops'] }));
    assert.equal(new RunStore(root).list().length, 2);
  });
});

describe('runs from PyTorch in the dashboard payload', () => {
  const store = new RunStore(fixtureRoot());
  const train = byName(store, 'fixture-train');

  it('the header gets the source, its versions, the device and the warnings', () => {
    const info = toRunInfo(train.meta, train);
    assert.equal(info.backend, 'pytorch');
    assert.equal(info.source?.device, 'cpu');
    assert.ok(info.source?.versions.torch);
    assert.deepEqual(
      info.warnings?.map((w) => w.code),
      ['selu-batchnorm'],
    );
    assert.equal(info.model?.layers.length, 3);
    assert.deepEqual(info.hyperparameters, { lr: 0.1, optimizer: 'sgd' });
  });

  it('curves come from the logged losses and epochs, frames from the hooks (every layer)', async () => {
    // The dashboard's own path: the host's per-run cache reads the store and builds the payload.
    const budget = { frames: 100, histograms: 100, curvePoints: 1000 };
    const series = new RunSeries(train.meta.runId, train.meta, store);
    await series.load(budget);
    const payload = series.payload(budget);
    assert.equal(payload.info.source?.kind, 'pytorch');
    assert.equal(payload.info.model?.layers.length, 3);
    // Loss points at whole epochs (the epoch the script was in: no configured epoch count to make them fractional),
    // epoch metrics at the number of epochs finished.
    assert.deepEqual(payload.curves.batch_loss?.step, [0, 2, 4]);
    assert.deepEqual(payload.curves.batch_loss?.epoch, [0, 0, 1]);
    assert.deepEqual(payload.curves.accuracy?.value, [0.5, 0.6]);
    assert.deepEqual(payload.curves.val_loss?.epoch, [1, 2]);
    assert.deepEqual(
      payload.frames.map((f) => f.step),
      [0, 2, 4],
    );
    const first = payload.frames[0];
    assert.ok(first);
    const frame = decodeFrame(first);
    assert.equal(frame.layers.length, 3);
    assert.equal(payload.histograms[0]?.pre.length, 3);
  });
});

describe('snn-lab runs list / show on PyTorch runs', () => {
  const root = fixtureRoot();
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'runs', ...args, '--runs-dir', root], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('list shows them with pytorch as the backend', () => {
    const result = cli('list');
    assert.equal(result.status, 0, result.stderr);
    const rows = result.stdout.split('\n').filter((l) => l.includes('fixture-'));
    assert.equal(rows.length, 3);
    assert.ok(
      rows.every((row) => /\bpytorch\s*$/.test(row)),
      result.stdout,
    );
  });

  it('show prints the framework versions, device, layers and warnings', () => {
    const id = readdirSync(root).find((d) => d.includes('fixture-train')) ?? '';
    const result = cli('show', id);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /backend\s+pytorch \(torch [^,]+, python [\d.]+, snn_lab [\d.]+/);
    assert.match(result.stdout, /device\s+cpu/);
    assert.match(result.stdout, /layers\s+3: 0 linear 4->16 selu; 3 linear 16->16 relu; 6 linear 16->2 none/);
    assert.match(result.stdout, /\[selu-batchnorm\]/);
  });
});
