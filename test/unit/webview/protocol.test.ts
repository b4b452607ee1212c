/** parseWebviewToHost: what a webview may send, and clear errors for what it may not (the webview is untrusted). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWebviewToHost } from '../../../src/protocol/webview';

const ok = (value: unknown) => {
  const r = parseWebviewToHost(value);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
};
const error = (value: unknown): string => {
  const r = parseWebviewToHost(value);
  assert.ok(!r.ok, 'expected a rejection');
  return r.error;
};

describe('parseWebviewToHost', () => {
  test('accepts every message kind', () => {
    assert.deepEqual(ok({ type: 'ready', protocolVersion: 1, view: 'dashboard' }), {
      type: 'ready',
      protocolVersion: 1,
      view: 'dashboard',
    });
    assert.deepEqual(ok({ type: 'resync', lastSeq: 4 }), { type: 'resync', lastSeq: 4 });
    assert.deepEqual(ok({ type: 'drawn', seq: 3 }), { type: 'drawn', seq: 3 });
    assert.deepEqual(ok({ type: 'selectRuns', runIds: ['a-1', 'b.2'] }), {
      type: 'selectRuns',
      runIds: ['a-1', 'b.2'],
    });
    assert.deepEqual(ok({ type: 'openDashboard', runIds: [], tab: 'theory' }), {
      type: 'openDashboard',
      runIds: [],
      tab: 'theory',
    });
    assert.deepEqual(ok({ type: 'stopRun', runId: 'r1' }), { type: 'stopRun', runId: 'r1' });
    assert.deepEqual(ok({ type: 'exportRun', runId: 'r1' }), { type: 'exportRun', runId: 'r1' });
    assert.equal(
      ok({ type: 'saveFile', format: 'csv', fileName: 'curves_loss.csv', data: 'a,b\n' }).type,
      'saveFile',
    );
    assert.equal(
      ok({ type: 'saveFile', format: 'png', fileName: 'x.png', data: 'data:image/png;base64,AAAA' }).type,
      'saveFile',
    );
    assert.deepEqual(ok({ type: 'tabChanged', tab: 'layers' }), { type: 'tabChanged', tab: 'layers' });
    assert.deepEqual(ok({ type: 'error', message: 'boom' }), { type: 'error', message: 'boom' });
  });

  test('drops unknown extra fields', () => {
    assert.deepEqual(ok({ type: 'stopRun', runId: 'r1', evil: true }), { type: 'stopRun', runId: 'r1' });
  });

  test('rejects non-objects and unknown types', () => {
    assert.equal(error(null), 'message is not an object');
    assert.equal(error([1]), 'message is not an object');
    assert.match(error({ type: 'rm -rf' }), /unknown message type "rm -rf"/);
    assert.match(error({ type: 'toString' }), /unknown message type/);
  });

  test('names the offending field', () => {
    assert.match(
      error({ type: 'ready', protocolVersion: '1', view: 'dashboard' }),
      /ready: field "protocolVersion" must be an integer/,
    );
    assert.match(error({ type: 'ready', protocolVersion: 1, view: 'x' }), /field "view"/);
    assert.match(error({ type: 'stopRun', runId: '../etc' }), /stopRun: field "runId": invalid run id/);
    assert.match(error({ type: 'selectRuns', runIds: ['ok', 3] }), /runIds\[1\] must be a run id string/);
    assert.match(
      error({ type: 'openDashboard', runIds: [], tab: 'nope' }),
      /field "tab" must be one of curves/,
    );
    assert.match(error({ type: 'resync', lastSeq: 1.5 }), /lastSeq/);
    assert.match(error({ type: 'drawn', seq: '3' }), /seq/);
  });

  test('saveFile: no paths in the file name, PNGs must be PNG data URLs', () => {
    assert.match(error({ type: 'saveFile', format: 'csv', fileName: '../x.csv', data: '' }), /fileName/);
    assert.match(error({ type: 'saveFile', format: 'csv', fileName: 'a/b.csv', data: '' }), /fileName/);
    assert.match(
      error({ type: 'saveFile', format: 'png', fileName: 'a.png', data: 'data:text/html,<script>' }),
      /data:image\/png/,
    );
    assert.match(error({ type: 'saveFile', format: 'svg', fileName: 'a.svg', data: '' }), /format/);
  });

  test('saveFile: "." and ".." pass the character check but are refused (found by the fuzz tier)', () => {
    for (const fileName of ['.', '..', '...', ' .. ']) {
      assert.match(
        error({ type: 'saveFile', format: 'csv', fileName, data: '' }),
        /fileName" must name a file/,
      );
    }
    assert.equal(
      ok({ type: 'saveFile', format: 'csv', fileName: '..curves.csv', data: '' }).type,
      'saveFile',
    );
  });

  test('the Study tab requests: a study by experiment file, predictions by run ids', () => {
    assert.deepEqual(ok({ type: 'requestStudy', file: '/w/a.snn.yaml', extra: 1 }), {
      type: 'requestStudy',
      file: '/w/a.snn.yaml',
    });
    assert.deepEqual(ok({ type: 'requestPredictions', runIds: ['r1', 'r2'] }), {
      type: 'requestPredictions',
      runIds: ['r1', 'r2'],
    });
    assert.match(error({ type: 'requestStudy', file: 3 }), /requestStudy: field "file" must be a string/);
    assert.match(error({ type: 'requestStudy', file: 'x'.repeat(5000) }), /longer than 4096/);
    assert.match(error({ type: 'requestPredictions', runIds: ['../x'] }), /runIds\[0\]: invalid run id/);
    assert.match(
      error({ type: 'requestPredictions', runIds: Array.from({ length: 300 }, (_, i) => `r${i}`) }),
      /at most 256/,
    );
  });
});
