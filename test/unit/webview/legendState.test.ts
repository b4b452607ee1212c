/** The dashboard legend's persisted state: restoreUi reads it defensively, RunFocus takes it back and reports it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RunFocus } from '../../../webview/dashboard/runFocus';
import { defaultUi, restoreUi } from '../../../webview/dashboard/uiState';

describe('legend state in the webview state', () => {
  test('restoreUi keeps well-formed hidden/isolated/filter values', () => {
    const ui = restoreUi({ hiddenRuns: ['a', 'b'], isolatedRun: 'c', legendFilter: 'relu' });
    assert.deepEqual(ui.hiddenRuns, ['a', 'b']);
    assert.equal(ui.isolatedRun, 'c');
    assert.equal(ui.legendFilter, 'relu');
  });

  test('restoreUi drops hostile values: wrong types, over-long strings, unbounded lists', () => {
    const long = 'x'.repeat(201);
    const ui = restoreUi({
      hiddenRuns: ['ok', 7, null, long, '', { id: 'a' }],
      isolatedRun: 42,
      legendFilter: long,
    });
    assert.deepEqual(ui.hiddenRuns, ['ok']);
    assert.equal(ui.isolatedRun, '');
    assert.equal(ui.legendFilter, '');
    const many = restoreUi({ hiddenRuns: Array.from({ length: 5000 }, (_, i) => `run-${i}`) });
    assert.equal(many.hiddenRuns.length, 1000, 'capped');
    assert.deepEqual(restoreUi('not an object').hiddenRuns, defaultUi.hiddenRuns);
    assert.equal(restoreUi({ hiddenRuns: 'a' }).hiddenRuns.length, 0);
  });

  test('RunFocus restores hidden and isolated runs and the filter, and reports them back', () => {
    const focus = new RunFocus();
    let changes = 0;
    focus.onChange(() => changes++);
    focus.restore({ hidden: ['a'], isolated: '', filter: '  ReLU ' });
    assert.equal(changes, 0, 'restoring draws nothing by itself');
    assert.equal(focus.isHidden('a'), true);
    assert.equal(focus.filter, 'relu');
    assert.deepEqual(focus.state, { hidden: ['a'], isolated: '' });
    focus.restore({ hidden: [], isolated: 'b', filter: '' });
    assert.equal(focus.visible('b'), true);
    assert.equal(focus.visible('c'), false, 'only the isolated run is visible');
    assert.deepEqual(focus.state, { hidden: [], isolated: 'b' });
    focus.toggleIsolate('b');
    assert.deepEqual(focus.state, { hidden: [], isolated: '' });
    assert.equal(changes, 1);
  });
});
