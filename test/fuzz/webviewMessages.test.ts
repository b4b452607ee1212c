/**
 * Hostile webview messages (issue 13): sequences of messages a compromised dashboard or sidebar webview could post —
 * every message type the host accepts, valid, mutated (a field at any depth replaced by a hostile value, removed,
 * or a `__proto__`/extra key added) or replaced by any hostile value — go through the real host side: the
 * WebviewChannel (guard, ready/resync, snapshots, coalesced pushes), the dashboard feed (selectRuns), the Study tab
 * feed (requestStudy, requestPredictions) and the sidebar rows, over a store of real runs. The action messages
 * (openDashboard, stopRun, exportRun, saveFile, error) reach VS Code commands and a save dialog: here their parsed
 * form is checked (run ids by the one pattern, a file name without a path). Invariants per case: every message is
 * accepted or refused with a logged warning, nothing throws or rejects, everything posted back serialises as JSON,
 * nothing in or outside the runs directory changes, Object.prototype unchanged, a deadline per case, peak memory
 * bounded.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as fc from 'fast-check';
import { isRunIdText } from '../../src/core/runIdPattern';
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import { MAX_SAVE_BYTES, parseWebviewToHost, type WebviewToHost } from '../../src/protocol/webview';
import { DashboardFeed } from '../../src/host/webviews/dashboardFeed';
import { SidebarRows } from '../../src/host/webviews/sidebarRows';
import { StudyFeed } from '../../src/host/webviews/studyFeed';
import { WebviewChannel, type ChannelLog } from '../../src/host/webviews/webviewChannel';
import { RunStore } from '../../src/runs/runStore';
import { runFuzz, withDeadline } from './budget';
import { FUZZ_EXPERIMENT, snapshotTree, writeOutside, writeRuns } from './fuzzStore';
import { assertNoPollution, HOSTILE_STRINGS, hostileValue, ownRecord } from './hostile';

const CASE_DEADLINE_MS = 5_000;

const work = mkdtempSync(join(tmpdir(), 'snn-fuzz-webview-'));
after(() => rmSync(work, { recursive: true, force: true }));
const root = join(work, 'runs');
const outside = join(work, 'outside');
const runIds = writeRuns(root);
writeOutside(outside);
const treeBefore = snapshotTree(work);

/** Ids a webview may name: real ones, well-formed unknown ones, and the path tricks the pattern must refuse. */
const idLike = fc.oneof(
  fc.constantFrom(...runIds),
  fc.constantFrom('20261127-083012-fuzz-a3f9', 'b.2', '.', '..', '../outside', '', 'a/b', 'x'.repeat(300)),
  fc.constantFrom(...HOSTILE_STRINGS),
);
const tabLike = fc.constantFrom('curves', 'layers', 'distributions', 'fixedPoint', 'study', 'theory', 'x', 7);
const fileLike = fc.constantFrom(FUZZ_EXPERIMENT, '/etc/passwd', '../../x.snn.json', '', 'x'.repeat(5_000));

/** One well-formed message of every type the host accepts (values may still be unknown or refused). */
const validMessage: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    type: fc.constant('ready'),
    protocolVersion: fc.constantFrom(PROTOCOL_VERSION, PROTOCOL_VERSION + 1, -1),
    view: fc.constantFrom('dashboard', 'sidebar', 'other'),
  }),
  fc.record({ type: fc.constant('resync'), lastSeq: fc.integer() }),
  fc.record({ type: fc.constant('selectRuns'), runIds: fc.array(idLike, { maxLength: 6 }) }),
  fc.record(
    { type: fc.constant('openDashboard'), runIds: fc.array(idLike, { maxLength: 4 }), tab: tabLike },
    { requiredKeys: ['type', 'runIds'] },
  ),
  fc.record({ type: fc.constantFrom('stopRun', 'exportRun'), runId: idLike }),
  fc.record({
    type: fc.constant('saveFile'),
    format: fc.constantFrom('png', 'csv', 'svg'),
    fileName: fc.constantFrom('curves.csv', 'x.png', '../x.csv', '/etc/passwd', 'a\u0000b.csv', '..'),
    data: fc.constantFrom('a,b\n1,2\n', 'data:image/png;base64,AAAA', 'data:text/html,<script>'),
  }),
  fc.record({ type: fc.constant('tabChanged'), tab: tabLike }),
  fc.record({
    type: fc.constant('error'),
    message: fc.constantFrom('boom', '\u001b[2J', 'x'.repeat(30_000)),
  }),
  fc.record({ type: fc.constant('requestStudy'), file: fileLike }),
  fc.record({ type: fc.constant('requestPredictions'), runIds: fc.array(idLike, { maxLength: 6 }) }),
);

