// Run store against broken and hostile run directories: the directory name is a run's identity, deletion never
// leaves the runs directory, non-regular files are never opened, unreadable runs are listed with their reason,
// an interrupted run ends at its last record, and names from files cannot reach Object.prototype.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunStore, RunStoreError } from '../../../src/runs/runStore';
import type { RunId } from '../../../src/protocol/ids';
import type { RunMeta } from '../../../src/runs/runTypes';
import { tinyPlan, trainerMessages } from './fixtures';

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'snn-safety-'));
  roots.push(root);
  return root;
}
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A finished run written through the store. */
function finishedRun(store: RunStore, name = 'tiny/SNN/model.depth=2'): RunId {
  const runId = store.create(tinyPlan(name), { experiment: '/x/e.snn.json', mode: 'train' });
  store.setStatus(runId, 'running');
  for (const message of trainerMessages(runId)) store.record(runId, message);
  return runId;
}

function rewriteMeta(store: RunStore, runId: RunId, patch: Record<string, unknown>): void {
  const path = join(store.runDir(runId), 'meta.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...patch }));
}

describe('run identity and safe deletion', () => {
  it('a meta.json naming another run id (".") is read under its directory name, and deleting it removes only it', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    const decoy = finishedRun(store, 'decoy');
    const other = finishedRun(store, 'other');
    rewriteMeta(store, decoy, { runId: '.' });
    const fresh = new RunStore(root);
    assert.deepEqual(
      fresh
        .list()
        .map((m) => m.runId)
        .sort(),
      [decoy, other].sort(),
    );
    fresh.delete(decoy);
    assert.ok(existsSync(root), 'the runs directory is still there');
    assert.ok(existsSync(fresh.runDir(other)), 'the other run is untouched');
    assert.ok(!existsSync(fresh.runDir(decoy)));
  });

  it('refuses ids that are not run ids, links, plain files and directories that hold no run', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    const run = finishedRun(store);
    const outside = mkdtempSync(join(tmpdir(), 'snn-outside-'));
    roots.push(outside);
    writeFileSync(join(outside, 'meta.json'), '{}');
    symlinkSync(outside, join(root, 'linked-run-0001'));
    mkdirSync(join(root, 'empty-dir-0001'));
    writeFileSync(join(root, 'plain-file-0001'), 'x');
    const cases: [string, RegExp][] = [
      ['.', /not a run id/],
      ['..', /not a run id/],
      ['../x', /not a run id/],
      ['linked-run-0001', /symbolic link/],
      ['empty-dir-0001', /neither meta.json nor config.json/],
      ['plain-file-0001', /not a directory/],
      ['missing-0001', /no run directory/],
    ];
    for (const [id, why] of cases) {
      assert.throws(
        () => store.delete(id as RunId),
        (e: unknown) => e instanceof RunStoreError && why.test(e.message),
        id,
      );
    }
    assert.ok(existsSync(join(outside, 'meta.json')), 'nothing outside the runs directory was touched');
    assert.ok(existsSync(store.runDir(run)));
  });

  it('refuses to delete a run it is still writing', () => {
    const store = new RunStore(tempRoot());
    const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    store.setStatus(runId, 'running');
    assert.throws(() => store.delete(runId), /is running; stop it/);
  });
});

