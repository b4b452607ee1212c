// Spawns the built CLI (dist/cli.js) on run stores written by the run store and then broken by hand:
// `runs rm` never leaves the runs directory, unreadable runs are listed with their reason, `runs show` prints the
// reason it refers to, a FIFO never hangs a command, `runs list` reads no statistics file, `show --json` streams.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunStore } from '../../../src/runs/runStore';
import type { RunId } from '../../../src/protocol/ids';
import { tinyPlan, trainerMessages } from '../runs/fixtures';

// Bundled to out/test/unit/cli/, so the repository root is four levels up.
const CLI = resolve(__dirname, '../../../../dist/cli.js');
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function store(): RunStore {
  const root = mkdtempSync(join(tmpdir(), 'snn-runs-cli-'));
  roots.push(root);
  return new RunStore(join(root, 'runs'));
}

function finished(s: RunStore, name: string): RunId {
  const runId = s.create(tinyPlan(name), { experiment: '/x/e.snn.json', mode: 'train' });
  s.setStatus(runId, 'running');
  for (const message of trainerMessages(runId)) s.record(runId, message);
  return runId;
}

function cli(root: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(CLI), `${CLI} is missing: build it with "node esbuild.mjs"`);
  const r = spawnSync(process.execPath, [CLI, 'runs', ...args, '--runs-dir', root], {
    encoding: 'utf8',
    timeout: 20_000, // a FIFO opened for reading would block forever: the timeout turns that into a failure
  });
  assert.equal(r.error, undefined, `snn-lab runs ${args.join(' ')} did not end: ${String(r.error)}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('snn-lab runs on hostile run directories', () => {
  it('`runs rm .` of a decoy meta.json (runId ".") deletes nothing; the decoy itself is removed alone', () => {
    const s = store();
    const decoy = finished(s, 'decoy');
    const other = finished(s, 'other');
    const metaPath = join(s.runDir(decoy), 'meta.json');
    writeFileSync(metaPath, JSON.stringify({ ...JSON.parse(readFileSync(metaPath, 'utf8')), runId: '.' }));
    for (const id of ['.', '..', '../runs', '']) {
      const r = cli(s.root, 'rm', id);
      assert.equal(r.status, 2, `rm ${JSON.stringify(id)}: ${r.stdout}${r.stderr}`);
    }
    assert.deepEqual(readdirSync(s.root).sort(), [decoy, other].sort());
    const r = cli(s.root, 'rm', decoy);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(s.root), [other]);
  });

  it('unreadable runs are listed with their reason and `runs show` prints it', () => {
    const s = store();
    const good = finished(s, 'good');
    const broken = finished(s, 'broken');
    writeFileSync(join(s.runDir(broken), 'meta.json'), '{"schemaVersion": 7}');
    const list = cli(s.root, 'list');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${good}\\s+finished`));
    assert.match(list.stdout, new RegExp(`${broken}\\s+unreadable`));
    assert.match(
      list.stdout,
      /1 unreadable run\(s\):\n.*schemaVersion 7 is newer than this SNN Lab understands/,
    );
    const show = cli(s.root, 'show', broken);
    assert.equal(show.status, 1);
    assert.match(show.stderr, new RegExp(`run ${broken} is unreadable: .*schemaVersion 7 is newer`));
    const json = cli(s.root, 'list', '--json');
    assert.deepEqual(
      (JSON.parse(json.stdout) as { runId: string }[]).map((m) => m.runId),
      [good],
    );
    assert.match(json.stderr, new RegExp(`warning: run ${broken} is unreadable`));
  });

  it('a FIFO named metrics.jsonl or layers.jsonl never hangs list, show or rm', () => {
    const s = store();
    const fifo = finished(s, 'fifo');
    const good = finished(s, 'good');
    for (const file of ['metrics.jsonl', 'layers.jsonl']) {
      rmSync(join(s.runDir(fifo), file));
      execFileSync('mkfifo', [join(s.runDir(fifo), file)]);
    }
    const list = cli(s.root, 'list');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${fifo}\\s+finished.*0\\.6200`), 'its summary still shows');
    const show = cli(s.root, 'show', fifo);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /records\s+0 metrics, 0 layer statistics/);
    assert.equal(
      cli(s.root, 'show', fifo, '--json').status,
      1,
      'everything cannot be printed: an error, not a hang',
    );
    assert.equal(cli(s.root, 'rm', fifo).status, 0);
    assert.deepEqual(readdirSync(s.root), [good]);
  });

  it('`runs show --json` streams the whole run as one JSON document', () => {
    const s = store();
    const runId = finished(s, 'json');
    const r = cli(s.root, 'show', runId, '--json');
    assert.equal(r.status, 0, r.stderr);
    const data = JSON.parse(r.stdout) as {
      meta: { runId: string };
      config: { seed: number };
      metrics: unknown[];
      layers: { layers: unknown[] }[];
      summary: { test: Record<string, unknown> };
      dir: string;
    };
    assert.equal(data.meta.runId, runId);
    assert.equal(data.config.seed, 7);
    assert.equal(data.metrics.length, 4);
    assert.equal(data.layers[0]?.layers.length, 2);
    assert.equal(data.summary.test.test_auc, null, 'NaN prints as null, as JSON.stringify does');
    assert.equal(data.dir, s.runDir(runId));
  });
});