/** A copy of `message` with one top-level field replaced or removed, or a prototype-named key added. */
const mutated = fc
  .tuple(validMessage, fc.nat(), fc.constantFrom('replace', 'remove', 'add'), hostileValue)
  .map(([message, which, how, value]) => {
    const keys = Object.keys(message);
    const key =
      how === 'add'
        ? (['__proto__', 'constructor', 'extra'][which % 3] as string)
        : keys[which % keys.length];
    const entries = Object.entries(message).filter(([k]) => !(how === 'remove' && k === key));
    return ownRecord(
      how === 'remove' ? entries : [...entries.filter(([k]) => k !== key), [key as string, value]],
    );
  });

const anyMessage = fc.oneof(
  { weight: 3, arbitrary: validMessage },
  { weight: 3, arbitrary: mutated },
  hostileValue,
);

/** An accepted action message (one VS Code runs as a command or a save dialog) has only safe values. */
function checkAction(m: WebviewToHost): void {
  if (m.type === 'openDashboard' || m.type === 'selectRuns' || m.type === 'requestPredictions') {
    assert.ok(m.runIds.length <= 256 && m.runIds.every((id) => isRunIdText(id)), 'run ids by the pattern');
  }
  if (m.type === 'stopRun' || m.type === 'exportRun') assert.ok(isRunIdText(m.runId), `run id ${m.runId}`);
  if (m.type === 'saveFile') {
    assert.ok(
      !/[/\\]|^[. ]+$/.test(m.fileName) && !m.fileName.includes('\0'),
      `a save name with a path: ${JSON.stringify(m.fileName)}`,
    );
    assert.ok(m.data.length <= MAX_SAVE_BYTES);
  }
}

async function runCase(view: 'dashboard' | 'sidebar', messages: unknown[]): Promise<void> {
  const store = new RunStore(root);
  const feed = new DashboardFeed(store);
  const studies = new StudyFeed(store);
  const rows = new SidebarRows(store);
  const warnings: string[] = [];
  const log: ChannelLog = {
    info: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
  const posted: unknown[] = [];
  let listener: (message: unknown) => unknown = () => undefined;
  const pending: Promise<unknown>[] = [];
  const channel = new WebviewChannel({
    webview: {
      postMessage: (message) => {
        posted.push(message);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: (l) => {
        listener = l;
        return { dispose: () => undefined };
      },
    },
    view,
    log,
    intervalMs: 0,
    snapshot:
      view === 'dashboard'
        ? () => feed.snapshot()
        : async () => ({ type: 'sidebarSnapshot', runs: rows.all() }),
    // What DashboardPanels.onMessage does with the messages it handles itself (the rest are VS Code commands).
    onMessage: (m) => {
      checkAction(m);
      if (view !== 'dashboard') return;
      if (m.type === 'selectRuns') pending.push(feed.changeSelection(m.runIds));
      else if (m.type === 'requestStudy') channel.post(studies.study(m.file));
      else if (m.type === 'requestPredictions') channel.post(studies.predictions(m.runIds));
    },
  });
  feed.attach({ append: (d) => channel.append(d), queue: (b) => channel.queue(b) });
  let refused = 0;
  for (const message of messages) {
    if (!parseWebviewToHost(message).ok) refused++;
    listener(message);
  }
  await Promise.all(pending);
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 1));
  channel.dispose();
  store.dispose();
  assert.ok(warnings.length >= refused, `${refused} messages refused, ${warnings.length} logged`);
  for (const message of posted) {
    // VS Code serialises postMessage as JSON: it must not throw (no cycles, no BigInt) and stays bounded.
    const length = JSON.stringify(message)?.length ?? 0;
    assert.ok(length < 64 * 1024 * 1024, `a posted message of ${length} characters`);
  }
  assert.deepEqual(snapshotTree(work), treeBefore, 'nothing in or outside the runs directory changed');
  assertNoPollution();
}

test(
  'fuzz: hostile webview messages through the channel, the dashboard, Study and sidebar feeds',
  { timeout: 600_000 },
  async () => {
    const property = fc.asyncProperty(
      fc.constantFrom('dashboard' as const, 'sidebar' as const),
      fc.array(anyMessage, { minLength: 1, maxLength: 6 }),
      withDeadline(CASE_DEADLINE_MS, async (view, messages) => {
        // Most cases start with a valid `ready`, so the channel is live while the hostile messages arrive.
        await runCase(view, [{ type: 'ready', protocolVersion: PROTOCOL_VERSION, view }, ...messages]);
      }),
    );
    await runFuzz(property, {
      name: 'webview messages',
      file: 'webviewMessages.test.js',
      budgetMs: 12_000,
      minCases: 150,
      maxPeakRssMiB: 400,
    });
  },
);

test('a run id naming a path is refused by every message that carries one', () => {
  for (const bad of ['.', '..', '../outside', 'a/b', '']) {
    for (const message of [
      { type: 'stopRun', runId: bad },
      { type: 'exportRun', runId: bad },
      { type: 'selectRuns', runIds: [bad] },
      { type: 'requestPredictions', runIds: [runIds[0], bad] },
    ]) {
      assert.equal(parseWebviewToHost(message).ok, false, JSON.stringify(message));
    }
  }
});
