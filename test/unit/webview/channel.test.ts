/** WebviewChannel: ready handshake, snapshot on (re)connect, seq numbering, coalescing, bad input handling. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunId } from '../../../src/protocol/ids';
import { PROTOCOL_VERSION } from '../../../src/protocol/version';
import type { FrameColumns, HostToWebview, WebviewToHost } from '../../../src/protocol/webview';
import {
  type ChannelOptions,
  type Delta,
  type SnapshotBody,
  WebviewChannel,
} from '../../../src/host/webviews/webviewChannel';

/**
 * A channel over a fake webview that records what it is sent; `o` replaces the snapshot, pending rows, interval and
 * what follows a snapshot, and `deliver` how VS Code confirms a posted message (at once by default).
 */
function setup(
  o: Partial<Pick<ChannelOptions, 'snapshot' | 'pending' | 'intervalMs' | 'afterSnapshot'>> = {},
  deliver: () => Promise<boolean> = () => Promise.resolve(true),
) {
  const posted: HostToWebview[] = [];
  const logs: string[] = [];
  const handled: WebviewToHost[] = [];
  let listener: (m: unknown) => unknown = () => undefined;
  let snapshots = 0;
  const channel = new WebviewChannel({
    webview: {
      postMessage: (m) => {
        posted.push(m as HostToWebview);
        return deliver();
      },
      onDidReceiveMessage: (l) => {
        listener = l;
        return { dispose: () => undefined };
      },
    },
    view: 'dashboard',
    log: {
      info: (m) => logs.push(`info ${m}`),
      warn: (m) => logs.push(`warn ${m}`),
      error: (m) => logs.push(`error ${m}`),
    },
    snapshot: (): SnapshotBody => {
      snapshots++;
      return { type: 'snapshot', allRuns: [], selected: [], runs: [] };
    },
    onMessage: (m) => handled.push(m),
    intervalMs: 20,
    ...o,
  });
  const send = (m: unknown) => listener(m);
  const ready = () => send({ type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'dashboard' });
  return { channel, posted, logs, handled, send, ready, snapshots: () => snapshots };
}
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = 'r1' as RunId;
const delta = (step: number, runId: RunId = run) => ({
  runId,
  curves: { batch_loss: { step: [step], epoch: [0], value: [1] } },
  frames: [],
  histograms: [],
});

