/**
 * Fuzzing of hostile run directories (issue 13): a store of real runs is copied, one run is mutated (hostile JSON
 * values, broken or huge lines, FIFOs, directories and links in place of files, random bytes), and then everything
 * that reads a store runs over it: the reader and its summaries, the dashboard feed (snapshot, live changes through
 * the tail) and the sidebar rows, and `snn-lab runs list/show/rm` in process. Invariants per case: no exception
 * escapes, no call takes longer than its deadline, memory stays bounded, nothing outside the runs directory changes
 * and no recorded file of another run changes (the mutated run's series files neither, unless `runs rm` removed it).
 * Seeded and reproducible: SNN_FUZZ_SEED=<n> replays a run, SNN_FUZZ_CASE=<i> one case; a failure prints both.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerRunsCommand } from '../../src/cli/runsCommand';
import { DashboardFeed } from '../../src/host/webviews/dashboardFeed';
import { SidebarRows } from '../../src/host/webviews/sidebarRows';
import type { RunId } from '../../src/protocol/ids';
import { RunStore } from '../../src/runs/runStore';
import { layer, tinyPlan, trainerMessages } from '../unit/runs/fixtures';

const SEED = Number(process.env.SNN_FUZZ_SEED ?? 20261206);
const ONLY = process.env.SNN_FUZZ_CASE === undefined ? undefined : Number(process.env.SNN_FUZZ_CASE);
/** Wall-clock budget of the case loop (the fuzz tier as a whole aims at ~60 s on 2 cores). */
const BUDGET_MS = Number(process.env.SNN_FUZZ_MS ?? 20_000);
const MIN_CASES = 60;
/** No single operation may take longer (a FIFO opened for reading would block until the test's timeout). */
const DEADLINE_MS = 5_000;
/** Resident memory may not grow past this over the whole run. */
const MAX_RSS_GROWTH = 600 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'snn-fuzz-runs-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** mulberry32: small, seedable, good enough to pick mutations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rand = () => number;
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;

/** Outside the runs directory: must never change (links in mutated runs point here). */
const outside = join(work, 'outside');
mkdirSync(outside);
writeFileSync(join(outside, 'secret.json'), '{"schemaVersion":1,"runId":"x","keep":"me"}\n');
writeFileSync(join(outside, 'meta.json'), '{"schemaVersion":1}\n');

/** The base store: three runs written by the run store (finished, running with a live owner, failed). */
const base = join(work, 'base');
const baseStore = new RunStore(base);
const baseIds: RunId[] = ['finished', 'running', 'failed'].map((name) => {
  const runId = baseStore.create(tinyPlan(`fuzz/${name}`), { experiment: '/x/fuzz.snn.json', mode: 'train' });
  baseStore.setStatus(runId, 'running');
  const messages = trainerMessages(runId);
  const upTo = name === 'finished' ? messages.length : name === 'running' ? 6 : 5;
  for (const message of messages.slice(0, upTo)) baseStore.record(runId, message);
  if (name === 'failed') {
    baseStore.record(runId, { type: 'failed', runId, reason: 'data', message: 'bad CSV' });
  }
  return runId;
});
baseStore.flush();

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const HOSTILE_VALUES: unknown[] = [
  '.',
  '..',
  '../..',
  '/',
  'a/../../b',
  '',
  '\u001b]0;pwned\u0007\u001b[2J',
  'x'.repeat(100_000),
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  null,
  true,
  [],
  {},
  [{}],
  { kind: 'x' },
  { __proto__: { polluted: 1 } },
  JSON.parse(
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"toString":1,"valueOf":"x"}',
  ),
];
const META_KEYS = [
  'runId',
  'name',
  'status',
  'schemaVersion',
  'mode',
  'createdAt',
  'startedAt',
  'endedAt',
  'seed',
  'sweepPoint',
  'layers',
  'progress',
  'failure',
  'executor',
  'owner',
  'totalSteps',
  'backend',
  'thinning',
  'dataset',
];
const JSON_FILES = ['meta.json', 'config.json', 'summary.json'];
const SERIES = ['metrics.jsonl', 'layers.jsonl'];
const HOSTILE_LINES: string[] = [
  '{"kind":"progress","step":-1,"epoch":0,"loss":1,"samplesPerSec":1,"time":1}',
  '{"kind":"epoch","step":3,"epoch":1,"metrics":{"__proto__":1,"constructor":2,"toString":"x","hasOwnProperty":3,"valueOf":4},"time":1}',
  '{"kind":"epoch","step":3,"epoch":1,"metrics":[1,2],"time":1}',
  '{"step":1,"epoch":0,"layers":[{"layer":0}]}',
  '{"step":1,"epoch":0,"layers":5}',
  `{"step":2,"epoch":0,"layers":[${JSON.stringify({ ...layer(0), pre: { ...layer(0).pre, percentiles: 'x' } })}]}`,
  `{"step":99,"epoch":0,"layers":[${JSON.stringify(layer(0))}]}`,
  '{"schemaVersion":99,"file":"metrics"}',
  '{"kind":"progress","step":"1e999","epoch":0,"loss":"NaN","samplesPerSec":"Infinity","time":"-Infinity"}',
  deep(5000),
  'null',
  '"just a string"',
  '\u0000\u0001\u0002',
  '{',
];

