// Run overviews (what the sidebar, the Runs tree and the CLI tables read): the latest epoch found from the end of
// metrics.jsonl, a loss sample from one open of the file (read whole when short, by seeking when long) that covers
// the run from first to last loss either way, hostile files that cost nothing, and meta copies that stay private.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asRunId } from '../../../src/protocol/ids';
import { cloneMeta } from '../../../src/runs/runRecords';
import { lastEpochIn } from '../../../src/runs/runOverview';
import { RunSeriesReader } from '../../../src/runs/runSeries';
import type { RunMeta } from '../../../src/runs/runTypes';

const root = mkdtempSync(join(tmpdir(), 'snn-overview-'));
after(() => rmSync(root, { recursive: true, force: true }));
const warnings: string[] = [];
const reader = new RunSeriesReader({ runDir: (id) => join(root, id), warnOnce: (t) => warnings.push(t) });

/** A metrics.jsonl of `reports` progress lines (loss = step) with an epoch record every `per` steps. */
function metricsFile(id: string, reports: number, per = 100): string {
  mkdirSync(join(root, id), { recursive: true });
  const lines = ['{"schemaVersion":1,"file":"metrics"}'];
  for (let step = 0; step < reports; step++) {
    lines.push(
      JSON.stringify({ kind: 'progress', step, epoch: Math.floor(step / per), loss: step, time: step }),
    );
    if ((step + 1) % per === 0) {
      const epoch = (step + 1) / per - 1;
      lines.push(JSON.stringify({ kind: 'epoch', step, epoch, metrics: { accuracy: epoch }, time: step }));
    }
  }
  const path = join(root, id, 'metrics.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const line = (value: unknown): string => JSON.stringify(value);
const epoch = (accuracy: number): string => line({ kind: 'epoch', step: 1, epoch: 0, metrics: { accuracy } });
const progress = (loss: number): string => line({ kind: 'progress', step: 1, epoch: 0, loss });

describe('lastEpochIn (the tail of metrics.jsonl)', () => {
  it('finds the last epoch record among progress lines, looking past damaged and non-record lines', () => {
    const text = [
      epoch(1),
      progress(5),
      epoch(2),
      progress(6),
      '{"kind":"epoch","metrics":{"a":',
      progress(7),
    ];
    assert.deepEqual({ ...lastEpochIn(Buffer.from(`${text.join('\n')}\n`)) }, { accuracy: 2 });
    const notRecord = `${epoch(3)}\n{"metrics":{"a":1}}\n{"kind":"epoch","step":1,"epoch":0,"metrics":3}\n`;
    assert.deepEqual({ ...lastEpochIn(Buffer.from(notRecord)) }, { accuracy: 3 });
  });

  it('finds an epoch record whose key is written with escapes, and none in progress lines', () => {
    const escaped = '{"kind":"epoch","step":1,"epoch":0,"\\u006detrics":{"accuracy":9}}';
    assert.deepEqual(
      { ...lastEpochIn(Buffer.from(`${epoch(1)}\n${escaped}\n${progress(2)}\n`)) },
      { accuracy: 9 },
    );
    assert.equal(lastEpochIn(Buffer.from(`${progress(1)}\n${progress(2)}\n`)), undefined);
    assert.equal(lastEpochIn(Buffer.alloc(0)), undefined);
    assert.equal(lastEpochIn(Buffer.from('metrics"\\\n\n\\')), undefined, 'needles without records');
  });
});

describe('recentMetrics (one open of metrics.jsonl)', () => {
  for (const [what, reports] of [
    ['a short run read whole', 1_000],
    ['a long run read by seeking', 4_000],
  ] as const) {
    it(`${what}: the last epoch, and losses from the first to the last report in order`, () => {
      const id = asRunId(`run-${reports}`);
      metricsFile(id, reports);
      const { lastEpoch, losses } = reader.recentMetrics(id);
      assert.deepEqual({ ...lastEpoch }, { accuracy: reports / 100 - 1 });
      assert.ok(losses.length >= 40 && losses.length <= 56, `${losses.length} losses`);
      assert.equal(losses[0], 0);
      assert.equal(losses.at(-1), reports - 1);
      assert.ok(
        losses.every((loss, i) => i === 0 || loss > (losses[i - 1] as number)),
        'in file order',
      );
      // Evenly spread: no gap between samples is more than twice the mean gap.
      const gaps = losses.slice(1).map((loss, i) => loss - (losses[i] as number));
      assert.ok(Math.max(...gaps) <= (2 * (reports - 1)) / (losses.length - 1), `gaps ${Math.max(...gaps)}`);
    });
  }

  it('a run shorter than the sample gives every loss once', () => {
    const id = asRunId('run-short');
    metricsFile(id, 10, 5);
    const { lastEpoch, losses } = reader.recentMetrics(id);
    assert.deepEqual(losses, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual({ ...lastEpoch }, { accuracy: 1 });
  });

  it('hostile files: a symbolic link, a directory, one huge line, garbage: no data, a warning, no throw', () => {
    const outside = metricsFile('outside', 50);
    const cases: [string, (path: string) => void][] = [
      ['link', (path) => symlinkSync(outside, path)],
      ['dir', (path) => mkdirSync(path)],
      ['huge', (path) => writeFileSync(path, `{"kind":"epoch","metrics":{"a":${'1'.repeat(3_000_000)}`)],
      [
        'garbage',
        (path) =>
          writeFileSync(path, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256))),
      ],
    ];
    for (const [name, make] of cases) {
      mkdirSync(join(root, name));
      make(join(root, name, 'metrics.jsonl'));
      const before = warnings.length;
      const { lastEpoch, losses } = reader.recentMetrics(asRunId(name));
      assert.equal(lastEpoch, undefined, name);
      assert.deepEqual(losses, [], name);
      if (name === 'link' || name === 'dir') assert.equal(warnings.length, before + 1, name);
    }
    assert.deepEqual(reader.recentMetrics(asRunId('missing')), { losses: [] });
  });
});

describe('cloneMeta', () => {
  it('is a private deep copy that keeps null prototypes and own "__proto__" keys, at any depth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    const meta = JSON.parse(
      '{"runId":"r","name":"n","layers":[{"layer":0,"units":4}],"progress":{"step":1,"epoch":0,"loss":2},' +
        '"extra":{"__proto__":{"polluted":true}}}',
    ) as RunMeta & { extra: Record<string, unknown>; deep?: unknown };
    meta.sweepPoint = Object.assign(Object.create(null) as Record<string, unknown>, { 'model.depth': 8 });
    meta.deep = deep;
    const copy = cloneMeta(meta) as typeof meta;
    assert.deepStrictEqual(copy, meta);
    assert.equal(Object.getPrototypeOf(copy.sweepPoint), null);
    assert.equal(
      Object.getPrototypeOf(copy.extra),
      Object.prototype,
      'the "__proto__" key did not set the prototype',
    );
    assert.ok(Object.hasOwn(copy.extra, '__proto__'));
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    copy.layers![0]!.units = 99;
    copy.progress!.loss = 0;
    assert.equal(meta.layers?.[0]?.units, 4);
    assert.equal(meta.progress?.loss, 2);
  });
});
