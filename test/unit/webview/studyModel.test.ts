/**
 * The Study tab's pure parts on the REAL recorded study (test/fixtures/streams/study.jsonl: SNN vs ReLU x depth 2, 6
 * x 3 repeats on moons): decoding the host's answer, the study choices, groups and sort order, the metric-vs-key
 * model (means recomputed here by plain arithmetic), the comparison picks and the rows of its tests table, and the
 * persisted settings restored from hostile input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePairs } from '../../../src/core/study/compare';
import { describe as summarize } from '../../../src/core/study/describe';
import { formatP, formatStat } from '../../../src/core/study/format';
import type { StudyRun } from '../../../src/core/study/group';
import type { HostToWebview } from '../../../src/protocol/webview';
import { comparePicked, comparePicks, testRows } from '../../../webview/dashboard/study/compareModel';
import { metricVsKey, plotChoices } from '../../../webview/dashboard/study/metricVsKey';
import {
  chooseStudy,
  compareValues,
  keyValues,
  sortSummaries,
  studyChoices,
  studyView,
} from '../../../webview/dashboard/study/studyModel';
import { defaultStudyUi, restoreStudyUi } from '../../../webview/dashboard/study/studyUi';
import { decodeStudy, mergePredictions } from '../../../webview/shared/studyData';
import { initialDashboard, reduceDashboard } from '../../../webview/shared/store';

const messages = readFileSync(join(process.cwd(), 'test', 'fixtures', 'streams', 'study.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as HostToWebview);
const snapshot = messages.find((m) => m.type === 'snapshot') as Extract<HostToWebview, { type: 'snapshot' }>;
const answer = messages.find((m) => m.type === 'study') as Extract<HostToWebview, { type: 'study' }>;
const study = decodeStudy(answer);
const view = studyView(study, defaultStudyUi);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const metricOf = (runs: readonly StudyRun[], name: string) => runs.map((r) => r.metrics[name] as number);

describe('Study tab model on the recorded study', () => {
  test('the fixture is a finished 2 x 2 x 3 study with test metrics', () => {
    assert.equal(study.runs.length, 12);
    assert.deepEqual(view.groupBy, ['experiment', 'variant', 'model.depth']);
    assert.deepEqual(view.metrics, ['test_accuracy', 'test_auc', 'test_loss']);
    assert.deepEqual(
      view.summaries.map((s) => [s.label, s.runs]),
      [
        ['study-fixture/SNN/model.depth=2', 3],
        ['study-fixture/SNN/model.depth=6', 3],
        ['study-fixture/ReLU/model.depth=2', 3],
        ['study-fixture/ReLU/model.depth=6', 3],
      ],
    );
  });

  test("studyChoices / chooseStudy: one study per experiment file; the chosen one, the compared runs' or the newest", () => {
    const choices = studyChoices(snapshot.allRuns);
    assert.deepEqual(
      choices.map((c) => [c.file, c.label, c.runs, c.finished]),
      [['/workspace/study.snn.json', 'study-fixture (study.snn.json)', 12, 12]],
    );
    const other = { ...snapshot.allRuns[0]!, runId: 'x' as never, createdAt: '2099-01-01T00:00:00Z' };
    other.study = { ...other.study!, file: '/elsewhere/b.snn.json' };
    const both = studyChoices([...snapshot.allRuns, other]);
    assert.equal(both[0]?.file, '/elsewhere/b.snn.json', 'newest first');
    assert.equal(chooseStudy('', both, []), '/elsewhere/b.snn.json');
    assert.equal(chooseStudy('', both, [snapshot.allRuns[3]!]), '/workspace/study.snn.json');
    assert.equal(chooseStudy('/workspace/study.snn.json', both, [other]), '/workspace/study.snn.json');
    assert.equal(chooseStudy('/gone.snn.json', both, []), '/elsewhere/b.snn.json');
    assert.equal(chooseStudy('', [], []), undefined);
  });

  test('sortSummaries: by a metric mean either way with NaN last, by coordinates numerically, by runs', () => {
    const byAcc = sortSummaries(view.summaries, view.groupBy, 'test_accuracy', true);
    const means = byAcc.map((s) => s.metrics.test_accuracy!.mean);
    assert.deepEqual(
      means,
      [...means].sort((a, b) => b - a),
    );
    const withNaN = [
      ...view.summaries,
      { ...view.summaries[0]!, id: 'nan', metrics: { test_accuracy: summarize([Number.NaN]) } },
    ];
    for (const desc of [false, true]) {
      assert.equal(sortSummaries(withNaN, view.groupBy, 'test_accuracy', desc).at(-1)?.id, 'nan');
    }
    assert.deepEqual(
      sortSummaries(view.summaries, view.groupBy, 'group', false).map((s) => s.label),
      [
        'study-fixture/ReLU/model.depth=2',
        'study-fixture/ReLU/model.depth=6',
        'study-fixture/SNN/model.depth=2',
        'study-fixture/SNN/model.depth=6',
      ],
    );
    assert.deepEqual(sortSummaries(view.summaries, view.groupBy, '', true), view.summaries);
    assert.ok(compareValues(2, 10) < 0 && compareValues('10', '2') < 0 && compareValues(undefined, 1) > 0);
  });

  test('metricVsKey: a line per variant, a point per depth, the mean of its 3 runs, bars ± std or the t interval', () => {
    const choice = plotChoices(study.runs, defaultStudyUi);
    assert.deepEqual([choice.metric, choice.x, choice.line], ['test_accuracy', 'model.depth', 'variant']);
    for (const bars of ['std', 'ci'] as const) {
      const m = metricVsKey(study.runs, {
        metric: 'test_auc',
        x: 'model.depth',
        line: 'variant',
        fixed: {},
        bars,
      });
      assert.equal(m.numericX, true);
      assert.deepEqual(
        m.lines.map((l) => [l.label, l.points.map((p) => p.x)]),
        [
          ['SNN', [2, 6]],
          ['ReLU', [2, 6]],
        ],
      );
      for (const line of m.lines) {
        for (const p of line.points) {
          const runs = study.runs.filter(
            (r) => r.coordinates.variant === line.label && r.coordinates.sweepPoint['model.depth'] === p.x,
          );
          const values = metricOf(runs, 'test_auc');
          assert.equal(p.summary.n, 3);
          assert.ok(Math.abs(p.summary.mean - mean(values)) < 1e-15, 'mean of the 3 runs');
          const s = summarize(values);
          assert.equal(p.lower, bars === 'std' ? s.mean - s.std : s.ciLow);
          assert.equal(p.upper, bars === 'std' ? s.mean + s.std : s.ciHigh);
        }
      }
    }
  });

  test('metricVsKey: other keys held at a value or pooled; categorical x at 0, 1, ...', () => {
    const pooled = metricVsKey(study.runs, { metric: 'test_accuracy', x: 'variant', fixed: {}, bars: 'std' });
    assert.deepEqual(pooled.pooled, ['model.depth']);
    assert.equal(pooled.numericX, false);
    assert.deepEqual(pooled.xLabels, ['SNN', 'ReLU']);
    assert.deepEqual(
      pooled.lines[0]!.points.map((p) => [p.x, p.summary.n]),
      [
        [0, 6],
        [1, 6],
      ],
    );
    const held = metricVsKey(study.runs, {
      metric: 'test_accuracy',
      x: 'variant',
      fixed: { 'model.depth': '6' },
      bars: 'std',
    });
    assert.deepEqual(held.held, { 'model.depth': '6' });
    const snn6 = study.runs.filter(
      (r) => r.coordinates.variant === 'SNN' && r.coordinates.sweepPoint['model.depth'] === 6,
    );
    assert.ok(
      Math.abs(held.lines[0]!.points[0]!.summary.mean - mean(metricOf(snn6, 'test_accuracy'))) < 1e-15,
    );
    assert.deepEqual(
      keyValues(study.runs, 'model.depth').map((v) => v.id),
      ['2', '6'],
    );
  });

  test('comparison: the default partner differs in the variant only; tests table rows in the CLI digits', () => {
    const picks = comparePicks(view.groups, view.allMetrics, 'test_auc', defaultStudyUi);
    assert.equal(picks.a?.label, 'study-fixture/SNN/model.depth=2');
    assert.equal(picks.b?.label, 'study-fixture/ReLU/model.depth=2');
    assert.equal(picks.metric, 'test_auc');
    const c = comparePicked(picks, 'pratt')!;
    assert.deepEqual(
      c,
      comparePairs(picks.a!, picks.b!, { metric: 'test_auc', wilcoxon: { zeroMethod: 'pratt' } }),
    );
    const rows = testRows(c);
    assert.deepEqual(rows[0], [
      'paired t-test',
      '3',
      `t = ${formatStat(c.tTest.t, 3)}, df = 2`,
      formatP(c.tTest.p),
      `mean difference ${formatStat(c.tTest.meanDifference)} [${formatStat(c.tTest.ciLow)}, ${formatStat(c.tTest.ciHigh)}]`,
    ]);
    assert.equal(rows[1]?.[0], 'Wilcoxon signed-rank');
    assert.equal(rows[1]?.[3], formatP(c.wilcoxon.p));
    assert.equal(rows[2]?.[3], formatP(c.sign.p));
    const chosen = comparePicks(view.groups, view.allMetrics, 'test_auc', {
      compareA: view.groups[3]!.id,
      compareB: view.groups[3]!.id,
      compareMetric: 'no_such_metric',
    });
    assert.equal(chosen.a, view.groups[3]);
    assert.notEqual(chosen.b, chosen.a, 'never a group against itself');
    assert.equal(chosen.metric, 'test_auc');
  });
});

describe('Study tab state', () => {
  test('decodeStudy: null metrics become NaN (excluded); the newest run per coordinates counts', () => {
    const run = answer.runs[0]!;
    const decoded = decodeStudy({
      ...answer,
      runs: [
        { ...run, metrics: { ...run.metrics, test_loss: null } },
        { ...run, runId: 'newer' as never, createdAt: '2099-01-01T00:00:00Z' },
      ],
    });
    assert.equal(decoded.runs.length, 1);
    assert.equal(decoded.runs[0]?.id, 'newer');
    assert.equal(decoded.replaced, 1);
    const only = decodeStudy({ ...answer, runs: [{ ...run, metrics: { test_loss: null } }] });
    assert.ok(Number.isNaN(only.runs[0]!.metrics.test_loss));
  });

  test('the reducer keeps the study and predictions across snapshots; predictions merge by run', () => {
    let state = reduceDashboard(initialDashboard, snapshot);
    state = reduceDashboard(state, answer);
    state = reduceDashboard(state, {
      type: 'predictions',
      runs: [{ runId: 'a' as never, note: 'no predictions.csv' }],
    });
    state = reduceDashboard(state, { ...snapshot, seq: 2 });
    assert.equal(state.study?.file, answer.file);
    assert.deepEqual(state.predictions, { a: { ok: false, note: 'no predictions.csv' } });
    const merged = mergePredictions(state.predictions ?? {}, {
      type: 'predictions',
      runs: [{ runId: 'b' as never, scores: { sample: [1], label: [1], score: [0.5] } }],
    });
    assert.deepEqual(Object.keys(merged), ['a', 'b']);
  });

  test('restoreStudyUi: defaults for junk, bounded strings and lists, no prototype pollution', () => {
    assert.deepEqual(restoreStudyUi(undefined), defaultStudyUi);
    assert.deepEqual(restoreStudyUi('x'), defaultStudyUi);
    const hostile = JSON.parse(
      '{"file": 5, "groupBy": ["variant", 3], "metrics": "everything", "errorBars": "ci", "zeroMethod": "x",' +
        ' "fixed": {"__proto__": "1", "model.depth": "6", "bad": 7}, "sortKey": "' +
        'k'.repeat(300) +
        '"}',
    );
    const ui = restoreStudyUi(hostile);
    assert.equal(ui.file, '');
    assert.deepEqual(ui.groupBy, ['variant']);
    assert.equal(ui.metrics, 'test');
    assert.equal(ui.errorBars, 'ci');
    assert.equal(ui.zeroMethod, 'pratt');
    assert.equal(ui.sortKey, '');
    assert.deepEqual(Object.keys(ui.fixed).sort(), ['__proto__', 'model.depth']);
    assert.equal(Object.getPrototypeOf(ui.fixed), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['1'], undefined);
  });
});
