// RunManager + TrainerProcess against a scripted fake trainer (real child processes, fake training):
// queue limits, cancellation, crashes, protocol errors, invalid messages, stop with and without cooperation.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import type { Logger } from '../../../src/runs/logger';
import { RunManager } from '../../../src/runs/runManager';
import { RunStore } from '../../../src/runs/runStore';
import { TrainerProcess } from '../../../src/runs/trainerProcess';
import { trainerWasmFlags } from '../../../src/runs/wasmFlags';
import { writeFakeTrainer } from './fakeTrainer';
import { tinyPlan } from './fixtures';
import { schemaProblemsUnder } from '../../shared/runStoreSchemas';

const trainerPath = writeFakeTrainer();
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function setup(env: Record<string, string> = {}, maxConcurrent = 1, stopGraceMs = 2000) {
  const root = mkdtempSync(join(tmpdir(), 'snn-manager-'));
  roots.push(root);
  const logs: string[] = [];
  const logger: Logger = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const store = new RunStore(root, { logger });
  const manager = new RunManager({ trainerPath, store, logger, maxConcurrent, env, stopGraceMs });
  return { store, manager, logs };
}

const start = { experiment: '/nowhere/exp.snn.json', mode: 'train' as const };

describe('RunManager with a fake trainer', () => {
  it('runs two plans one at a time with limit 1, each to finished', async () => {
    const { store, manager } = setup();
    let maxActive = 0;
    manager.onDidChangeRun(() => (maxActive = Math.max(maxActive, manager.active().length)));
    const ids = manager.enqueue([tinyPlan('a'), tinyPlan('b')], start);
    assert.deepEqual(manager.active(), [ids[0]]);
    assert.deepEqual(manager.queued(), [ids[1]]);
    assert.deepEqual(await Promise.all(ids.map((id) => manager.whenDone(id))), ['finished', 'finished']);
    assert.equal(maxActive, 1);
    const [a, b] = ids.map((id) => store.read(id));
    assert.ok(a && b && a.meta.endedAt && b.meta.startedAt);
    assert.ok(b.meta.startedAt >= a.meta.endedAt, 'b started after a ended');
    assert.equal(a.metrics.length, 5);
    assert.equal(a.meta.backend?.name, 'cpu');
    await manager.dispose();
  });

  it('cancels a queued run without ever starting it', async () => {
    const { store, manager } = setup();
    const [first, second] = manager.enqueue([tinyPlan('a'), tinyPlan('b')], start) as [never, never];
    await manager.stop(second);
    assert.equal(await manager.whenDone(second), 'cancelled');
    assert.deepEqual(store.readMeta(second)?.executor, { kind: 'local' }, 'no trainer pid: never started');
    assert.equal(await manager.whenDone(first), 'finished');
    await manager.dispose();
  });

  it('turns a trainer that exits mid-run into failed/crashed and keeps what it recorded', async () => {
    const { store, manager } = setup({ FAKE_MODE: 'crash' });
    const [runId] = manager.enqueue([tinyPlan()], start) as [never];
    assert.equal(await manager.whenDone(runId), 'failed');
    const data = store.read(runId);
    assert.equal(data?.meta.failure?.reason, 'crashed');
    assert.match(data?.meta.failure?.message ?? '', /exit code 3/);
    assert.deepEqual(
      data?.metrics.map((m) => m.step),
      [0, 1],
    );
    await manager.dispose();
  });

  it('fails loudly on a protocol version mismatch', async () => {
    const { store, manager, logs } = setup({ FAKE_MODE: 'badversion' });
    const [runId] = manager.enqueue([tinyPlan()], start) as [never];
    assert.equal(await manager.whenDone(runId), 'failed');
    const failure = store.readMeta(runId)?.failure;
    assert.equal(failure?.reason, 'internal');
    assert.match(failure?.message ?? '', /protocol version 999 does not match the host's 1/);
    assert.ok(logs.some((l) => l.startsWith('error') && l.includes('protocol version 999')));
    await manager.dispose();
  });

  it('logs an invalid message kind once and ignores it', async () => {
    const { manager, logs } = setup({ FAKE_MODE: 'invalid' });
    const [runId] = manager.enqueue([tinyPlan()], start) as [never];
    assert.equal(await manager.whenDone(runId), 'finished');
    const invalid = logs.filter((l) => l.includes('ignored an invalid or unknown trainer message'));
    assert.equal(invalid.length, 2, invalid.join('\n')); // one for 'progress', one for 'bogus'
    await manager.dispose();
  });

  it('warns about at most 32 invalid kinds, each name cut, when a trainer sends a new type with every message', async () => {
    const { manager, logs } = setup({ FAKE_MODE: 'manykinds' });
    const [runId] = manager.enqueue([tinyPlan()], start) as [never];
    assert.equal(await manager.whenDone(runId), 'finished');
    const invalid = logs.filter((l) => l.includes('ignored an invalid or unknown trainer message'));
    assert.equal(invalid.length, 32, `500 distinct kinds sent; warnings: ${invalid.length}`);
    assert.ok(
      invalid.every((l) => l.length < 600),
      'each warning shows a cut kind and a 200-character preview',
    );
    await manager.dispose();
  });

  it('stops a running run, and kills one that ignores stop after the grace period', async () => {
    for (const mode of ['normal', 'ignorestop']) {
      const { store, manager } = setup({ FAKE_MODE: mode, FAKE_STEPS: '1000' }, 1, 300);
      const [runId] = manager.enqueue([tinyPlan()], start) as [never];
      await new Promise<void>((resolve) => {
        const sub = manager.onMessage(({ message }) => {
          if (message.type === 'progress') {
            sub.dispose();
            resolve();
          }
        });
      });
      await manager.stop(runId);
      assert.equal(await manager.whenDone(runId), 'stopped', mode);
      const failure = store.readMeta(runId)?.failure;
      assert.equal(failure?.reason, 'stopped', mode);
      if (mode === 'ignorestop') assert.match(failure?.message ?? '', /signal SIGKILL/);
      assert.ok((store.read(runId)?.metrics.length ?? 0) < 1000, mode);
      await manager.dispose();
    }
  });

  it('stops a run before its trainer is ready: no start is sent, the run ends stopped', async () => {
    const { store, manager } = setup();
    const [runId] = manager.enqueue([tinyPlan()], start) as [never];
    await manager.stop(runId);
    assert.equal(await manager.whenDone(runId), 'stopped');
    const data = store.read(runId);
    assert.equal(data?.meta.totalSteps, undefined, 'never started training');
    assert.deepEqual(data?.metrics, []);
    await manager.dispose();
  });

  it('whenDone rejects for runs it does not run, unless they have ended', async () => {
    const { store, manager } = setup();
    const other = store.create(tinyPlan('elsewhere'), start);
    await assert.rejects(manager.whenDone(other), /is not run by this run manager/);
    store.setStatus(other, 'finished');
    assert.equal(await manager.whenDone(other), 'finished');
    await assert.rejects(manager.whenDone('nope' as never), /unknown run nope/);
  });

  it("starts trainers with the wasm flags this Node needs and the given ones only (not the host's own)", async () => {
    for (const execArgv of [undefined, ['--max-old-space-size=123']]) {
      const trainer = new TrainerProcess({
        trainerPath,
        logger: { info() {}, warn() {}, error() {} },
        env: { FAKE_MODE: 'execargv' },
        ...(execArgv ? { execArgv } : {}),
      });
      try {
        const seen = new Promise<string>((resolve) =>
          trainer.onMessage((m) => m.type === 'log' && resolve(m.message)),
        );
        const expected = [...trainerWasmFlags(process.execPath), ...(execArgv ?? [])];
        assert.equal(await seen, `execArgv ${JSON.stringify(expected)}`);
      } finally {
        trainer.dispose();
        await trainer.whenExited();
      }
    }
  });

  it('fails a run whose Node executable cannot be started, saying why', async () => {
    const root = mkdtempSync(join(tmpdir(), 'snn-manager-'));
    roots.push(root);
    const store = new RunStore(root);
    const logger: Logger = { info() {}, warn() {}, error() {} };
    const manager = new RunManager({ trainerPath, store, logger, execPath: join(root, 'no-such-node') });
    const [runId] = manager.enqueue([tinyPlan()], start) as [never];
    assert.equal(await manager.whenDone(runId), 'failed');
    const failure = store.readMeta(runId)?.failure;
    assert.equal(failure?.reason, 'internal');
    assert.match(failure?.message ?? '', /could not start the trainer .*no-such-node.*ENOENT/);
  });

  it('fails a run whose trainer file is missing, with a build hint', async () => {
    const root = mkdtempSync(join(tmpdir(), 'snn-manager-'));
    roots.push(root);
    const store = new RunStore(root);
    const logger: Logger = { info() {}, warn() {}, error() {} };
    const manager = new RunManager({ trainerPath: join(root, 'missing.js'), store, logger });
    const [runId] = manager.enqueue([tinyPlan()], start) as [never];
    assert.equal(await manager.whenDone(runId), 'failed');
    assert.match(store.readMeta(runId)?.failure?.message ?? '', /trainer not found .*node esbuild\.mjs/);
  });
});

test('every run these tests wrote satisfies the run-store schemas (docs/run-store.md)', () => {
  const { runs, problems } = schemaProblemsUnder(roots);
  assert.ok(runs >= 8, `runs checked: ${runs}`);
  assert.deepEqual(problems, []);
});
