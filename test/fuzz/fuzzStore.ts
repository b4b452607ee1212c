/**
 * What the message fuzz targets share: a run store of real runs written through the run store, a folder outside it
 * that nothing may touch, and a tree hash to prove nothing changed.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { RunId } from '../../src/protocol/ids';
import { RunStore } from '../../src/runs/runStore';
import { tinyPlan, trainerMessages } from '../unit/runs/fixtures';

/** The experiment file the fuzz store's runs record (the Study tab asks for runs by it). */
export const FUZZ_EXPERIMENT = '/x/fuzz.snn.json';

/** Writes three runs (finished, running, failed) under `root`; returns their ids. */
export function writeRuns(root: string): RunId[] {
  const store = new RunStore(root);
  const ids = ['finished', 'running', 'failed'].map((name) => {
    const runId = store.create(tinyPlan(`fuzz/${name}`), { experiment: FUZZ_EXPERIMENT, mode: 'train' });
    store.setStatus(runId, 'running');
    const messages = trainerMessages(runId);
    const upTo = name === 'finished' ? messages.length : name === 'running' ? 6 : 5;
    for (const message of messages.slice(0, upTo)) store.record(runId, message);
    if (name === 'failed') store.record(runId, { type: 'failed', runId, reason: 'data', message: 'bad CSV' });
    return runId;
  });
  store.flush();
  store.dispose();
  return ids;
}

/** A folder beside the runs directory with a file in it: it must never change. */
export function writeOutside(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'secret.json'), '{"schemaVersion":1,"runId":"x","keep":"me"}\n');
}

/** Hashes every entry under `dir` (links by target, special files by kind) to detect any change. */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string, rel: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) out.set(rel, `link:${readlinkSync(path)}`);
    else if (stat.isDirectory()) {
      out.set(rel, 'dir');
      for (const name of readdirSync(path)) walk(join(path, name), join(rel, name));
    } else if (stat.isFile()) out.set(rel, createHash('sha256').update(readFileSync(path)).digest('hex'));
    else out.set(rel, 'special');
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}
