// JSON-lines primitives: tailing from a byte offset leaves a partial last line for the next read, and the
// end of the complete lines is found even when the last newline is more than one 64 KiB chunk from the end.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { appendJsonLine, completeLength, readJsonLines } from '../../../src/runs/runFiles';

const dir = mkdtempSync(join(tmpdir(), 'snn-runfiles-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('runFiles', () => {
  it('tails complete lines only, resuming a partial line once it is complete', () => {
    const path = join(dir, 'tail.jsonl');
    writeFileSync(path, '{"a":1}\n{"b":');
    const first = readJsonLines(path);
    assert.deepEqual(first.values, [{ a: 1 }]);
    assert.equal(first.offset, 8);
    assert.equal(first.truncated, true);
    appendFileSync(path, '2}\n');
    const second = readJsonLines(path, first.offset);
    assert.deepEqual(second.values, [{ b: 2 }]);
    assert.equal(second.truncated, false);
    assert.deepEqual(readJsonLines(path, second.offset).values, [], 'nothing new');
  });

  it('round-trips NaN and infinities through appendJsonLine', () => {
    const path = join(dir, 'nonfinite.jsonl');
    appendJsonLine(path, { nan: Number.NaN, inf: Infinity, neg: -Infinity, x: 1.5 });
    const [value] = readJsonLines(path).values as [Record<string, number>];
    assert.ok(Number.isNaN(value.nan));
    assert.deepEqual([value.inf, value.neg, value.x], [Infinity, -Infinity, 1.5]);
  });

  it('finds the end of the complete lines far from the end of the file', () => {
    const path = join(dir, 'long.jsonl');
    writeFileSync(path, `{"a":1}\n${'x'.repeat(200_000)}`); // a 200 kB partial line after one complete line
    assert.equal(completeLength(path), 8);
    assert.equal(completeLength(join(dir, 'missing.jsonl')), 0);
  });
});
