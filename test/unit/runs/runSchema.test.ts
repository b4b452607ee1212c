// Versioned run files: migrateRunMeta accepts version 1, rejects other versions and malformed metas by name.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { isPidAlive, isOwnerAlive } from '../../../src/runs/liveness';
import { makeRunId, slugify } from '../../../src/runs/runId';
import { RunSchemaError, checkJsonlHeader, migrateRunMeta } from '../../../src/runs/runSchema';
import type { RunMeta } from '../../../src/runs/runTypes';

const meta = {
  schemaVersion: 1,
  runId: '20261127-083012-a-0000',
  name: 'a',
  experiment: '/x/a.snn.json',
  mode: 'train',
  status: 'running',
  createdAt: '2026-11-27T08:30:12.000Z',
  seed: 1,
  sweepPoint: {},
};

describe('migrateRunMeta', () => {
  it('accepts the current version unchanged', () => {
    assert.deepEqual(migrateRunMeta(structuredClone(meta)), meta);
  });

  it('rejects newer, missing and invalid versions with a message naming the file', () => {
    assert.throws(
      () => migrateRunMeta({ ...meta, schemaVersion: 3 }, 'r1/meta.json'),
      (error: unknown) => {
        assert.ok(error instanceof RunSchemaError);
        assert.match(
          error.message,
          /^r1\/meta\.json: schemaVersion 3 is newer than this SNN Lab understands \(2\)/,
        );
        return true;
      },
    );
    assert.throws(
      () => migrateRunMeta({ ...meta, schemaVersion: undefined }),
      /missing or invalid schemaVersion/,
    );
    assert.throws(
      () => migrateRunMeta({ ...meta, schemaVersion: 0 }),
      /missing or invalid schemaVersion \(0\)/,
    );
    assert.throws(() => migrateRunMeta([meta]), /expected a JSON object/);
  });

  it('rejects unknown statuses and missing fields', () => {
    assert.throws(() => migrateRunMeta({ ...meta, status: 'paused' }), /unknown status "paused"/);
    assert.throws(() => migrateRunMeta({ ...meta, runId: 3 }), /"runId" must be a string/);
    assert.throws(() => migrateRunMeta({ ...meta, mode: 'eval' }), /unknown mode "eval"/);
  });

  it('checks jsonl headers', () => {
    assert.equal(checkJsonlHeader({ schemaVersion: 1, file: 'metrics' }, 'metrics', 'm'), 1);
    assert.throws(
      () => checkJsonlHeader({ schemaVersion: 1, file: 'layers' }, 'metrics', 'm'),
      /expected "metrics"/,
    );
    assert.throws(
      () => checkJsonlHeader({ kind: 'progress' }, 'metrics', 'm'),
      /missing or invalid schemaVersion/,
    );
  });
});

describe('run ids and liveness', () => {
  it('makes readable ids that sort by creation time', () => {
    const early = makeRunId('MNIST depth/SNN/model.depth=16', new Date('2026-11-27T08:30:12.345Z'), 'a3f9');
    assert.equal(early, '20261127-083012-mnist-depth-snn-model-depth-16-a3f9');
    const late = makeRunId('a', new Date('2026-11-27T10:00:00Z'), '0000');
    assert.ok(early < late);
    assert.equal(slugify('***'), 'run');
    assert.ok(slugify('x'.repeat(100)).length <= 40);
  });

  it('treats this process as alive and an unused pid as dead', () => {
    assert.equal(isPidAlive(process.pid), true);
    assert.equal(isPidAlive(2 ** 22 + 12345), false); // above Linux's pid_max limit (2^22): never a live pid
    const base = meta as unknown as RunMeta;
    assert.equal(isOwnerAlive({ ...base, owner: { pid: process.pid, hostname: hostname() } }), true);
    assert.equal(isOwnerAlive({ ...base, executor: { kind: 'local', pid: 2 ** 22 + 12345 } }), false);
    assert.equal(isOwnerAlive({ ...base, executor: { kind: 'slurm', jobId: '5', taskId: 0 } }), true);
  });
});
