// JSON-lines primitives: tailing from a byte offset leaves a partial last line for the next read, the end of the
// complete lines is found far from the end, files are streamed in chunks and sampled by seeking, atomic writes
// leave no temp file behind, and only regular files are ever opened.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { countLines, forEachLine, readJsonLines } from '../../../src/runs/runFileLines';
import { completeLength, sampleLines, tailLines } from '../../../src/runs/runFileSeek';
import { appendJsonLine, readJsonFile, writeJsonAtomic } from '../../../src/runs/runFiles';

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

describe('runFiles: streaming and sampling', () => {
  it('streams lines across 1 MB chunk boundaries without holding the file as one string', () => {
    const path = join(dir, 'chunks.jsonl');
    const line = (i: number): string => `${JSON.stringify({ i, pad: 'p'.repeat(1000 + (i % 7) * 300) })}\n`;
    writeFileSync(path, Array.from({ length: 3000 }, (_, i) => line(i)).join('')); // ~4.5 MB
    const seen: number[] = [];
    const read = forEachLine(path, 0, (l) => l.ok && seen.push((l.value as { i: number }).i));
    assert.equal(seen.length, 3000);
    assert.deepEqual(seen.slice(0, 3), [0, 1, 2]);
    assert.equal(seen.at(-1), 2999);
    assert.equal(read.truncated, false);
    const partial = forEachLine(path, 0, () => undefined, { maxBytes: 100_000 });
    assert.ok(partial.more && partial.offset >= 100_000 && partial.offset < 110_000, `${partial.offset}`);
  });

  it('skips a line longer than the limit, keeps the next one, and never parses the skipped bytes', () => {
    const path = join(dir, 'long-line.jsonl');
    writeFileSync(path, `{"a":1}\n${'x'.repeat(3_000_000)}\n{"b":2}\n`);
    const values: unknown[] = [];
    const read = forEachLine(path, 0, (l) => l.ok && values.push(l.value), { maxLineBytes: 1_000_000 });
    assert.deepEqual(values, [{ a: 1 }, { b: 2 }]);
    assert.equal(read.longLines, 1);
  });

  it('samples lines evenly by bytes, first and last included, at a cost bounded by the sample', () => {
    const path = join(dir, 'sample.jsonl');
    writeFileSync(
      path,
      `{"h":1}\n${Array.from({ length: 1000 }, (_, i) => `{"i":${i},"p":"${'x'.repeat(4 - String(i).length)}"}\n`).join('')}`,
    );
    const { lines, end } = sampleLines(path, 8, 11);
    const picked = lines.map(({ line }) => (line.ok ? (line.value as { i: number }).i : -1));
    assert.equal(end, readFileSync(path).length);
    assert.equal(picked[0], 0);
    assert.equal(picked.at(-1), 999);
    assert.equal(picked.length, 11);
    picked.slice(1).forEach((i, k) => assert.ok(Math.abs(i - picked[k]! - 100) <= 1, `${picked.join(',')}`));
  });

  it('reads the tail of a file, dropping the line cut by the window', () => {
    const path = join(dir, 'tail-window.jsonl');
    writeFileSync(path, `${Array.from({ length: 100 }, (_, i) => `{"i":${i}}`).join('\n')}\n{"partial":`);
    const values = tailLines(path, 40) as { i: number }[];
    assert.deepEqual(
      values.map((v) => v.i),
      [96, 97, 98, 99],
    );
    assert.equal(countLines(path), 100);
  });

  it('a failed atomic write removes its temp file and keeps the last good version', () => {
    const path = join(dir, 'atomic.json');
    writeJsonAtomic(path, { good: true });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => writeJsonAtomic(path, cyclic), /circular/);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { good: true });
    const target = join(dir, 'no-such-dir', 'atomic.json');
    assert.throws(() => writeJsonAtomic(target, { x: 1 }), /ENOENT/);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.tmp-')),
      [],
    );
  });

  it('refuses FIFOs, directories and links instead of opening them', () => {
    const fifo = join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(dir, 'folder.jsonl'));
    symlinkSync(join(dir, 'atomic.json'), join(dir, 'link.json'));
    assert.throws(() => forEachLine(fifo, 0, () => undefined), /is a FIFO; run files must be regular files/);
    assert.throws(() => completeLength(join(dir, 'folder.jsonl')), /is a directory/);
    assert.throws(() => readJsonFile(join(dir, 'link.json')), /symbolic link/);
    assert.equal(readJsonFile(join(dir, 'missing.json')), undefined);
  });
});