describe('non-regular and unreadable run files', () => {
  it('a FIFO or a directory named metrics.jsonl or layers.jsonl never hangs or fails the list', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    const fifo = finishedRun(store, 'fifo');
    const dir = finishedRun(store, 'dir');
    const good = finishedRun(store, 'good');
    for (const file of ['metrics.jsonl', 'layers.jsonl']) {
      rmSync(join(store.runDir(fifo), file));
      execFileSync('mkfifo', [join(store.runDir(fifo), file)]);
      rmSync(join(store.runDir(dir), file));
      mkdirSync(join(store.runDir(dir), file));
    }
    const fresh = new RunStore(root); // primes its tail over every run: must not open the FIFO
    fresh.refresh();
    assert.deepEqual(
      fresh
        .list()
        .map((m) => m.runId)
        .sort(),
      [dir, fifo, good].sort(),
    );
    for (const id of [fifo, dir]) {
      const read = fresh.readOrReason(id);
      assert.ok(!read.ok && /is a (FIFO|directory); run files must be regular files/.test(read.reason), id);
      assert.equal(fresh.overview(id)?.meta.status, 'finished');
      assert.deepEqual(fresh.recordCounts(id), { metrics: 0, layers: 0 });
    }
    assert.equal(fresh.read(good)?.layers.length, 1);
  });

  it('lists unreadable run directories with their reason', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    const broken = finishedRun(store, 'broken');
    const fifoMeta = finishedRun(store, 'fifo-meta');
    finishedRun(store, 'fine');
    writeFileSync(join(store.runDir(broken), 'meta.json'), '{"schemaVersion":1,');
    rmSync(join(store.runDir(fifoMeta), 'meta.json'));
    execFileSync('mkfifo', [join(store.runDir(fifoMeta), 'meta.json')]);
    const { runs, unreadable } = new RunStore(root).listing();
    assert.equal(runs.length, 1);
    const reasons = new Map(unreadable.map((u) => [u.runId, u.reason]));
    assert.match(reasons.get(broken) ?? '', /meta\.json: not valid JSON/);
    assert.match(reasons.get(fifoMeta) ?? '', /meta\.json is a FIFO/);
  });

  it('a symbolic link in place of a run file is refused, not followed', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    const runId = finishedRun(store);
    const secret = join(tempRoot(), 'secret.json');
    writeFileSync(
      secret,
      JSON.stringify({ schemaVersion: 1, steps: 1, epochs: 1, durationMs: 1, final: {}, test: {} }),
    );
    rmSync(join(store.runDir(runId), 'summary.json'));
    symlinkSync(secret, join(store.runDir(runId), 'summary.json'));
    assert.equal(new RunStore(root).readSummary(runId), undefined);
  });

  it('a line longer than any record and lines that are not records are skipped; the rest is kept', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    const runId = finishedRun(store);
    const metrics = join(store.runDir(runId), 'metrics.jsonl');
    appendFileSync(
      metrics,
      '{"kind":"progress","step":"x"}\n[1,2]\nnull\n{"kind":"epoch","step":5,"epoch":2,"metrics":7}\n',
    );
    appendFileSync(metrics, '{"kind":"progress","step":9,"epoch":2,"loss":0.1,"samplesPerSec":1,"time":5}\n');
    const steps = new RunStore(root).read(runId)?.metrics.map((m) => m.step);
    assert.deepEqual(steps, [1, 2, 3, 4, 9]);
  });
});

describe('names from files', () => {
  it('metrics, summary and sweep keys named like Object.prototype members stay plain data', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    const runId = finishedRun(store);
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const record = `{${names.map((n, i) => `"${n}":${i}`).join(',')}}`;
    appendFileSync(
      join(store.runDir(runId), 'metrics.jsonl'),
      `{"kind":"epoch","step":9,"epoch":3,"metrics":${record},"time":1}\n`,
    );
    const summaryPath = join(store.runDir(runId), 'summary.json');
    const summary = readFileSync(summaryPath, 'utf8').replace(
      '"final": {',
      `"final": {"__proto__": {"x": 1}, "constructor": 3,`,
    );
    writeFileSync(summaryPath, summary);
    rewriteMeta(store, runId, JSON.parse(`{"sweepPoint": ${record}}`) as Record<string, unknown>);
    const fresh = new RunStore(root);
    const data = fresh.read(runId);
    const last = data?.metrics.at(-1);
    assert.equal(last?.kind, 'epoch');
    if (last?.kind !== 'epoch') return;
    assert.equal(Object.getPrototypeOf(last.metrics), null);
    assert.deepEqual(Object.keys(last.metrics).sort(), [...names].sort());
    assert.equal(last.metrics.constructor, 0);
    assert.equal(data?.summary?.final.constructor, 3);
    assert.equal(Object.hasOwn(data?.summary?.final ?? {}, '__proto__'), false, 'a non-number is dropped');
    const meta = fresh.readMeta(runId) as RunMeta;
    assert.equal(Object.getPrototypeOf(meta.sweepPoint), null);
    assert.equal(meta.sweepPoint.valueOf, 4);
    assert.deepEqual(fresh.overview(runId)?.lastEpoch?.hasOwnProperty, 3);
  });
});

describe('interrupted runs', () => {
  it('a run whose owner died ends at the time of its last record, not when it was noticed', () => {
    const root = tempRoot();
    let clock = Date.UTC(2026, 0, 1, 12, 0, 0);
    const store = new RunStore(root, { now: () => new Date(clock) });
    const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    store.setStatus(runId, 'running');
    const messages = trainerMessages(runId);
    for (const message of messages.slice(0, 5)) {
      clock += 1000;
      store.record(runId, message);
    }
    store.flush();
    const lastRecord = new Date(clock).toISOString();
    clock += 20_000; // the owner is killed; 20 s later another process looks
    const later = new RunStore(root, { now: () => new Date(clock) });
    assert.deepEqual(
      later.recoverInterrupted(() => false),
      [runId],
    );
    const meta = new RunStore(root).readMeta(runId);
    assert.equal(meta?.status, 'interrupted');
    assert.equal(meta?.endedAt, lastRecord);
  });
});