/** One named mutation of the victim run directory. */
type Mutation = { name: string; apply: (dir: string, r: Rand) => void };

/**
 * Whether a mutation may read or write `path`: missing or a regular file. An earlier mutation of the same case may
 * have made it a FIFO (opening it would block the test itself) or a link out of the store (writing through it would
 * be the test's own doing, not the product's).
 */
function mutable(path: string): boolean {
  return !existsSync(path) ? !lstatExists(path) : lstatSync(path).isFile();
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function rewriteJson(path: string, change: (value: Record<string, unknown>) => unknown): void {
  if (!mutable(path)) return;
  let value: Record<string, unknown> = {};
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    // already broken by an earlier mutation: start from nothing
  }
  writeFileSync(path, JSON.stringify(change(value)));
}

function replaceWith(
  path: string,
  kind: 'fifo' | 'dir' | 'link-outside' | 'link-zero' | 'missing' | 'empty',
): void {
  rmSync(path, { recursive: true, force: true });
  if (kind === 'fifo') execFileSync('mkfifo', [path]);
  if (kind === 'dir') mkdirSync(join(path, 'inner'), { recursive: true });
  if (kind === 'link-outside') symlinkSync(join(outside, 'secret.json'), path);
  if (kind === 'link-zero') symlinkSync('/dev/zero', path);
  if (kind === 'empty') writeFileSync(path, '');
}

