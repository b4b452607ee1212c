// CurveCache on its own: entries round-trip exactly (NaN, ±Infinity, −0), are copied when stored, hostile or broken
// files are misses (removed, never thrown), oversized files are not read, and the folder keeps to its byte budget.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CurveCache,
  MAX_CURVES,
  MAX_ENTRY_BYTES,
  type CurveEntry,
} from '../../../src/host/webviews/curveCache';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newCache(options: { budgetBytes?: number; writeDelayMs?: number } = {}): {
  cache: CurveCache;
  logs: string[];
} {
  const dir = mkdtempSync(join(tmpdir(), 'snn-curve-cache-'));
  dirs.push(dir);
  const logs: string[] = [];
  return { cache: new CurveCache(join(dir, 'curve-cache'), { ...options, log: (m) => logs.push(m) }), logs };
}

function entry(points = 10): CurveEntry {
  const step = Array.from({ length: points }, (_, i) => i);
  return {
    curvePoints: 50,
    stepsPerEpoch: 2.5,
    offset: 1234,
    tail: 'ab'.repeat(32),
    lastStep: { progress: points - 1, epoch: -1 },
    curves: Object.assign(Object.create(null) as CurveEntry['curves'], {
      batch_loss: {
        step,
        epoch: step.map((s) => s / 2.5),
        value: step.map((s) => [Number.NaN, Infinity, -Infinity, -0, 0][s % 5] ?? s),
      },
      accuracy: { step: [3], epoch: [1], value: [0.5] },
    }),
  };
}

/** The JSON of a valid entry for `key`, with `patch` applied (for broken variants). */
function entryJson(key: string, patch: Record<string, unknown> = {}): string {
  const e = entry();
  return JSON.stringify({
    version: 1,
    key,
    curvePoints: e.curvePoints,
    stepsPerEpoch: e.stepsPerEpoch,
    offset: e.offset,
    tail: e.tail,
    lastStep: e.lastStep,
    curves: { batch_loss: { step: [1, 2], epoch: [0, 0], value: ['NaN', 0.5] } },
    ...patch,
  });
}

