// Run store on a real temp directory: round trip of a whole run, atomic meta, tolerant readers, recovery.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  linkSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import { RunStore } from '../../../src/runs/runStore';
import { RUN_SCHEMA_VERSION, type RunChange, type RunMeta } from '../../../src/runs/runTypes';
import { schemaProblemsUnder } from '../../shared/runStoreSchemas';
import { layer, tinyPlan, trainerMessages } from './fixtures';

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'snn-runstore-'));
  roots.push(root);
  return root;
}
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
/** Run directories a test corrupts on purpose (left out of the schema check at the end). */
const tampered = new Set<string>();

describe('RunStore', () => {
  it('round-trips a whole run: config, meta, metrics, layers, summary (NaN kept)', () => {
    const store = new RunStore(tempRoot(), { progressFlushMs: 0 });
    const plan = tinyPlan();
    const runId = store.create(plan, { experiment: '/x/exp.snn.json', mode: 'train' });
    assert.match(runId, /^\d{8}-\d{6}-tiny-snn-model-depth-2-[0-9a-f]{4}$/);
    store.setStatus(runId, 'running');
    for (const message of trainerMessages(runId)) store.record(runId, message);

    const data = new RunStore(store.root).read(runId); // a fresh instance reads from disk only
    assert.ok(data);
    assert.deepEqual(data.config, plan.config);
    assert.equal(data.meta.status, 'finished');
    assert.equal(data.meta.schemaVersion, RUN_SCHEMA_VERSION);
    assert.equal(data.meta.backend?.name, 'wasm');
    assert.deepEqual(data.meta.executor, { kind: 'local', pid: 4242 });
    assert.equal(data.meta.totalSteps, 4);
    assert.deepEqual({ ...data.meta.sweepPoint }, { 'model.depth': 2 });
    assert.equal(
      Object.getPrototypeOf(data.meta.sweepPoint),
      null,
      'names from files never reach Object.prototype',
    );
    assert.equal(data.meta.variant, 'SNN');
    assert.ok(data.meta.startedAt && data.meta.endedAt);
    assert.deepEqual(
      data.metrics.map((m) => [m.kind, m.step]),
      [
        ['progress', 1],
        ['epoch', 2],
        ['progress', 3],
        ['epoch', 4],
      ],
    );
    assert.equal(data.layers.length, 1);
    assert.deepEqual(data.layers[0]?.layers, [layer(0), layer(1)]);
    assert.ok(Number.isNaN(data.layers[0]?.layers[0]?.updateRatio), 'NaN survives the JSON file');
    assert.equal(data.summary?.test.test_accuracy, 0.7);
    assert.ok(Number.isNaN(data.summary?.test.test_auc));
    assert.match(readFileSync(join(store.runDir(runId), 'trainer.log'), 'utf8'), /\[info\] halfway/);
  });

  it('never throws when its run directory vanishes mid-run; it logs once and keeps going', () => {
    const warnings: string[] = [];
    const logger = { info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const store = new RunStore(tempRoot(), { logger });
    const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    rmSync(store.runDir(runId), { recursive: true }); // e.g. deleted by hand while training
    const messages = trainerMessages(runId);
    assert.doesNotThrow(() => {
      for (const message of [...messages, ...messages]) store.record(runId, message);
      store.setStatus(runId, 'failed');
    });
    for (const file of ['metrics.jsonl', 'layers.jsonl', 'meta.json', 'summary.json']) {
      const fileWarnings = warnings.filter((w) => w.includes(`cannot write ${file}: ENOENT`));
      assert.equal(fileWarnings.length, 1, `${file}: ${warnings.join('\n')}`);
    }
    assert.equal(store.readMeta(runId)?.status, 'failed', 'the in-memory state stays current');
  });

  it('maps failed reasons to statuses and keeps the failure', () => {
    const store = new RunStore(tempRoot());
    const statuses = (['diverged', 'stopped', 'data', 'crashed'] as const).map((reason) => {
      const runId = store.create(tinyPlan(`r-${reason}`), { experiment: '/x/e.snn.json', mode: 'train' });
      store.record(runId, { type: 'failed', runId, reason, message: `because ${reason}`, step: 3, layer: 1 });
      const meta = store.list().find((m) => m.runId === runId);
      assert.equal(meta?.failure?.message, `because ${reason}`);
      return meta?.status;
    });
    assert.deepEqual(statuses, ['diverged', 'stopped', 'failed', 'failed']);
  });

  it('tolerates a truncated last line and skips a corrupt middle line', () => {
    const store = new RunStore(tempRoot());
    const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    for (const message of trainerMessages(runId).slice(0, 5)) store.record(runId, message);
    const metrics = join(store.runDir(runId), 'metrics.jsonl');
    tampered.add(store.runDir(runId));
    appendFileSync(metrics, '{"kind":"progress","step":9,"ep'); // a writer killed mid-line
    const data = new RunStore(store.root).read(runId);
    assert.deepEqual(
      data?.metrics.map((m) => m.step),
      [1, 2],
    );

    appendFileSync(
      metrics,
      '\n{"kind":"progress","step":10,"epoch":1,"loss":0.5,"samplesPerSec":1,"time":1}\n',
    );
    assert.deepEqual(
      new RunStore(store.root).read(runId)?.metrics.map((m) => m.step),
      [1, 2, 10],
    );
  });

  it('replaces meta.json atomically (new inode via rename, no temp files left)', () => {
    const store = new RunStore(tempRoot());
    const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    const metaPath = join(store.runDir(runId), 'meta.json');
    const oldLink = join(store.root, 'old-meta-link');
    linkSync(metaPath, oldLink); // a second name for the old inode: an in-place write would change it too
    const before = readFileSync(oldLink, 'utf8');
    store.setStatus(runId, 'running');
    assert.notEqual(statSync(metaPath).ino, statSync(oldLink).ino);
    assert.equal(readFileSync(oldLink, 'utf8'), before, 'the old version is complete and unchanged');
    assert.equal((JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta).status, 'running');
    assert.deepEqual(
      readdirSync(store.runDir(runId)).filter((f) => f.includes('.tmp-')),
      [],
    );
  });

  it('rejects unknown schema versions clearly and keeps listing the other runs', () => {
    const warnings: string[] = [];
    const store = new RunStore(tempRoot(), {
      logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    const good = store.create(tinyPlan('good'), { experiment: '/x/e.snn.json', mode: 'train' });
    const future = store.create(tinyPlan('future'), { experiment: '/x/e.snn.json', mode: 'train' });
    const metaPath = join(store.runDir(future), 'meta.json');
    tampered.add(store.runDir(future));
    writeFileSync(
      metaPath,
      JSON.stringify({ ...JSON.parse(readFileSync(metaPath, 'utf8')), schemaVersion: 99 }),
    );
    const reader = new RunStore(store.root, {
      logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    assert.deepEqual(
      reader.list().map((m) => m.runId),
      [good],
    );
    assert.equal(reader.read(future), undefined);
    assert.ok(
      warnings.some(
        (w) => w.includes(future) && /schemaVersion 99 is newer than this SNN Lab understands \(2\)/.test(w),
      ),
      warnings.join('\n'),
    );
  });

  it('recoverInterrupted marks running/queued runs of dead owners as interrupted, nothing else', () => {
    const store = new RunStore(tempRoot());
    const ids = ['dead-running', 'dead-queued', 'alive-running', 'dead-finished'].map((name) =>
      store.create(tinyPlan(name), { experiment: '/x/e.snn.json', mode: 'train' }),
    );
    const [deadRunning, deadQueued, aliveRunning, deadFinished] = ids as [
      (typeof ids)[0],
      (typeof ids)[0],
      (typeof ids)[0],
      (typeof ids)[0],
    ];
    store.setStatus(deadRunning, 'running');
    store.setStatus(aliveRunning, 'running');
    store.setStatus(deadFinished, 'finished');
    const other = new RunStore(store.root); // a later session: it owns none of these runs
    const changes: RunChange[] = [];
    other.onDidChange((c) => changes.push(c));
    const recovered = other.recoverInterrupted((meta) => meta.runId === aliveRunning);
    assert.deepEqual(recovered.sort(), [deadQueued, deadRunning].sort());
    const status = new Map(new RunStore(store.root).list().map((m) => [m.runId, m.status]));
    assert.deepEqual(
      ids.map((id) => status.get(id)),
      ['interrupted', 'interrupted', 'running', 'finished'],
    );
    assert.equal(changes.filter((c) => c.kind === 'updated').length, 2);
  });

  it('list() of a reader sees every meta.json rewrite by another writer (cache keyed by inode/mtime/size)', () => {
    const root = tempRoot();
    const writer = new RunStore(root);
    const reader = new RunStore(root);
    const runId = writer.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    const statuses = [reader.list()[0]?.status];
    for (const status of ['running', 'stopped'] as const) {
      writer.setStatus(runId, status);
      statuses.push(reader.list()[0]?.status);
    }
    assert.deepEqual(statuses, ['queued', 'running', 'stopped']);
    const copy = reader.readMeta(runId);
    if (copy) copy.status = 'failed'; // callers get copies: mutating one does not change the cache
    assert.equal(reader.readMeta(runId)?.status, 'stopped');
  });

  it('refresh() reports runs another process creates, updates, appends to and deletes', () => {
    const root = tempRoot();
    const watcher = new RunStore(root);
    const changes: RunChange[] = [];
    watcher.onDidChange((c) => changes.push(c));
    const writer = new RunStore(root, { progressFlushMs: 0 }); // stands in for the CLI or a Slurm task
    const runId = writer.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    watcher.refresh();
    assert.deepEqual(changes.splice(0), [{ kind: 'created', runId }]);
    const messages = trainerMessages(runId);
    for (const message of messages.slice(0, 4)) writer.record(runId, message);
    watcher.refresh();
    assert.deepEqual(changes.map((c) => c.kind).sort(), ['layers', 'metrics', 'updated']);
    const metric = changes.find((c) => c.kind === 'metrics');
    assert.equal(metric?.kind === 'metrics' && metric.record.step, 1);
    changes.length = 0;
    watcher.refresh();
    assert.equal(changes.length, 0, 'nothing new, nothing reported');
    for (const message of messages.slice(4)) writer.record(runId, message); // to 'finished'
    watcher.refresh();
    assert.deepEqual(
      changes.map((c) => (c.kind === 'metrics' ? `metrics ${c.record.step}` : c.kind)),
      ['metrics 2', 'metrics 3', 'metrics 4', 'updated'],
      'every line before the terminal meta.json, then the update',
    );
    assert.equal(watcher.readMeta(runId)?.status, 'finished');
    changes.length = 0;
    writer.delete(runId);
    watcher.refresh();
    assert.deepEqual(changes, [{ kind: 'deleted', runId }]);
  });
});

test('every run the store wrote here satisfies the run-store schemas (docs/run-store.md)', () => {
  const { runs, problems } = schemaProblemsUnder(roots, tampered);
  assert.ok(runs >= 10, `runs checked: ${runs}`);
  assert.deepEqual(problems, []);
});
