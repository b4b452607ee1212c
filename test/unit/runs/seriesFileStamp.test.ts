// RunStore.seriesFileStamp: the size of a series file and the sha256 of the 4 KB before an offset, read with one
// bounded read inside the run's directory; undefined past the file's end, for links and for names that are not runs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type * as nodeFs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asRunId, type RunId } from '../../../src/protocol/ids';
import { RunStore } from '../../../src/runs/runStore';
import { tinyPlan } from './fixtures';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A run whose metrics.jsonl holds `records` progress lines (~100 bytes each). */
function runWithMetrics(records: number): { store: RunStore; runId: RunId; path: string } {
  const root = mkdtempSync(join(tmpdir(), 'snn-stamp-'));
  roots.push(root);
  const store = new RunStore(root, { progressFlushMs: 0 });
  const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
  store.setStatus(runId, 'running');
  for (let step = 0; step < records; step++) {
    store.record(runId, { type: 'progress', runId, step, epoch: 0, loss: 1 / (step + 1), samplesPerSec: 10 });
  }
  return { store, runId, path: join(store.runDir(runId), 'metrics.jsonl') };
}

/** node:fs itself (the module object the store's code calls through), to spy on its reads. */
const fs = createRequire(__filename)('node:fs') as typeof nodeFs;

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('RunStore.seriesFileStamp', () => {
  it('hashes the 4 KB before the offset and reports the size', () => {
    const { store, runId, path } = runWithMetrics(200);
    const bytes = readFileSync(path);
    assert.ok(bytes.length > 8192);
    const offset = bytes.length - 1000;
    assert.deepEqual(store.seriesFileStamp(runId, 'metrics', offset), {
      size: bytes.length,
      tail: sha(bytes.subarray(offset - 4096, offset)),
    });
    assert.deepEqual(store.seriesFileStamp(runId, 'metrics', 100), {
      size: bytes.length,
      tail: sha(bytes.subarray(0, 100)),
    });
    assert.equal(store.seriesFileStamp(runId, 'metrics', bytes.length)?.size, bytes.length);
  });

  it('refuses offsets past the end, negative or fractional offsets, a missing file and names that are not runs', () => {
    const { store, runId, path } = runWithMetrics(20);
    const size = readFileSync(path).length;
    assert.equal(store.seriesFileStamp(runId, 'metrics', size + 1), undefined);
    assert.equal(store.seriesFileStamp(runId, 'metrics', -1), undefined);
    assert.equal(store.seriesFileStamp(runId, 'metrics', 1.5), undefined);
    assert.equal(store.seriesFileStamp(asRunId('no-such-run'), 'metrics', 0), undefined);
    assert.equal(store.seriesFileStamp('../x' as RunId, 'metrics', 0), undefined);
    rmSync(path);
    assert.equal(store.seriesFileStamp(runId, 'metrics', 0), undefined);
  });

  it('does not follow a link in place of the file', () => {
    const { store, runId, path } = runWithMetrics(20);
    const outside = join(tmpdir(), `snn-stamp-outside-${process.pid}`);
    writeFileSync(outside, 'x'.repeat(10_000));
    try {
      rmSync(path);
      symlinkSync(outside, path);
      assert.equal(store.seriesFileStamp(runId, 'metrics', 100), undefined);
    } finally {
      rmSync(outside, { force: true });
    }
  });

  it('reads at most 4 KB, and only the bytes just before the offset count', () => {
    const { store, runId, path } = runWithMetrics(400);
    const offset = readFileSync(path).length;
    const before = store.seriesFileStamp(runId, 'metrics', offset);
    const requested: number[] = [];
    const readSync = fs.readSync;
    // The store reads with readSync(fd, buffer, offset, length, position) (runFiles.ts's readAt).
    (fs as { readSync: unknown }).readSync = (...args: unknown[]): number => {
      requested.push(typeof args[3] === 'number' ? args[3] : Infinity);
      return (readSync as (...a: unknown[]) => number)(...args);
    };
    try {
      assert.deepEqual(store.seriesFileStamp(runId, 'metrics', offset), before);
    } finally {
      (fs as { readSync: unknown }).readSync = readSync;
    }
    assert.ok(requested.length > 0, 'the spy saw the read');
    assert.ok(requested.reduce((a, b) => a + b, 0) <= 4096, `read ${requested.join('+')} bytes`);
    // A byte changed before the window leaves the stamp alone; one inside it changes the stamp.
    const bytes = readFileSync(path);
    bytes[offset - 4097] = 0x20;
    writeFileSync(path, bytes);
    assert.deepEqual(store.seriesFileStamp(runId, 'metrics', offset), before);
    bytes[offset - 4096] = 0x20;
    writeFileSync(path, bytes);
    assert.notEqual(store.seriesFileStamp(runId, 'metrics', offset)?.tail, before?.tail);
  });
});
