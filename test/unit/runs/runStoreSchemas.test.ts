// The run-store JSON Schemas (schemas/run-store/) accept what the TypeScript run store writes on every path (a
// whole run with its derived frames.jsonl, diverged with NaN, stopped, probe, interrupted, Slurm), the recorded
// PyTorch run fixture and valid predictions.csv files, and reject each kind of broken file with the file (and line)
// named; a FIFO in place of a run file is reported, never opened.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunStore } from '../../../src/runs/runStore';
import type { RunId } from '../../../src/protocol/ids';
import { repoRoot, validateRunDir, validateRunsUnder } from '../../shared/runStoreSchemas';
import { layer, tinyPlan, trainerMessages } from './fixtures';

const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'run-store');
const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'snn-schemas-'));
  roots.push(root);
  return root;
}
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function assertValid(dir: string): void {
  const { problems, lines } = validateRunDir(dir);
  assert.deepEqual(problems, [], `schema problems in ${dir}`);
  assert.ok(lines >= 2, 'both jsonl headers were checked');
}

/** A finished run written by the TypeScript store from a plausible trainer message sequence. */
function finishedRun(): { store: RunStore; runId: RunId; dir: string } {
  const store = new RunStore(tempRoot(), { progressFlushMs: 0 });
  const runId = store.create(tinyPlan(), { experiment: '/x/exp.snn.json', mode: 'train' });
  store.setStatus(runId, 'running');
  for (const message of trainerMessages(runId)) store.record(runId, message);
  return { store, runId, dir: store.runDir(runId) };
}