const MUTATIONS: Mutation[] = [
  {
    name: 'meta field ← hostile value',
    apply: (dir, r) => {
      const key = pick(r, META_KEYS);
      const value = pick(r, HOSTILE_VALUES);
      rewriteJson(join(dir, 'meta.json'), (m) => ({ ...m, [key]: value }));
    },
  },
  {
    name: 'json file ← hostile document',
    apply: (dir, r) => {
      const file = pick(r, JSON_FILES);
      const documents = [
        deep(20_000),
        '[]',
        'null',
        '7',
        '"x"',
        '{',
        '',
        `{"schemaVersion":1,"x":"${'y'.repeat(20_000_000)}"}`,
      ];
      const path = join(dir, file);
      const document = pick(r, documents);
      if (mutable(path)) writeFileSync(path, document);
    },
  },
  {
    name: 'file ← non-regular',
    apply: (dir, r) => {
      const file = pick(r, [...JSON_FILES, ...SERIES]);
      replaceWith(
        join(dir, file),
        pick(r, ['fifo', 'dir', 'link-outside', 'link-zero', 'missing', 'empty'] as const),
      );
    },
  },
  {
    name: 'series ← hostile lines',
    apply: (dir, r) => {
      const file = join(dir, pick(r, SERIES));
      if (!existsSync(file) || !lstatSync(file).isFile()) return;
      const lines = Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(r, HOSTILE_LINES));
      writeFileSync(file, `${lines.join('\n')}${r() < 0.5 ? '\n' : ''}`, { flag: 'a' });
    },
  },
  {
    name: 'series ← huge line or many blank lines',
    apply: (dir, r) => {
      const file = join(dir, pick(r, SERIES));
      if (!existsSync(file) || !lstatSync(file).isFile()) return;
      const text = r() < 0.5 ? `{"kind":"progress","pad":"${'p'.repeat(3_000_000)}"}\n` : '\n'.repeat(20_000);
      writeFileSync(file, text, { flag: 'a' });
    },
  },
  {
    name: 'bytes flipped, cut or inserted',
    apply: (dir, r) => {
      const file = join(dir, pick(r, [...JSON_FILES, ...SERIES]));
      if (!existsSync(file) || !lstatSync(file).isFile()) return;
      const bytes = readFileSync(file);
      if (bytes.length === 0) return;
      const at = Math.floor(r() * bytes.length);
      const choice = r();
      let next: Buffer;
      if (choice < 0.4) {
        next = Buffer.from(bytes);
        for (let k = 0; k < 1 + r() * 8; k++) next[Math.floor(r() * next.length)] = Math.floor(r() * 256);
      } else if (choice < 0.7) {
        next = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(Math.min(bytes.length, at + Math.floor(r() * 200))),
        ]);
      } else {
        next = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(pick(r, ['{', '}', '\n', '"', '\\', '\u00ff'])),
          bytes.subarray(at),
        ]);
      }
      writeFileSync(file, next);
    },
  },
  {
    name: 'header line ← wrong file or version',
    apply: (dir, r) => {
      const file = pick(r, SERIES);
      const path = join(dir, file);
      if (!existsSync(path) || !lstatSync(path).isFile()) return;
      const rest = readFileSync(path, 'utf8').split('\n').slice(1).join('\n');
      const header = pick(r, [
        '{"schemaVersion":9,"file":"metrics"}',
        '{"schemaVersion":1,"file":"other"}',
        '[]',
        '',
      ]);
      writeFileSync(path, `${header}\n${rest}`);
    },
  },
  {
    name: 'stray entries beside the runs',
    apply: (dir, r) => {
      const root = join(dir, '..');
      const choice = pick(r, ['file-named-like-a-run', 'link-to-outside', 'bad-name', 'fifo']);
      if (choice === 'file-named-like-a-run') writeFileSync(join(root, '20260101-000000-stray-0000'), 'x');
      if (choice === 'link-to-outside') symlinkSync(outside, join(root, '20260101-000000-link-0000'));
      if (choice === 'bad-name') mkdirSync(join(root, '.hidden run'), { recursive: true });
      if (choice === 'fifo') execFileSync('mkfifo', [join(root, '20260101-000000-fifo-0000')]);
    },
  },
];

/** Hashes every file under `dir` (links by their target text, FIFOs by kind) to detect any change. */
function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string, rel: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) out.set(rel, `link:${readlinkSync(path)}`);
    else if (stat.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name), join(rel, name));
    } else if (stat.isFile()) out.set(rel, createHash('sha256').update(readFileSync(path)).digest('hex'));
    else out.set(rel, 'special');
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

/** Runs `snn-lab runs ...` in this process (stdout/stderr captured); returns the exit code it set. */
async function runsCli(args: string[]): Promise<{ code: number; out: string }> {
  const program = new Command('snn-lab')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerRunsCommand(program);
  let out = '';
  const capture = (chunk: string | Uint8Array): boolean => {
    if (out.length < 1_000_000) out += String(chunk);
    return true;
  };
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  const previous = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'snn-lab', 'runs', ...args]);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'CommanderError')) throw error;
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = previous;
  return { code, out };
}

/** Runs one operation and fails when it takes longer than the deadline. */
async function timed<T>(what: string, op: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await op();
  const ms = performance.now() - start;
  assert.ok(ms < DEADLINE_MS, `${what} took ${ms.toFixed(0)} ms (deadline ${DEADLINE_MS} ms)`);
  return result;
}

