/**
 * Hostile trainer IPC messages (issue 13): sequences of what a broken or compromised trainer process could send —
 * every message type, valid, mutated (a field at any depth replaced by a hostile value or removed), with metric names
 * such as `__proto__` and `constructor` (issue 13 item 8), or any hostile value — go through what the run engine
 * does with them (RunManager: the guard parseTrainerToHost, messages for another run ignored, then RunStore.record)
 * and then through everything that reads the run: the live dashboard feed (tail → appended data), a fresh dashboard
 * snapshot, the sidebar rows, the Study tab and `snn-lab runs list/show`. A second test sends a sample of the same messages through
 * real IPC from a scripted trainer process to a RunManager. Invariants: nothing throws, the run's status stays a
 * known one, an accepted metric name reaches the dashboard payload as data, nothing outside the run's directory is
 * touched, Object.prototype unchanged, a deadline per case, peak memory bounded.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as fc from 'fast-check';
import { registerRunsCommand } from '../../src/cli/runsCommand';
import { RUN_STATUSES } from '../../src/core/runStatus';
import type { RunId } from '../../src/protocol/ids';
import { parseTrainerToHost } from '../../src/protocol/trainerParse';
import type { CurveSeries } from '../../src/protocol/webview';
import { DashboardFeed } from '../../src/host/webviews/dashboardFeed';
import { SidebarRows } from '../../src/host/webviews/sidebarRows';
import { StudyFeed } from '../../src/host/webviews/studyFeed';
import type { Logger } from '../../src/runs/logger';
import { RunManager } from '../../src/runs/runManager';
import { RunStore } from '../../src/runs/runStore';
import { tinyPlan, trainerMessages } from '../unit/runs/fixtures';
import { runFuzz, withDeadline } from './budget';
import { cliInProcess } from './cliInProcess';
import { FUZZ_EXPERIMENT, snapshotTree, writeOutside } from './fuzzStore';
import { assertNoPollution, HOSTILE_STRINGS, hostileNumber, hostileValue, ownRecord } from './hostile';

const CASE_DEADLINE_MS = 5_000;

const work = mkdtempSync(join(tmpdir(), 'snn-fuzz-trainer-'));
after(() => rmSync(work, { recursive: true, force: true }));
const outside = join(work, 'outside');
writeOutside(outside);
const outsideBefore = snapshotTree(outside);

/** Stands for the case's run id in generated messages (replaced when the case runs); other ids stay. */
const SELF = '20261207-000000-self-0000' as RunId;
const valid = trainerMessages(SELF) as unknown as Record<string, unknown>[];

/** An epochEnd whose metric names are the ones that broke payload builders (item 8), with any numbers. */
const hostileMetrics = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...HOSTILE_STRINGS, 'loss', 'val_accuracy'), hostileNumber), {
      maxLength: 6,
    }),
    fc.nat(10),
  )
  .map(([entries, step]) => ({ type: 'epochEnd', runId: SELF, epoch: 0, step, metrics: ownRecord(entries) }));

/** A valid message with one field, at depth ≤ 3, replaced by a hostile value or removed. */
const mutated = fc
  .tuple(
    fc.constantFrom(...valid),
    fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    hostileValue,
  )
  .map(([message, path, remove, value]) => {
    const copy = structuredClone(message);
    let target: Record<string, unknown> = copy;
    for (const [depth, choice] of path.entries()) {
      const keys = Object.keys(target);
      const key = keys[choice % Math.max(1, keys.length)] ?? 'extra';
      if (depth === path.length - 1 || typeof target[key] !== 'object' || target[key] === null) {
        if (remove) delete target[key];
        else {
          Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
        }
        break;
      }
      target = target[key] as Record<string, unknown>;
    }
    return copy;
  });

const anyMessage: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...valid) },
  { weight: 4, arbitrary: mutated },
  { weight: 2, arbitrary: hostileMetrics },
  { weight: 1, arbitrary: hostileValue },
);