describe('WebviewChannel', () => {
  test('sends nothing before ready, then a snapshot with seq 1 and the protocol version', async () => {
    const t = setup();
    t.channel.append(delta(1));
    t.channel.invalidate();
    await tick(40);
    assert.equal(t.posted.length, 0);
    t.ready();
    await tick(5);
    assert.deepEqual(
      t.posted.map((m) => [m.type, 'seq' in m ? m.seq : -1]),
      [['snapshot', 1]],
    );
    assert.equal((t.posted[0] as { protocolVersion: number }).protocolVersion, PROTOCOL_VERSION);
    t.channel.dispose();
  });

  test('coalesces appends per run into one sequenced push per interval', async () => {
    const t = setup({ intervalMs: 30 });
    t.ready();
    for (let i = 0; i < 5; i++) t.channel.append(delta(i));
    await tick(80);
    const appended = t.posted.filter((m) => m.type === 'appended');
    assert.equal(appended.length, 1);
    assert.equal(appended[0]!.seq, 2);
    assert.deepEqual(
      appended[0]!.runs.map((r) => [r.runId, r.curves.batch_loss?.step]),
      [[run, [0, 1, 2, 3, 4]]],
    );
    t.channel.append(delta(5));
    await tick(80);
    assert.deepEqual(
      t.posted.filter((m) => m.type === 'appended').map((m) => m.seq),
      [2, 3],
    );
    t.channel.dispose();
  });

  test("a push is ONE appended message carrying every run's data, in the order the runs first appended", async () => {
    const t = setup({ intervalMs: 30 });
    t.ready();
    const runs = ['r4', 'r2', 'r3', 'r1'] as RunId[];
    for (const step of [7, 8]) for (const id of runs) t.channel.append(delta(step, id));
    await tick(80);
    const appended = t.posted.filter((m) => m.type === 'appended');
    assert.equal(appended.length, 1, 'one message (one message event, one render in the page)');
    assert.deepEqual(
      appended[0]!.runs.map((r) => [r.runId, r.curves.batch_loss?.step]),
      runs.map((id) => [id, [7, 8]]),
    );
    assert.deepEqual(
      t.posted.map((m) => ('seq' in m ? m.seq : -1)),
      [1, 2],
      'one seq for the push',
    );
    t.channel.dispose();
  });

  test('resync and invalidate answer with a full snapshot (pending deltas dropped)', async () => {
    const t = setup();
    t.ready();
    t.send({ type: 'resync', lastSeq: 1 });
    t.channel.append(delta(1));
    t.channel.invalidate();
    await tick(60);
    assert.deepEqual(
      t.posted.map((m) => m.type),
      ['snapshot', 'snapshot', 'snapshot'],
    );
    assert.deepEqual(
      t.posted.map((m) => ('seq' in m ? m.seq : -1)),
      [1, 2, 3],
    );
    t.channel.dispose();
  });

  test('a protocol mismatch is reported to the webview and the log, without a snapshot', async () => {
    const t = setup();
    t.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION + 1, view: 'dashboard' });
    await tick(5);
    assert.equal(t.snapshots(), 0);
    assert.equal(t.posted[0]?.type, 'notice');
    assert.match(t.logs.join('\n'), /error dashboard webview speaks protocol/);
    t.channel.dispose();
  });

  test('bad messages are logged and dropped; good actions reach the owner', () => {
    const t = setup();
    t.send({ type: 'stopRun', runId: 42 });
    t.send('junk');
    t.send({ type: 'exportRun', runId: 'r1' });
    assert.deepEqual(t.handled, [{ type: 'exportRun', runId: 'r1' }]);
    assert.equal(
      t.logs.filter((l) => l.startsWith('warn dashboard webview: ignored a bad message')).length,
      2,
    );
    t.channel.dispose();
  });
});

