/**
 * readCsv's fast path for the common numeric CSV file: no quote character and one kind of line ending. It splits
 * lines and fields itself and yields exactly the records (and line numbers) csv-parse gives with readCsv's options
 * (trimmed fields, empty lines skipped, a leading BOM dropped; test/unit/data/csvPlain.test.ts compares both on
 * random files). On a 20,000-row file csv-parse's byte-wise state machine and its per-record async iteration took
 * ~0.3 s of a 0.5 s load, a sizeable part of a small run (docs/performance.md, "Sweep (session 6)"); this path
 * takes a few tens of ms. A file it cannot read exactly like csv-parse is handed back (`false`) before anything
 * was kept, and readCsv reads it again with csv-parse.
 */

/** Receives one record: its trimmed fields and its 1-based line in the file. */
export type RecordSink = (record: string[], line: number) => void;

/** A line longer than this (characters) is left to csv-parse, so the pending text here stays bounded. */
export const PLAIN_MAX_LINE_CHARS = 1 << 20;

const CR = 13;

/**
 * Feeds every record of the text in `chunks` to `sink`. Resolves false, at the first sign, when the text holds a
 * quote character, a carriage return that is not part of the file's "\r\n" line endings, or an over-long line:
 * the caller then discards what it received and reads the file with csv-parse.
 */
export async function plainCsvRecords(chunks: AsyncIterable<string>, sink: RecordSink): Promise<boolean> {
  let rest = '';
  let line = 0;
  let atStart = true;
  /** Whether lines end in "\r\n" (decided by the first line end, as csv-parse's auto-discovery does). */
  let crlf: boolean | undefined;
  const emit = (content: string): boolean => {
    if (content.includes('\r')) return false;
    line++;
    if (content.trim() !== '') sink(content.split(',').map(trimField), line);
    return true;
  };
  for await (const piece of chunks) {
    let chunk = piece;
    if (atStart && chunk.length > 0) {
      atStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (chunk.includes('"')) return false;
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const cr = end > start && text.charCodeAt(end - 1) === CR;
      crlf ??= cr;
      if (crlf !== cr) return false;
      if (!emit(text.slice(start, cr ? end - 1 : end))) return false;
      start = end + 1;
    }
    rest = text.slice(start);
    if (rest.length > PLAIN_MAX_LINE_CHARS) return false;
  }
  return rest === '' || emit(rest);
}

const trimField = (field: string): string => field.trim();