async function runCase(index: number): Promise<string> {
  const r = rng(SEED * 1000 + index);
  const root = join(work, `case-${index}`);
  cpSync(base, root, { recursive: true });
  const victim = pick(r, baseIds);
  const victimDir = join(root, victim);
  const watcher = new RunStore(root); // primed before the mutation: its tail then follows the mutated files
  const feed = new DashboardFeed(watcher);
  const rows = new SidebarRows(watcher);
  watcher.onDidChange((change) => {
    feed.apply(change);
    rows.apply(change);
  });
  feed.select(baseIds);
  await feed.snapshot();
  const applied: string[] = [];
  for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
    const mutation = pick(r, MUTATIONS);
    try {
      mutation.apply(victimDir, r);
      applied.push(mutation.name);
    } catch {
      // the file this mutation edits was replaced by an earlier one (e.g. by a directory): nothing to mutate
    }
  }
  const outsideBefore = snapshotTree(outside);
  const before = snapshotTree(root);

  await timed('tail refresh', () => watcher.refresh());
  const store = new RunStore(root);
  const listing = await timed('listing', () => store.listing());
  for (const runId of [...listing.runs.map((m) => m.runId), ...listing.unreadable.map((u) => u.runId)]) {
    await timed(`read ${runId}`, () => {
      store.readMeta(runId);
      store.overview(runId);
      store.readOrReason(runId);
      store.recordCounts(runId);
      store.readConfig(runId);
    });
  }
  const fresh = new DashboardFeed(store);
  fresh.select(listing.runs.map((m) => m.runId));
  const body = await timed('dashboard snapshot', () => fresh.snapshot());
  JSON.stringify(body);
  JSON.stringify(await timed('snapshot after the live changes', () => feed.snapshot()));
  JSON.stringify(await timed('sidebar rows', () => [rows.all(), new SidebarRows(store).all()]));
  await timed('runs list', () => runsCli(['list', '--runs-dir', root]));
  await timed('runs list --json', () => runsCli(['list', '--json', '--runs-dir', root]));
  await timed('runs show', () => runsCli(['show', victim, '--runs-dir', root]));
  await timed('runs show --json', () => runsCli(['show', victim, '--json', '--runs-dir', root]));
  const idArg = pick(r, [victim, '.', '..', victim.slice(0, 8), '../outside', '']);
  const rm = await timed('runs rm', () => runsCli(['rm', idArg, '--runs-dir', root]));

  assert.deepEqual(snapshotTree(outside), outsideBefore, 'nothing outside the runs directory changed');
  assert.ok(existsSync(root), 'the runs directory itself is never removed');
  const after = snapshotTree(root);
  for (const [path, hash] of before) {
    const inVictim = path.startsWith(`${victim}/`) || path === victim;
    if (inVictim && (rm.code === 0 || path === `${victim}/meta.json`)) continue; // removed, or marked interrupted
    assert.equal(
      after.get(path),
      hash,
      `recorded data changed: ${path} (runs rm ${JSON.stringify(idArg)} exit ${rm.code})`,
    );
  }
  if (rm.code === 0) {
    assert.equal(
      idArg === victim || victim.startsWith(idArg),
      true,
      `rm ${JSON.stringify(idArg)} removed something`,
    );
  }
  rmSync(root, { recursive: true, force: true });
  return applied.join(' + ');
}

describe('fuzz: hostile run directories through the reader, the dashboard feed and snn-lab runs', () => {
  it(
    `seed ${SEED}: no crash, no hang, bounded memory, nothing outside touched, no recorded data changed`,
    { timeout: 300_000 },
    async () => {
      const rssStart = process.memoryUsage().rss;
      const started = performance.now();
      const seen = new Map<string, number>();
      let cases = 0;
      for (let index = ONLY ?? 0; ; index++) {
        let applied: string;
        try {
          applied = await runCase(index);
        } catch (error) {
          const replay = `SNN_FUZZ_SEED=${SEED} SNN_FUZZ_CASE=${index}`;
          throw new Error(
            `fuzz case failed (replay with ${replay}): ${(error as Error).stack ?? String(error)}`,
            { cause: error },
          );
        }
        for (const name of applied.split(' + ')) seen.set(name, (seen.get(name) ?? 0) + 1);
        cases++;
        const rss = process.memoryUsage().rss - rssStart;
        assert.ok(rss < MAX_RSS_GROWTH, `case ${index}: memory grew by ${(rss / 1e6).toFixed(0)} MB`);
        if (ONLY !== undefined) break;
        if (cases >= MIN_CASES && performance.now() - started > BUDGET_MS) break;
      }
      console.log(
        `# ${cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${SEED}; mutations: ${[...seen].map(([k, v]) => `${k} ×${v}`).join(', ')}`,
      );
      if (ONLY === undefined) assert.equal(seen.size, MUTATIONS.length, 'every kind of mutation was tried');
    },
  );
});