describe('run-store schemas: the TypeScript writer', () => {
  it('accept a whole finished run (meta, config, summary, every jsonl line)', () => {
    assertValid(finishedRun().dir);
  });

  it('accept a diverged run with NaN loss and NaN statistics, and a stopped one', () => {
    const store = new RunStore(tempRoot(), { progressFlushMs: 0 });
    const diverged = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    store.setStatus(diverged, 'running');
    const nanLayer = { ...layer(0, Number.NaN), pre: { ...layer(0).pre, mean: Number.NaN, max: Infinity } };
    store.record(diverged, {
      type: 'progress',
      runId: diverged,
      step: 3,
      epoch: 0,
      loss: NaN,
      samplesPerSec: 5,
    });
    store.record(diverged, { type: 'layerStats', runId: diverged, step: 3, epoch: 0, layers: [nanLayer] });
    store.record(diverged, {
      type: 'failed',
      runId: diverged,
      reason: 'diverged',
      message: 'loss is NaN at step 3',
      step: 3,
      layer: 0,
    });
    const stopped = store.create(tinyPlan('tiny/b'), { experiment: '/x/e.snn.json', mode: 'train' });
    store.setStatus(stopped, 'running');
    store.record(stopped, { type: 'failed', runId: stopped, reason: 'stopped', message: 'stop requested' });
    store.flush();
    assertValid(store.runDir(diverged));
    assertValid(store.runDir(stopped));
    assert.equal(
      JSON.parse(readFileSync(join(store.runDir(diverged), 'meta.json'), 'utf8')).progress.loss,
      null,
    );
  });

  it('accept the frames.jsonl the store derives from layers.jsonl, every line of it', () => {
    const { dir } = finishedRun();
    const count = (file: string): number => readFileSync(join(dir, file), 'utf8').trim().split('\n').length;
    assert.ok(existsSync(join(dir, 'frames.jsonl')), 'the TypeScript writer derives frames.jsonl');
    assert.equal(count('frames.jsonl'), count('layers.jsonl'), 'one frame per statistics report');
    const { problems, lines } = validateRunDir(dir);
    assert.deepEqual(problems, []);
    assert.equal(lines, count('metrics.jsonl') + count('layers.jsonl') + count('frames.jsonl'));
  });

  it('accept W x + b before the norm (`linear`) on some layers, and reject a linear frames column of the wrong shape', () => {
    const store = new RunStore(tempRoot(), { progressFlushMs: 0 });
    const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    store.setStatus(runId, 'running');
    const normed = { ...layer(0), linear: { ...layer(0).pre, mean: 4.5, variance: 30 } };
    store.record(runId, { type: 'layerStats', runId, step: 0, epoch: 0, layers: [normed, layer(1)] });
    store.flush();
    const dir = store.runDir(runId);
    const frame = JSON.parse(
      readFileSync(join(dir, 'frames.jsonl'), 'utf8').trim().split('\n')[1] ?? '{}',
    ) as {
      linear?: { mean: unknown[]; percentiles: unknown[][] };
    };
    assert.deepEqual(frame.linear?.mean, [4.5, 'NaN'], 'the layer without a norm has NaN moments');
    assert.deepEqual(frame.linear?.percentiles[1], [], 'and no percentiles');
    assertValid(dir);
    const broken = (change: (linear: { mean: unknown[]; percentiles: unknown[][] }) => void): string => {
      const copy = join(tempRoot(), 'copy');
      cpSync(dir, copy, { recursive: true });
      rewriteFrame(copy, (f) => change(f.linear as { mean: unknown[]; percentiles: unknown[][] }));
      return validateRunDir(copy).problems.join('\n');
    };
    assert.match(
      broken((l) => l.percentiles[0]?.pop()),
      /frames\.jsonl:2: \/linear\/percentiles\/0/,
    );
    assert.match(
      broken((l) => l.mean.pop()),
      /frames\.jsonl:2: linear\.mean has 1 entries for 2 layers/,
    );
  });

  it('accept metric names like Object.prototype members, and check their values like any other', () => {
    const line = (value: string): string =>
      `{"kind":"epoch","step":4,"epoch":2,"time":1,"metrics":{"__proto__":${value},"constructor":2,"toString":3}}\n`;
    assert.equal(
      problemsAfter((d) => appendFileSync(join(d, 'metrics.jsonl'), line('1'))),
      '',
    );
    assert.match(
      problemsAfter((d) => appendFileSync(join(d, 'metrics.jsonl'), line('"one"'))),
      /metrics\.jsonl:6: \/metrics\/__proto__/,
    );
  });

  it('report a FIFO in place of a run file instead of opening it (which would block for good)', async () => {
    const { dir } = finishedRun();
    const layers = join(dir, 'layers.jsonl');
    rmSync(layers);
    execFileSync('mkfifo', [layers]);
    // Should the check open the FIFO after all, this writer opens and closes it after 3 s: the open then returns
    // and the assertion below fails instead of the test hanging.
    const unblock = spawn('sh', ['-c', `sleep 3; : > '${layers}'`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => unblock.on('exit', resolve));
    try {
      assert.match(validateRunDir(dir).problems.join('\n'), /layers\.jsonl: not a regular file \(a FIFO\)/);
    } finally {
      unblock.kill();
      await exited;
    }
  });

  it('accept probe, queued, interrupted and Slurm runs', () => {
    const root = tempRoot();
    const store = new RunStore(root);
    store.create(tinyPlan('tiny/probe'), { experiment: '/x/e.snn.json', mode: 'probe' });
    store.create(tinyPlan('tiny/slurm'), {
      experiment: '/x/e.snn.json',
      mode: 'train',
      executor: { kind: 'slurm', jobId: '17', taskId: 0, state: 'PENDING' },
    });
    const stale = new RunStore(root);
    const orphan = stale.create(tinyPlan('tiny/orphan'), { experiment: '/x/e.snn.json', mode: 'train' });
    stale.patchMeta(orphan, { owner: { pid: 999999, hostname: 'here' } });
    new RunStore(root).recoverInterrupted(() => false);
    const { runs, problems } = validateRunsUnder(root);
    assert.equal(runs.length, 3);
    assert.deepEqual(problems, []);
  });
});

describe('run-store schemas: runs from other sources (version 2)', () => {
  it('accept the recorded PyTorch runs (train with batch norm and dropout, probe, crashed)', () => {
    const { runs, problems } = validateRunsUnder(join(FIXTURES, 'pytorch'));
    assert.ok(runs.length >= 3, `fixture runs found: ${runs.length}`);
    assert.deepEqual(problems, []);
  });

  it('accept a version-1 run (SNN Lab before version 2), which the store still reads', () => {
    const { dir, runId } = finishedRun();
    asVersion1(dir);
    assertValid(dir);
    const data = new RunStore(join(dir, '..')).read(runId);
    assert.equal(data?.meta.schemaVersion, 1);
    assert.equal(data?.summary?.steps, 4);
  });

  it('reject a version-1 meta.json that carries `source`', () => {
    const { dir } = finishedRun();
    asVersion1(dir);
    const metaPath = join(dir, 'meta.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      metaPath,
      JSON.stringify({ ...meta, source: { kind: 'pytorch', versions: {}, device: 'cpu' } }),
    );
    assert.match(validateRunDir(dir).problems.join('\n'), /meta\.json: \/source boolean schema is false/);
  });
});

/** Rewrites every file of a run directory as version 1 (what SNN Lab wrote before runs from other sources). */
function asVersion1(dir: string): void {
  for (const file of ['meta.json', 'config.json', 'summary.json']) {
    const path = join(dir, file);
    writeFileSync(
      path,
      JSON.stringify({ ...(JSON.parse(readFileSync(path, 'utf8')) as object), schemaVersion: 1 }),
    );
  }
  for (const file of ['metrics.jsonl', 'layers.jsonl', 'frames.jsonl']) {
    const path = join(dir, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace('{"schemaVersion":2,', '{"schemaVersion":1,'));
  }
}

/** Applies `edit` to a copy of a valid run and returns the problems found. */
function problemsAfter(edit: (dir: string) => void): string {
  const { dir } = finishedRun();
  const copy = join(tempRoot(), 'copy');
  cpSync(dir, copy, { recursive: true });
  edit(copy);
  return validateRunDir(copy).problems.join('\n');
}

function rewriteJson(path: string, change: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(value);
  writeFileSync(path, JSON.stringify(value));
}

/** Rewrites the first record (line 2) of a run's frames.jsonl. */
function rewriteFrame(dir: string, change: (frame: Record<string, unknown>) => void): void {
  const path = join(dir, 'frames.jsonl');
  const [header, record, ...rest] = readFileSync(path, 'utf8').split('\n');
  const frame = JSON.parse(record ?? '{}') as Record<string, unknown>;
  change(frame);
  writeFileSync(path, [header, JSON.stringify(frame), ...rest].join('\n'));
}

describe('run-store schemas reject broken files, naming the file and line', () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    [
      'unknown status',
      (d) => rewriteJson(join(d, 'meta.json'), (m) => (m.status = 'done')),
      /meta\.json: \/status/,
    ],
    [
      'version 3',
      (d) => rewriteJson(join(d, 'meta.json'), (m) => (m.schemaVersion = 3)),
      /meta\.json: \/schemaVersion/,
    ],
    [
      'a typo field',
      (d) => rewriteJson(join(d, 'meta.json'), (m) => (m.stauts = 'x')),
      /additionalProperty.*stauts/,
    ],
    [
      'a config without data',
      (d) => rewriteJson(join(d, 'config.json'), (c) => delete (c.config as Record<string, unknown>).data),
      /config\.json/,
    ],
    [
      'a summary with a string step count',
      (d) => rewriteJson(join(d, 'summary.json'), (s) => (s.steps = '4')),
      /summary\.json: \/steps/,
    ],
    [
      'a metrics line of an unknown kind',
      (d) => appendFileSync(join(d, 'metrics.jsonl'), '{"kind":"eval","step":1,"epoch":0,"time":1}\n'),
      /metrics\.jsonl:6: /,
    ],
    [
      'a layers line without post statistics',
      (d) => {
        const path = join(d, 'layers.jsonl');
        const [header, record] = readFileSync(path, 'utf8').trim().split('\n');
        const value = JSON.parse(record ?? '{}') as { layers: Record<string, unknown>[] };
        delete value.layers[0]?.post;
        writeFileSync(path, `${header}\n${JSON.stringify(value)}\n`);
      },
      /layers\.jsonl:2: /,
    ],
    [
      'a histogram with a negative count',
      (d) => {
        const path = join(d, 'layers.jsonl');
        writeFileSync(path, readFileSync(path, 'utf8').replace('"counts":[1,', '"counts":[-1,'));
      },
      /layers\.jsonl:2: .*counts\/0/,
    ],
    [
      'eight percentiles',
      (d) => {
        const path = join(d, 'layers.jsonl');
        writeFileSync(path, readFileSync(path, 'utf8').replace('"percentiles":[-2,', '"percentiles":['));
      },
      /percentiles/,
    ],
    [
      'a frames line with a column one entry short',
      (d) => rewriteFrame(d, (f) => (f.saturated as unknown[]).pop()),
      /frames\.jsonl:2: saturated has 1 entries for 2 layers/,
    ],
    [
      'a frames line with a typo field',
      (d) => rewriteFrame(d, (f) => (f.gradnorm = f.gradNorm)),
      /frames\.jsonl:2: .*additionalProperty.*gradnorm/,
    ],
    [
      'a frames line with eight percentiles',
      (d) =>
        rewriteFrame(d, (f) => ((f.post as { percentiles: unknown[][] }).percentiles[1] as unknown[]).pop()),
      /frames\.jsonl:2: \/post\/percentiles\/1/,
    ],
    [
      'a frame of a step layers.jsonl has no report of',
      (d) => rewriteFrame(d, (f) => (f.step = 7)),
      /frames\.jsonl:2: step 7 is not a later layers\.jsonl report/,
    ],
    [
      'a frames header that names another file',
      (d) => {
        const path = join(d, 'frames.jsonl');
        writeFileSync(path, readFileSync(path, 'utf8').replace('"file":"frames"', '"file":"layers"'));
      },
      /frames\.jsonl:1: /,
    ],
    [
      'a missing header line',
      (d) => {
        const path = join(d, 'metrics.jsonl');
        writeFileSync(path, readFileSync(path, 'utf8').split('\n').slice(1).join('\n'));
      },
      /metrics\.jsonl:1: the first line must be the header/,
    ],
  ];
  for (const [what, edit, expected] of cases) {
    it(what, () => assert.match(problemsAfter(edit), expected));
  }
});

