/**
 * The first snapshot embedded in the dashboard's HTML: the channel sends only what follows it when the page says it
 * drew it, and a fresh snapshot when anything came for the page in between or the page did not draw it; the HTML
 * carries it as JSON that a hostile run name cannot break out of.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunId } from '../../../src/protocol/ids';
import { PROTOCOL_VERSION } from '../../../src/protocol/version';
import type { HostToWebview, RunInfo } from '../../../src/protocol/webview';
import { FIRST_MESSAGE_ID, parseWebviewToHost } from '../../../src/protocol/webview';
import { buildHtml, jsonForHtml } from '../../../src/host/webviews/html';
import { type Delta, WebviewChannel } from '../../../src/host/webviews/webviewChannel';

const run = 'r1' as RunId;
const statistics: Delta = { runId: run, curves: {}, frames: [], histograms: [] };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup() {
  const posted: HostToWebview[] = [];
  let listener: (m: unknown) => unknown = () => undefined;
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
  return { channel, posted, ready, types };
}

describe('the first snapshot in the HTML', () => {
  test('a page that drew it gets only what follows it, sequenced after it', async () => {
    const t = setup();
    const first = await t.channel.firstSnapshot();
    assert.equal(first?.type, 'snapshot');
    assert.equal(first?.seq, 1);
    await tick(20);
    assert.deepEqual(t.posted, [], 'nothing is posted before ready');
    t.ready(1);
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

  /** A dashboard page's HTML with `first` embedded (nonce 'abc', one bundle script). */
  const dashboardHtml = (first: NonNullable<Parameters<typeof buildHtml>[0]['first']>): string =>
    buildHtml({
      cspSource: 'https://example.invalid',
      nonce: 'abc',
      title: 'T',
      scripts: ['https://example.invalid/dashboard.js'],
      styles: [],
      view: 'dashboard',
      first,
    });

  test('a hostile run name stays JSON text inside the data block', () => {
    const name = '</script><script>alert(1)</script><!-- & \u2028';
    const info = { runId: run, name } as unknown as RunInfo;
    const message = { type: 'snapshot', seq: 1, allRuns: [info] };
    const html = dashboardHtml({ key: 'k"1', message });
    const open = `<script type="application/json" id="${FIRST_MESSAGE_ID}" data-key="k&quot;1">`;
    const at = html.indexOf(open);
    assert.ok(at >= 0, 'the data block is there');
    const body = html.slice(at + open.length, html.indexOf('</script>', at));
    assert.ok(!/[<>&]/.test(body), 'no <, > or & inside the block');
    assert.deepEqual(JSON.parse(body), message);
    assert.equal(html.match(/<script/g)?.length, 2, 'the data block and the bundle, nothing else');
    assert.equal(jsonForHtml('a<b'), '"a\\u003cb"');
  });

  test('the bundle is fetched from <head> before the data block and runs after the document is parsed', () => {
    const html = dashboardHtml({ key: 'k', message: { type: 'snapshot', seq: 1, allRuns: [] } });
    const bundle = html.indexOf('<script defer nonce="abc" src="https://example.invalid/dashboard.js">');
    assert.ok(bundle >= 0, 'a deferred, nonced bundle script');
    assert.ok(bundle < html.indexOf('</head>'), 'in the head, where the parser meets it first');
    assert.ok(bundle < html.indexOf(FIRST_MESSAGE_ID), 'before the embedded snapshot');
  });
});
