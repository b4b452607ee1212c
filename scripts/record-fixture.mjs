#!/usr/bin/env node
// @ts-check
// Records a dashboard message stream from REAL trainer runs: runs an experiment through the run store and run
// manager (dist/trainer.js) while a DashboardFeed + WebviewChannel push to a recording fake webview, exactly as
// the extension host would; writes the messages as JSONL. Usage:
//   node scripts/record-fixture.mjs [experiment] [out.jsonl]   (defaults: the SNN vs ReLU+BN fixture)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT as root, builtTrainer, importRecorder } from './fixtureRecorder.mjs';

/** @typedef {import('../src/protocol/webview.ts').HostToWebview} HostToWebview */
/** @typedef {import('../src/core/runStatus.ts').RunStatus} RunStatus */

const experiment = resolve(process.argv[2] ?? join(root, 'test/fixtures/streams/snn-vs-relu.snn.json'));
const out = resolve(process.argv[3] ?? join(root, 'test/fixtures/streams/snn-vs-relu.jsonl'));
const trainer = builtTrainer();

// The recorder itself is TypeScript over the real host classes; bundle it to a temp module and import it.
const entry = `
import { RunStore } from './src/runs/runStore';
import { RunManager } from './src/runs/runManager';
import { DashboardFeed } from './src/host/webviews/dashboardFeed';
import { WebviewChannel } from './src/host/webviews/webviewChannel';
import { SidebarRows } from './src/host/webviews/sidebarRows';
import { loadExperiment } from './src/node/loadExperiment';
import { PROTOCOL_VERSION } from './src/protocol/version';
export async function record(experiment, runsDir, trainerPath) {
  const loaded = await loadExperiment(experiment);
  if (!loaded.file) throw new Error(loaded.problems.map((p) => p.line + ':' + p.col + ' ' + p.message).join('\\n'));
  const logger = { info: () => {}, warn: (m) => console.warn(m), error: (m) => console.error(m) };
  const store = new RunStore(runsDir, { logger, progressFlushMs: 200 });
  const manager = new RunManager({ trainerPath, store, logger, maxConcurrent: 2 });
  const recorder = () => {
    const r = { messages: [], receive: () => {} };
    r.webview = {
      postMessage: (m) => { r.messages.push(JSON.parse(JSON.stringify(m))); return Promise.resolve(true); },
      onDidReceiveMessage: (listener) => { r.receive = listener; return { dispose() {} }; },
    };
    return r;
  };
  const dash = recorder();
  const side = recorder();
  const feed = new DashboardFeed(store);
  const rows = new SidebarRows(store);
  const channel = new WebviewChannel({ webview: dash.webview, view: 'dashboard', log: logger, snapshot: () => feed.snapshot(), onMessage: () => {} });
  const sidebar = new WebviewChannel({
    webview: side.webview, view: 'sidebar', log: logger,
    snapshot: () => ({ type: 'sidebarSnapshot', runs: rows.all() }),
    pending: () => { const u = rows.takeUpdate(); return u ? [{ type: 'sidebarUpdate', ...u }] : []; },
    onMessage: () => {},
  });
  feed.attach({ append: (d) => channel.append(d), queue: (b) => channel.queue(b) });
  const ids = manager.enqueue(loaded.plans, { experiment: loaded.path, mode: 'train', backend: 'wasm' });
  feed.select(ids);
  store.onDidChange((change) => {
    if (rows.apply(change)) sidebar.poke();
    feed.apply(change);
  });
  dash.receive({ type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'dashboard' });
  side.receive({ type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'sidebar' });
  const statuses = await Promise.all(ids.map((id) => manager.whenDone(id)));
  await new Promise((r) => setTimeout(r, 400));
  channel.dispose();
  sidebar.dispose();
  await manager.dispose();
  store.dispose();
  return { messages: dash.messages, sidebarMessages: side.messages, statuses };
}`;
/**
 * The bundle's one export (the `entry` source above); messages are what the webviews were sent.
 * @type {{ record: (experiment: string, runsDir: string, trainerPath: string) => Promise<{
 *   messages: HostToWebview[], sidebarMessages: HostToWebview[], statuses: RunStatus[] }> }}
 */
const { record } = await importRecorder(entry, 'record-fixture');
const runsDir = mkdtempSync(join(tmpdir(), 'snn-record-runs-'));
try {
  const started = Date.now();
  const { messages, sidebarMessages, statuses } = await record(experiment, runsDir, trainer);
  if (statuses.some((s) => s !== 'finished')) {
    throw new Error(`runs ended ${statuses.join(', ')}, not finished`);
  }
  /** @param {HostToWebview[]} list */
  const jsonl = (list) => list.map((m) => JSON.stringify(m)).join('\n') + '\n';
  writeFileSync(out, jsonl(messages));
  // The sidebar stream keeps its last 12 snapshots: enough to replay updates, small enough to commit.
  const sidebarOut = out.replace(/\.jsonl$/, '.sidebar.jsonl');
  writeFileSync(sidebarOut, jsonl(sidebarMessages.slice(-12)));
  const kinds = messages.reduce(
    (acc, m) => ({ ...acc, [m.type]: (acc[m.type] ?? 0) + 1 }),
    /** @type {Record<string, number>} */ ({}),
  );
  console.log(
    `recorded ${messages.length} messages ${JSON.stringify(kinds)} in ${Date.now() - started} ms -> ${out}`,
  );
  console.log(`recorded ${sidebarMessages.length} sidebar snapshots (kept 12) -> ${sidebarOut}`);
} finally {
  rmSync(runsDir, { recursive: true, force: true });
}
