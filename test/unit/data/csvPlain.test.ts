// readCsv's fast path (src/node/data/csvPlain.ts) against csv-parse with readCsv's options: on random quote-free
// files (empty and blank lines, surrounding and Unicode whitespace, BOM, LF or CRLF, ragged rows, no final newline)
// split into random chunks, the same records with the same line numbers; files it must leave to csv-parse refused.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { parse } from 'csv-parse';
import { createRng } from '../../../src/core/random';
import { plainCsvRecords, PLAIN_MAX_LINE_CHARS } from '../../../src/node/data/csvPlain';

interface Read {
  record: string[];
  line: number;
}

async function viaCsvParse(text: string): Promise<Read[]> {
  const parser = Readable.from([Buffer.from(text, 'utf8')]).pipe(
    parse({ relax_column_count: true, skip_empty_lines: true, trim: true, info: true, bom: true }),
  );
  const out: Read[] = [];
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    out.push({ record, line: info.lines });
  }
  return out;
}

async function viaPlain(chunks: string[]): Promise<Read[] | undefined> {
  const out: Read[] = [];
  async function* source(): AsyncGenerator<string> {
    yield* chunks;
  }
  const read = await plainCsvRecords(source(), (record, line) => out.push({ record, line }));
  return read ? out : undefined;
}

/** `text` cut at random places (also between "\r" and "\n", and inside a surrogate-free multi-unit run). */
function chunked(text: string, rng: ReturnType<typeof createRng>): string[] {
  const chunks: string[] = [];
  let at = 0;
  while (at < text.length) {
    const size = 1 + Math.floor(rng.next() * 12);
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

const CELLS = ['1', '-2.5', '3e4', 'abc', '', ' 7 ', '\t8', '9\u00a0', '\u3000x', 'a b', '\ufeff1'];

function randomFile(rng: ReturnType<typeof createRng>): string {
  const eol = rng.next() < 0.5 ? '\n' : '\r\n';
  const lines: string[] = [];
  const rows = Math.floor(rng.next() * 8);
  for (let i = 0; i < rows; i++) {
    const r = rng.next();
    if (r < 0.1) lines.push('');
    else if (r < 0.2) lines.push(rng.next() < 0.5 ? '   ' : ' \t\u00a0');
    else {
      const columns = 1 + Math.floor(rng.next() * 4);
      lines.push(
        Array.from({ length: columns }, () => CELLS[Math.floor(rng.next() * CELLS.length)] ?? '').join(','),
      );
    }
  }
  const bom = rng.next() < 0.2 ? '\ufeff' : '';
  const final = rng.next() < 0.5 ? eol : '';
  return bom + lines.join(eol) + (lines.length > 0 ? final : '');
}

test('plain files: the same records and line numbers as csv-parse, however the text is chunked', async () => {
  const rng = createRng(19);
  let compared = 0;
  for (let i = 0; i < 600; i++) {
    const text = randomFile(rng);
    const expected = await viaCsvParse(text);
    const got = await viaPlain(chunked(text, rng));
    assert.ok(got, `the fast path refused a plain file: ${JSON.stringify(text)}`);
    assert.deepEqual(got, expected, `file ${JSON.stringify(text)}`);
    compared += expected.length;
  }
  assert.ok(compared > 1000, `only ${compared} records compared`);
});

test('files the fast path must leave to csv-parse are refused', async () => {
  const refused = [
    'a,b\n"1",2\n', // a quote (in a later chunk too)
    'a,b\r\n1,2\n3,4\n', // CRLF, then a bare LF
    'a,b\n1,2\r\n', // LF, then CRLF
    'a,b\r1,2\r', // old Mac line ends
    'a,b\n1,2\r', // a lone CR at the end
    'a\rb,c\n1,2\n', // a CR inside a line
  ];
  for (const text of refused) {
    assert.equal(await viaPlain([text]), undefined, JSON.stringify(text));
    assert.equal(
      await viaPlain(text.split('')),
      undefined,
      `${JSON.stringify(text)} one character at a time`,
    );
  }
  const long = `a,b\n${'1'.repeat(PLAIN_MAX_LINE_CHARS + 1)}`;
  assert.equal(await viaPlain([long.slice(0, 10), long.slice(10)]), undefined, 'an over-long line');
});