/** Replaces the placeholder run id by the case's own, at any depth (other ids stay: messages for another run). */
function withRunId(value: unknown, runId: RunId): unknown {
  if (value === SELF) return runId;
  if (Array.isArray(value)) return value.map((item) => withRunId(item, runId));
  if (typeof value !== 'object' || value === null) return value;
  return ownRecord(Object.entries(value).map(([key, item]) => [key, withRunId(item, runId)]));
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function runCase(index: number, messages: unknown[]): Promise<void> {
  const root = join(work, `case-${index}`);
  const store = new RunStore(root, { logger: quiet });
  const runId = store.create(tinyPlan('fuzz/trainer'), { experiment: FUZZ_EXPERIMENT, mode: 'train' });
  store.setStatus(runId, 'running');
  const watcher = new RunStore(root, { logger: quiet });
  const live = new DashboardFeed(watcher);
  const deltas: unknown[] = [];
  live.attach({ append: (d) => deltas.push(d), queue: (b) => deltas.push(b) });
  live.select([runId]);
  await live.snapshot();
  watcher.onDidChange((change) => live.apply(change));
  const metricNames = new Set<string>();
  let lastEpoch = -1;
  for (const raw of messages) {
    // What RunManager does with a trainer's message (src/runs/runManager.ts): the guard, then only its own run.
    const message = parseTrainerToHost(withRunId(raw, runId));
    if (!message) continue;
    if ('runId' in message && message.runId !== runId) continue;
    store.record(runId, message);
    // The dashboard keeps one epoch-end record per epoch, the first (later ones repeat an epoch it holds).
    if (message.type === 'epochEnd' && message.epoch > lastEpoch) {
      lastEpoch = message.epoch;
      for (const [name, value] of Object.entries(message.metrics)) {
        if (Number.isFinite(value)) metricNames.add(name);
      }
    }
  }
  store.flush();
  watcher.refresh();
  for (const delta of deltas) assert.ok(JSON.stringify(delta) !== undefined);

  const reader = new RunStore(root, { logger: quiet });
  const meta = reader.readMeta(runId);
  assert.ok(meta && (RUN_STATUSES as readonly string[]).includes(meta.status), `status ${meta?.status}`);
  const feed = new DashboardFeed(reader);
  feed.select([runId]);
  const snapshot = await feed.snapshot();
  assert.equal(snapshot.type, 'snapshot');
  const curves: Record<string, CurveSeries> | undefined =
    snapshot.type === 'snapshot' ? snapshot.runs[0]?.curves : undefined;
  for (const name of metricNames) {
    assert.ok(curves && Object.hasOwn(curves, name), `metric "${name}" missing from the dashboard payload`);
    assert.ok(Array.isArray(curves[name]?.value), `metric "${name}" is not a series`);
  }
  assert.ok(JSON.stringify(snapshot).length > 0);
  JSON.stringify(new SidebarRows(reader).all());
  // The Study tab's answer holds the finished run's final metrics under their names (`__proto__` included).
  const study = new StudyFeed(reader).study(FUZZ_EXPERIMENT);
  assert.ok(JSON.stringify(study).length > 0);
  for (const args of [['list'], ['show', runId, '--json']]) {
    const cli = await cliInProcess(registerRunsCommand, ['runs', ...args, '--runs-dir', root]);
    assert.equal(cli.code, 0, `snn-lab runs ${args.join(' ')} exit ${cli.code}: ${cli.out.slice(0, 300)}`);
  }
  for (const s of [store, watcher, reader]) s.dispose();
  rmSync(root, { recursive: true, force: true });
  assert.deepEqual(snapshotTree(outside), outsideBefore, 'nothing outside the runs directory changed');
  assertNoPollution();
}

test(
  'fuzz: hostile trainer messages through the run engine, the store, the dashboard and snn-lab runs',
  { timeout: 600_000 },
  async () => {
    let index = 0;
    const property = fc.asyncProperty(
      fc.array(anyMessage, { minLength: 1, maxLength: 10 }),
      withDeadline(CASE_DEADLINE_MS, (messages) => runCase(index++, messages)),
    );
    await runFuzz(property, {
      name: 'trainer messages',
      file: 'trainerMessages.test.js',
      budgetMs: 12_000,
      minCases: 40,
      maxPeakRssMiB: 400,
    });
  },
);

/** A trainer that sends the messages in MESSAGES_FILE (one JSON per line) after `start`, then exits. */
const HOSTILE_TRAINER = String.raw`
const lines = require('fs').readFileSync(process.env.MESSAGES_FILE, 'utf8').split('\n').filter(Boolean);
process.send({ type: 'ready', protocolVersion: Number(process.env.PROTOCOL), backend: { name: 'cpu', versions: {} }, pid: process.pid });
process.on('message', (m) => {
  if (m.type !== 'start') return;
  for (const line of lines) process.send(JSON.parse(line.split('@RUN@').join(m.runId)));
  setTimeout(() => process.exit(0), 20);
});
`;

test(
  'a trainer process sending 300 hostile messages over real IPC: the run ends recorded, the host keeps going',
  { timeout: 120_000 },
  async () => {
    const root = join(work, 'ipc');
    const script = join(work, 'hostile-trainer.js');
    writeFileSync(script, HOSTILE_TRAINER);
    const sample = fc
      .sample(fc.array(anyMessage, { minLength: 30, maxLength: 30 }), { seed: 7, numRuns: 10 })
      .flat();
    const file = join(work, 'messages.jsonl');
    const lines = sample.map(
      (m) => JSON.stringify(m, (_key, v: unknown) => (v === SELF ? '@RUN@' : v)) ?? 'null',
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const logs: string[] = [];
    const logger: Logger = { info: () => undefined, warn: (m) => logs.push(m), error: (m) => logs.push(m) };
    const store = new RunStore(root, { logger });
    const { PROTOCOL_VERSION } = await import('../../src/protocol/version');
    const manager = new RunManager({
      trainerPath: script,
      store,
      logger,
      env: { MESSAGES_FILE: file, PROTOCOL: String(PROTOCOL_VERSION) },
      stopGraceMs: 2_000,
    });
    const [runId] = manager.enqueue([tinyPlan('fuzz/ipc')], {
      experiment: '/x/fuzz.snn.json',
      mode: 'train',
    });
    const status = await manager.whenDone(runId as RunId);
    await manager.dispose();
    assert.ok(['finished', 'failed'].includes(status), `the run ended ${status}`);
    assert.equal(new RunStore(root).readMeta(runId as RunId)?.status, status, 'the ending is recorded');
    assert.ok(
      logs.some((l) => l.includes('ignored an invalid or unknown trainer message')),
      'refusals are logged',
    );
    const feed = new DashboardFeed(new RunStore(root));
    feed.select([runId as RunId]);
    assert.ok(JSON.stringify(await feed.snapshot()).length > 0);
    assert.deepEqual(snapshotTree(outside), outsideBefore);
    assertNoPollution();
  },
);
