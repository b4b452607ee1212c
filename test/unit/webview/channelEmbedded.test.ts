/**
 * A reopened dashboard's first snapshot, carried by a script beside the bundle: the channel sends only what follows it
 * when the page says it drew it, and a fresh snapshot when anything came for the page in between or the page did not
 * draw it; the script carries it as a string a hostile run name cannot break out of, and runs just before the bundle.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunId } from '../../../src/protocol/ids';
import { PROTOCOL_VERSION } from '../../../src/protocol/version';
import type { HostToWebview, RunInfo } from '../../../src/protocol/webview';
import { FIRST_MESSAGE_GLOBAL, parseWebviewToHost } from '../../../src/protocol/webview';
import { firstScript } from '../../../src/host/webviews/firstSnapshotFile';
import { buildHtml } from '../../../src/host/webviews/html';
import { type Delta, WebviewChannel } from '../../../src/host/webviews/webviewChannel';

const run = 'r1' as RunId;
const statistics: Delta = { runId: run, curves: {}, frames: [], histograms: [] };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup() {
  const posted: HostToWebview[] = [];
  let listener: (m: unknown) => unknown = () => undefined;
  let readies = 0;
  const channel = new WebviewChannel({
    webview: {
      postMessage: (m) => {
        posted.push(m as HostToWebview);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: (l) => {
        listener = l;
        return { dispose: () => undefined };
      },
    },
    view: 'dashboard',
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    snapshot: () => Promise.resolve({ type: 'snapshot', allRuns: [], selected: [], runs: [] }),
    afterSnapshot: () => [statistics],
    onMessage: () => undefined,
    onReady: () => readies++,
    intervalMs: 5,
  });
  const ready = (shown?: number) =>
    listener({
      type: 'ready',
      protocolVersion: PROTOCOL_VERSION,
      view: 'dashboard',
      ...(shown === undefined ? {} : { shown }),
    });
  const types = () => posted.map((m) => [m.type, 'seq' in m ? m.seq : -1]);
  return { channel, posted, ready, types, readies: () => readies };
}

describe('the first snapshot beside the bundle', () => {
  test('a page that drew it gets only what follows it, sequenced after it', async () => {
    const t = setup();
    const first = await t.channel.firstSnapshot();
    assert.equal(first?.type, 'snapshot');
    assert.equal(first?.seq, 1);
    await tick(20);
    assert.deepEqual(t.posted, [], 'nothing is posted before ready');
    assert.equal(t.readies(), 0);
    t.ready(1);
    assert.equal(t.readies(), 1, 'the owner hears the ready (its first-snapshot script can go)');
    await tick(20);
    assert.deepEqual(t.types(), [['appended', 2]]);
    t.channel.dispose();
  });

  test('data for the page before its ready, or a page that did not draw it, gets a fresh snapshot', async () => {
    const stale = setup();
    await stale.channel.firstSnapshot();
    stale.channel.queue({ type: 'runs', upsert: [], removed: [run] });
    stale.ready(1);
    await tick(20);
    assert.deepEqual(stale.types(), [
      ['snapshot', 2],
      ['appended', 3],
    ]);
    stale.channel.dispose();

    for (const shown of [undefined, 7]) {
      const t = setup();
      await t.channel.firstSnapshot();
      t.ready(shown);
      await tick(20);
      assert.deepEqual(
        t.types(),
        [
          ['snapshot', 2],
          ['appended', 3],
        ],
        `ready with shown=${String(shown)}`,
      );
      t.channel.dispose();
    }
  });

  test('a ready after the first one (a re-created document) gets a snapshot', async () => {
    const t = setup();
    await t.channel.firstSnapshot();
    t.ready(1);
    await tick(20);
    t.ready(1);
    await tick(20);
    assert.deepEqual(t.types(), [
      ['appended', 2],
      ['snapshot', 3],
      ['appended', 4],
    ]);
    t.channel.dispose();
  });

  test('ready.shown must be an integer', () => {
    const bad = parseWebviewToHost({ type: 'ready', protocolVersion: 1, view: 'dashboard', shown: '1' });
    assert.equal(bad.ok, false);
  });

  /** A dashboard page's HTML that loads `first` (nonce 'abc', one bundle script). */
  const dashboardHtml = (first: string): string =>
    buildHtml({
      cspSource: 'https://example.invalid',
      nonce: 'abc',
      title: 'T',
      scripts: ['https://example.invalid/dashboard.js'],
      styles: [],
      view: 'dashboard',
      firstScript: first,
    });

  test('a hostile run name stays data in the first-snapshot script', () => {
    const name = '</script><script>alert(1)</script><!-- & \u2028 \u2029 " \' \\ ${x} `';
    const info = { runId: run, name } as unknown as RunInfo;
    const message = { type: 'snapshot', seq: 1, allRuns: [info] };
    const text = firstScript('k"1', message);
    // Run as the page runs it: one statement that sets the window property and nothing else.
    const window: Record<string, unknown> = {};
    new Function('window', text)(window);
    assert.deepEqual(Object.keys(window), [FIRST_MESSAGE_GLOBAL]);
    const [key, json] = window[FIRST_MESSAGE_GLOBAL] as [string, string];
    assert.equal(key, 'k"1');
    assert.deepEqual(JSON.parse(json), message);
    assert.equal(text.split('\n').filter(Boolean).length, 1, 'one line: the literal holds no raw line break');
  });

  test('the first-snapshot script is fetched from <head> beside the bundle and runs just before it', () => {
    const html = dashboardHtml('https://example.invalid/first/k.js');
    const first = html.indexOf('<script defer nonce="abc" src="https://example.invalid/first/k.js">');
    const bundle = html.indexOf('<script defer nonce="abc" src="https://example.invalid/dashboard.js">');
    assert.ok(first >= 0 && bundle >= 0, 'both deferred and nonced');
    assert.ok(first < bundle, 'deferred scripts run in document order: the data first');
    assert.ok(bundle < html.indexOf('</head>'), 'in the head, where the parser meets them first');
    assert.equal(html.match(/<script/g)?.length, 2, 'the two scripts, nothing else');
    assert.ok(html.length < 2000, 'no data in the HTML itself');
  });
});
