// A full disk under a run, on a real 512 KB tmpfs (root, as in CI; skipped with the reason otherwise): the run is
// failed with reason disk-full and a message naming the directory and the space; meta.json keeps its last good
// version, no temp file or half line is left, `snn-lab runs list` still works, and once space returns (or at the
// next read after the writer died) meta.json says failed / disk-full with endedAt = the last record's time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { RunStore } from '../../../src/runs/runStore';
import type { RunMeta } from '../../../src/runs/runTypes';
import type { LayerStats } from '../../../src/protocol/stats';
import { mountTmpfs } from '../../shared/tmpfs';
import { layer, tinyPlan } from './fixtures';

const CLI = resolve(__dirname, '../../../../dist/cli.js');

/** A statistics report of 16 layers with 128-bin histograms: ~40 KB, so a few fill the tmpfs. */
function bigLayers(): LayerStats[] {
  return Array.from({ length: 16 }, (_, i) => {
    const l = layer(i);
    const histogram = { ...l.pre.histogram, counts: Array.from({ length: 128 }, (_, k) => k * 1.000001) };
    return { ...l, pre: { ...l.pre, histogram }, post: { ...l.post, histogram } };
  });
}

function metaOnDisk(dir: string): RunMeta {
  return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as RunMeta;
}

function assertClean(dir: string): void {
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('.tmp-')),
    [],
    'no temp file left',
  );
  for (const file of ['metrics.jsonl', 'layers.jsonl']) {
    const text = readFileSync(join(dir, file), 'utf8');
    assert.ok(text.endsWith('\n'), `${file} ends with a complete line`);
  }
}

function runsList(root: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'runs', 'list', '--runs-dir', root], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('disk full (tmpfs)', () => {
  it('fails the run with reason disk-full, keeps meta.json intact, and records the failure once space returns', (t) => {
    const fs = mountTmpfs(512);
    if ('skip' in fs) return t.skip(fs.skip);
    try {
      const root = join(fs.dir, 'runs');
      const warnings: string[] = [];
      const store = new RunStore(root, { logger: { info() {}, warn: (m) => warnings.push(m), error() {} } });
      const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
      store.setStatus(runId, 'running');
      const dir = store.runDir(runId);
      fs.fill();
      const layers = bigLayers();
      for (let step = 0; step < 100 && !store.isDiskFull(runId); step++) {
        store.record(runId, {
          type: 'progress',
          runId,
          step,
          epoch: 0,
          loss: 1 / (step + 1),
          samplesPerSec: 1,
        });
        store.record(runId, { type: 'layerStats', runId, step, epoch: 0, layers });
      }
      assert.ok(store.isDiskFull(runId), 'the disk filled up');
      const meta = store.readMeta(runId);
      assert.equal(meta?.status, 'failed');
      assert.equal(meta?.failure?.reason, 'disk-full');
      assert.match(
        meta?.failure?.message ?? '',
        new RegExp(`the disk holding ${dir} is full: .* \\(\\d+ B free; this run needs about .* more\\)`),
      );
      assert.ok(
        warnings.some((w) => w.includes('is full')),
        'and the user is told',
      );
      assert.equal(metaOnDisk(dir).status, 'running', 'meta.json keeps its last good version');
      assertClean(dir);
      assert.ok(existsSync(join(dir, 'disk-full')), 'the marker for later readers');

      const listed = runsList(root);
      assert.equal(listed.status, 0, `runs list on a full disk: ${listed.stderr}`);
      assert.match(listed.stdout, new RegExp(`${runId}\\s+running`), 'its owner (this process) is alive');

      fs.release();
      store.flush();
      const after = metaOnDisk(dir);
      assert.equal(after.status, 'failed');
      assert.equal(after.failure?.reason, 'disk-full');
      assert.ok(!existsSync(join(dir, 'disk-full')), 'marker removed once meta.json says it');
      assertClean(dir);
    } finally {
      fs.unmount();
    }
  });

  it('a run whose writer died on a full disk is failed (disk-full) at the next read, even before space returns', (t) => {
    const fs = mountTmpfs(512);
    if ('skip' in fs) return t.skip(fs.skip);
    try {
      const root = join(fs.dir, 'runs');
      let clock = Date.UTC(2026, 0, 2, 8, 0, 0);
      const writer = new RunStore(root, { now: () => new Date(clock) });
      const runId = writer.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
      writer.setStatus(runId, 'running');
      writer.patchMeta(runId, {
        owner: { pid: 2 ** 22 + 17, hostname: writer.readMeta(runId)!.owner!.hostname },
      });
      writer.record(runId, { type: 'progress', runId, step: 0, epoch: 0, loss: 1, samplesPerSec: 1 });
      const lastRecord = new Date(clock).toISOString();
      fs.fill();
      for (let step = 1; step < 100 && !writer.isDiskFull(runId); step++) {
        clock += 1000;
        writer.record(runId, { type: 'layerStats', runId, step, epoch: 0, layers: bigLayers() });
      }
      assert.ok(writer.isDiskFull(runId));
      // The writer dies here (no flush). Another process lists the runs while the disk is still full.
      clock += 60_000;
      const listed = runsList(root);
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(
        listed.stdout,
        new RegExp(`${runId}\\s+failed`),
        'reported as failed although it cannot be written yet',
      );
      assert.equal(metaOnDisk(writer.runDir(runId)).status, 'running');

      fs.release();
      const reader = new RunStore(root, { now: () => new Date(clock) });
      assert.deepEqual(
        reader.recoverInterrupted(() => false),
        [runId],
      );
      const meta = metaOnDisk(reader.runDir(runId));
      assert.equal(meta.status, 'failed');
      assert.equal(meta.failure?.reason, 'disk-full');
      assert.equal(meta.endedAt, lastRecord, 'ended at its last record');
      assert.ok(!existsSync(join(reader.runDir(runId), 'disk-full')));
    } finally {
      fs.unmount();
    }
  });
});