describe('predictions.csv contract', () => {
  const header = 'sample,fold,split,label,score_0,score_1\n';
  function withPredictions(csv: string): string {
    return problemsAfter((d) => writeFileSync(join(d, 'predictions.csv'), csv));
  }

  it('accepts classification and regression files', () => {
    assert.equal(withPredictions(`${header}0,,test,1,0.25,0.75\n17,2,validation,0,0.9,0.1\n`), '');
    assert.equal(withPredictions('sample,fold,split,label,prediction\n3,,test,2.5,2.25\n'), '');
  });

  it('rejects a reordered header, a score above 1, an unknown split and a negative sample', () => {
    assert.match(withPredictions('fold,sample,split,label,score_0\n'), /predictions\.csv:1: \/0/);
    assert.match(withPredictions(`${header}0,,test,1,1.5,0.1\n`), /predictions\.csv:2: \/score_0/);
    assert.match(withPredictions(`${header}0,,holdout,1,0.5,0.5\n`), /predictions\.csv:2: \/split/);
    assert.match(withPredictions(`${header}-1,,test,1,0.5,0.5\n`), /predictions\.csv:2: \/sample/);
  });
});

describe('the fixture folder', () => {
  it('holds run directories only (each validated above)', () => {
    for (const entry of readdirSync(join(FIXTURES, 'pytorch'))) {
      assert.match(entry, /^\d{8}-\d{6}-[a-z0-9-]+-[0-9a-f]{4}$/);
    }
  });
});
