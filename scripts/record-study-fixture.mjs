#!/usr/bin/env node
// @ts-check
// Records a finished study for the dashboard's Study tab tests from REAL trainer runs: trains an experiment through
// the run store and run manager (dist/trainer.js), then writes what the host sends a dashboard comparing every run
// of it: the snapshot (runs with their study keys, curves and statistics), the `study` answer and the
// `predictions` answer (host/webviews/studyFeed.ts). The temp directory in paths becomes /workspace. Usage:
//   node scripts/record-study-fixture.mjs [experiment] [out.jsonl]   (defaults: test/fixtures/streams/study.*)
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ROOT as root, builtTrainer, importRecorder } from './fixtureRecorder.mjs';

/** @typedef {import('../src/protocol/webview.ts').HostToWebview} HostToWebview */
/** @typedef {import('../src/core/runStatus.ts').RunStatus} RunStatus */

const source = resolve(process.argv[2] ?? join(root, 'test/fixtures/streams/study.snn.json'));
const out = resolve(process.argv[3] ?? join(root, 'test/fixtures/streams/study.jsonl'));
const trainer = builtTrainer();

const entry = `
import { RunStore } from './src/runs/runStore';
import { RunManager } from './src/runs/runManager';
import { DashboardFeed } from './src/host/webviews/dashboardFeed';
import { StudyFeed } from './src/host/webviews/studyFeed';
import { loadExperiment } from './src/node/loadExperiment';
import { PROTOCOL_VERSION } from './src/protocol/version';
export async function record(experiment, runsDir, trainerPath) {
  const loaded = await loadExperiment(experiment);
  if (!loaded.file) throw new Error(loaded.problems.map((p) => p.line + ':' + p.col + ' ' + p.message).join('\\n'));
  const logger = { info: () => {}, warn: (m) => console.warn(m), error: (m) => console.error(m) };
  const store = new RunStore(runsDir, { logger });
  const manager = new RunManager({ trainerPath, store, logger, maxConcurrent: 2 });
  const ids = manager.enqueue(loaded.plans, { experiment: loaded.path, mode: 'train', backend: 'wasm' });
  const statuses = await Promise.all(ids.map((id) => manager.whenDone(id)));
  await manager.dispose();
  const feed = new DashboardFeed(store);
  feed.select(ids);
  const snapshot = { ...(await feed.snapshot()), seq: 1, protocolVersion: PROTOCOL_VERSION };
  const studies = new StudyFeed(store);
  const messages = [snapshot, studies.study(loaded.path), studies.predictions(ids)];
  store.dispose();
  return { messages, statuses };
}`;
/**
 * @type {{ record: (experiment: string, runsDir: string, trainerPath: string) => Promise<{
 *   messages: HostToWebview[], statuses: RunStatus[] }> }}
 */
const { record } = await importRecorder(entry, 'record-study-fixture');
const work = mkdtempSync(join(tmpdir(), 'snn-record-study-'));
try {
  const experiment = join(work, basename(source));
  copyFileSync(source, experiment);
  const started = Date.now();
  const { messages, statuses } = await record(experiment, join(work, 'runs'), trainer);
  if (statuses.some((s) => s !== 'finished')) {
    throw new Error(`runs ended ${statuses.join(', ')}, not finished`);
  }
  const text = messages.map((m) => JSON.stringify(m).replaceAll(work, '/workspace')).join('\n') + '\n';
  writeFileSync(out, text);
  console.log(
    `recorded ${statuses.length} runs (${messages.length} messages) in ${Date.now() - started} ms -> ${out}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