describe('CurveCache', () => {
  it('round-trips an entry exactly, non-finite numbers and -0 included', async () => {
    const { cache, logs } = newCache();
    assert.equal(cache.get('run-a'), undefined, 'nothing before the first write');
    await cache.put('run-a', entry());
    assert.deepEqual(cache.get('run-a'), entry());
    assert.equal(cache.get('run-b'), undefined);
    assert.match(cache.pathOf('run-a'), /[0-9a-f]{32}\.json$/);
    assert.deepEqual(logs, []);
  });

  it('copies the curves when asked to store them (the caller goes on adding points)', async () => {
    const { cache } = newCache();
    const stored = entry();
    const put = cache.put('run-a', stored);
    stored.curves.batch_loss?.value.push(99);
    stored.curves.batch_loss?.step.push(99);
    stored.lastStep.progress = 99;
    await put;
    assert.deepEqual(cache.get('run-a'), entry());
  });

  it('ignores and removes hostile or broken files without throwing', async () => {
    const { cache } = newCache();
    await cache.put('seed', entry());
    const strings = JSON.stringify(Array.from({ length: 100_000 }, () => 'x'.repeat(20)));
    const variants: [string, string][] = [
      ['not JSON', '{"version": 1, '],
      ['an array', '[1, 2, 3]'],
      ['null', 'null'],
      ['another version', entryJson('k', { version: 2 })],
      ['another key', entryJson('another run')],
      ['a zero budget', entryJson('k', { curvePoints: 0 })],
      ['a negative offset', entryJson('k', { offset: -5 })],
      ['a fractional offset', entryJson('k', { offset: 1.5 })],
      ['a short tail', entryJson('k', { tail: 'abc' })],
      ['a fractional last step', entryJson('k', { lastStep: { progress: 1.5, epoch: 0 } })],
      ['a last step below -1', entryJson('k', { lastStep: { progress: -2, epoch: 0 } })],
      ['steps per epoch as text', entryJson('k', { stepsPerEpoch: '4' })],
      ['curves as an array', entryJson('k', { curves: [] })],
      [
        'arrays of unequal length',
        entryJson('k', { curves: { a: { step: [1], epoch: [1, 2], value: [1] } } }),
      ],
      [
        'arrays of strings',
        entryJson('k', { curves: { a: { step: JSON.parse(strings), epoch: [], value: [] } } }),
      ],
      [
        'huge arrays of strings',
        entryJson('k', { curves: { a: { step: [], epoch: [], value: [] }, b: strings } }),
      ],
      ['an object in an array', entryJson('k', { curves: { a: { step: [{}], epoch: [1], value: [1] } } })],
      ['a null in an array', entryJson('k', { curves: { a: { step: [null], epoch: [1], value: [1] } } })],
      [
        'too many curves',
        entryJson('k', {
          curves: Object.fromEntries(
            Array.from({ length: MAX_CURVES + 1 }, (_, i) => [`c${i}`, { step: [], epoch: [], value: [] }]),
          ),
        }),
      ],
    ];
    for (const [what, text] of variants) {
      writeFileSync(cache.pathOf('k'), text);
      assert.equal(cache.get('k'), undefined, what);
      assert.equal(existsSync(cache.pathOf('k')), false, `${what}: removed`);
    }
    // The checks are what refuse them: the same file with the right key and fields is an entry.
    writeFileSync(cache.pathOf('k'), entryJson('k'));
    assert.deepEqual(cache.get('k')?.curves.batch_loss, {
      step: [1, 2],
      epoch: [0, 0],
      value: [Number.NaN, 0.5],
    });
    assert.ok(cache.get('seed'), 'other entries stay');
  });

  it('does not read a file larger than its bound, nor a directory in an entry’s place', async () => {
    const { cache, logs } = newCache();
    await cache.put('k', entry());
    truncateSync(cache.pathOf('k'), MAX_ENTRY_BYTES + 1); // sparse: valid JSON up front, zeros after
    assert.equal(cache.get('k'), undefined);
    assert.equal(existsSync(cache.pathOf('k')), false);
    assert.ok(logs.some((m) => m.includes(`${MAX_ENTRY_BYTES + 1} bytes`)));
    mkdirSync(cache.pathOf('k'));
    assert.equal(cache.get('k'), undefined);
  });

  it('survives a folder it cannot create (logged, no throw)', async () => {
    const { cache: inFile, logs } = newCache();
    writeFileSync(join(inFile.dir, '..', 'blocker'), 'x');
    const cache = new CurveCache(join(inFile.dir, '..', 'blocker', 'sub'), { log: (m) => logs.push(m) });
    await cache.put('k', entry());
    assert.equal(cache.get('k'), undefined);
    assert.ok(logs.some((m) => m.includes('cannot write')));
  });

  it('keeps the folder under its budget by removing the least recently written entries', async () => {
    const probe = newCache();
    await probe.cache.put('probe', entry(200));
    const size = statSync(probe.cache.pathOf('probe')).size;
    // Five entries written long ago (through a cache with room for them), then a cache of 3.5 entries' budget.
    const roomy = newCache().cache;
    const past = Date.now() / 1000 - 10_000;
    for (let i = 0; i < 5; i++) {
      await roomy.put(`k${i}`, entry(200));
      utimesSync(roomy.pathOf(`k${i}`), past + i, past + i);
    }
    const cache = new CurveCache(roomy.dir, { budgetBytes: Math.floor(3.5 * size) });
    assert.equal(readdirSync(cache.dir).length, 5);
    // Reading k0 makes it recently used: k1 and k2 are now the oldest.
    assert.ok(cache.get('k0'));
    await cache.put('k5', entry(200));
    const kept = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'].filter((k) => existsSync(cache.pathOf(k)));
    assert.deepEqual(kept, ['k0', 'k4', 'k5']);
    const total = readdirSync(cache.dir).reduce((sum, name) => sum + statSync(join(cache.dir, name)).size, 0);
    assert.ok(total <= 3.5 * size);
  });
  it('holds a batch of writes back by writeDelayMs (a first open stores its entries after the page booted)', async () => {
    const { cache } = newCache({ writeDelayMs: 150 });
    const started = performance.now();
    const written = Promise.all([cache.put('a', entry()), cache.put('b', entry())]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing is written (nor the folder made) before the delay has passed.
    assert.equal(existsSync(cache.dir), false);
    await written;
    // Timer granularity: the wait is at least the delay less 5 ms of clock rounding.
    assert.ok(performance.now() - started >= 145);
    assert.ok(cache.get('a') && cache.get('b'));
  });
});
