// The reopened dashboard's first-snapshot scripts: written under a fresh key, removed, stale ones tidied, others kept.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FirstSnapshotFiles } from '../../../src/host/webviews/firstSnapshotFile';
import { FIRST_MESSAGE_GLOBAL } from '../../../src/protocol/webview';

const folder = (): string => join(mkdtempSync(join(tmpdir(), 'snn-first-')), 'webview-first');

test('write: a script under a new key that sets the page property to [key, JSON]; remove: gone, twice is fine', async () => {
  const files = new FirstSnapshotFiles(folder());
  const message = { type: 'snapshot', seq: 3, allRuns: [] };
  const a = await files.write(message);
  const b = await files.write(message);
  assert.notEqual(a.key, b.key, 'each write its own key');
  const window: Record<string, unknown> = {};
  new Function('window', readFileSync(a.path, 'utf8'))(window);
  const [key, text] = window[FIRST_MESSAGE_GLOBAL] as [string, string];
  assert.equal(key, a.key);
  assert.deepEqual(JSON.parse(text), message);
  await files.remove(a.path);
  await files.remove(a.path);
  assert.deepEqual(readdirSync(files.dir), [`${b.key}.js`]);
});

test('removeStale: only scripts older than 10 minutes go; other files and fresh scripts stay', async () => {
  const files = new FirstSnapshotFiles(folder());
  const fresh = await files.write({ type: 'snapshot' });
  const old = await files.write({ type: 'snapshot' });
  const now = Date.now();
  const elevenMinutesAgo = (now - 11 * 60_000) / 1000;
  utimesSync(old.path, elevenMinutesAgo, elevenMinutesAgo);
  writeFileSync(join(files.dir, 'notes.txt'), 'not ours');
  utimesSync(join(files.dir, 'notes.txt'), elevenMinutesAgo, elevenMinutesAgo);
  assert.equal(await files.removeStale(now), 1);
  assert.deepEqual(readdirSync(files.dir).sort(), [`${fresh.key}.js`, 'notes.txt']);
  assert.equal(await new FirstSnapshotFiles(join(files.dir, 'missing')).removeStale(), 0, 'no folder yet');
});

test('write: a folder that cannot be made rejects (the panel then boots without the script and asks)', async () => {
  const parent = folder();
  writeFileSync(`${parent}-file`, 'a file where the folder should be');
  const files = new FirstSnapshotFiles(join(`${parent}-file`, 'webview-first'));
  await assert.rejects(files.write({ type: 'snapshot' }), /ENOTDIR|EEXIST/);
});