describe('WebviewChannel: queued messages and asynchronous snapshots', () => {
  test("queued bodies and the owner's pending rows go out before appended data, each with the next seq", async () => {
    let rows = 0;
    const { channel, posted, ready } = setup({
      pending: () => (rows-- > 0 ? [{ type: 'sidebarUpdate', upsert: [], removed: [run] }] : []),
      intervalMs: 10,
    });
    ready();
    channel.append(delta(1));
    channel.queue({ type: 'runs', upsert: [], removed: [run] });
    rows = 1;
    channel.poke();
    await tick(40);
    assert.deepEqual(
      posted.map((m) => [m.type, 'seq' in m ? m.seq : -1]),
      [
        ['snapshot', 1],
        ['runs', 2],
        ['sidebarUpdate', 3],
        ['appended', 4],
      ],
    );
    channel.dispose();
  });

  test('while an asynchronous snapshot is built nothing else is sent; it carries what changed meanwhile', async () => {
    let release: () => void = () => undefined;
    let builds = 0;
    const { channel, posted, ready } = setup({
      snapshot: async (): Promise<SnapshotBody> => {
        builds++;
        await new Promise<void>((r) => (release = r));
        return { type: 'snapshot', allRuns: [], selected: [], runs: [] };
      },
      intervalMs: 5,
    });
    ready();
    channel.append(delta(1));
    channel.queue({ type: 'runs', upsert: [], removed: [run] });
    await tick(20);
    assert.equal(posted.length, 0, 'held back while the snapshot is built');
    release();
    await tick(20);
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot'],
    );
    channel.append(delta(2));
    await tick(20);
    assert.deepEqual(
      posted.map((m) => [m.type, 'seq' in m ? m.seq : -1]),
      [
        ['snapshot', 1],
        ['appended', 2],
      ],
    );
    assert.equal(builds, 1);
    channel.dispose();
  });

  test('what the snapshot left out follows it at the next flush, before newer data, once', async () => {
    const frame = { step: 0, epoch: 0 } as unknown as FrameColumns;
    const held = [{ runId: run, curves: {}, frames: [frame], histograms: [] }];
    const { channel, posted, ready } = setup({ afterSnapshot: () => held.splice(0), intervalMs: 5 });
    ready();
    await tick(1);
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot'],
      'the snapshot goes alone',
    );
    channel.append(delta(5));
    await tick(30);
    const sent = posted.map((m) => [
      m.type,
      'seq' in m ? m.seq : -1,
      m.type === 'appended' ? m.runs.map((r) => r.frames.length) : [],
    ]);
    assert.deepEqual(
      sent,
      [
        ['snapshot', 1, []],
        ['appended', 2, [1, 0]],
      ],
      'in the push, the held statistics come before the newer curves of the same run',
    );
    channel.append(delta(6));
    await tick(30);
    assert.equal(posted.length, 3, 'the held data is sent once');
    assert.deepEqual(posted[2]?.type === 'appended' && posted[2].runs.map((r) => r.frames.length), [0]);
    channel.dispose();
  });
  test('what follows a snapshot may still be loading: sent once it is read, dropped if a newer snapshot went out', async () => {
    const frame = { step: 0, epoch: 0 } as unknown as FrameColumns;
    const reads: ((d: Delta[]) => void)[] = [];
    const { channel, posted, ready, send } = setup({
      afterSnapshot: () => new Promise<Delta[]>((resolve) => reads.push(resolve)),
      intervalMs: 5,
    });
    ready();
    await tick(1);
    channel.append(delta(5));
    await tick(30);
    const types = (): string[] =>
      posted.map(
        (m) => `${m.type}${m.type === 'appended' ? m.runs.map((r) => r.frames.length).join('+') : ''}`,
      );
    assert.deepEqual(
      types(),
      ['snapshot', 'appended0'],
      'newer curves are not held back by the loading statistics',
    );
    reads[0]!([{ runId: run, curves: {}, frames: [frame], histograms: [] }]);
    await tick(30);
    assert.deepEqual(types(), ['snapshot', 'appended0', 'appended1'], 'the statistics follow once read');
    assert.deepEqual(
      posted.map((m) => ('seq' in m ? m.seq : -1)),
      [1, 2, 3],
      'in sequence',
    );
    // A resync sends a newer snapshot before the second read ends: its statistics belong to it, not the old one.
    send({ type: 'resync', lastSeq: 3 });
    await tick(1);
    assert.equal(reads.length, 2);
    send({ type: 'resync', lastSeq: 4 });
    await tick(1);
    reads[1]!([{ runId: run, curves: {}, frames: [frame], histograms: [] }]);
    await tick(30);
    assert.deepEqual(types().slice(3), ['snapshot', 'snapshot'], 'the stale statistics are dropped');
    reads[2]!([{ runId: run, curves: {}, frames: [frame], histograms: [] }]);
    await tick(30);
    assert.deepEqual(types().slice(3), ['snapshot', 'snapshot', 'appended1']);
    channel.dispose();
  });

  test('back-pressure: while a push is undelivered, new data merges into one push sent after delivery', async () => {
    const undelivered: (() => void)[] = [];
    // A busy workbench: a message is confirmed only when the test says so.
    const busy = () => new Promise<boolean>((resolve) => undelivered.push(() => resolve(true)));
    const { channel, posted, ready } = setup({ intervalMs: 10 }, busy);
    ready();
    await tick(5);
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot'],
    );
    for (let step = 1; step <= 3; step++) {
      channel.append(delta(step));
      await tick(30);
    }
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot'],
      'nothing queued behind an undelivered push',
    );
    undelivered.splice(0).forEach((deliver) => deliver());
    await tick(40);
    const appended = posted.filter((m) => m.type === 'appended');
    assert.equal(appended.length, 1, 'the three appends arrive as one push');
    assert.deepEqual(
      appended[0]?.type === 'appended' && appended[0].runs.map((r) => r.curves.batch_loss?.step),
      [[1, 2, 3]],
    );
    channel.dispose();
  });
});
