// Storage budget: the thinning stride planned from the first report, the doubling fallback, the hard bound, the
// parsing of the setting/option, and a run written through the store staying under its budget with a warning.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunStore } from '../../../src/runs/runStore';
import {
  RecordThinner,
  budgetFrom,
  parseStatsBudgetMb,
  STATS_BUDGET_MB,
} from '../../../src/runs/storageBudget';
import { layer, tinyPlan } from './fixtures';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('RecordThinner', () => {
  it('plans a stride from the first record so the file ends near 90 % of the budget', () => {
    const thinner = new RecordThinner(1000);
    thinner.plan(100, 50); // 5,000 bytes expected for a 1,000-byte budget
    assert.equal(thinner.every, 6);
    let written = 0;
    for (let i = 0; i < 100; i++) {
      if (thinner.admit(50)) {
        thinner.wrote(50);
        written += 50;
      }
    }
    assert.ok(written <= 1000 && written >= 800, `${written}`);
  });

  it('doubles the stride when the file nears its budget anyway, and never passes it', () => {
    const thinner = new RecordThinner(10_000);
    let written = 0;
    for (let i = 0; i < 100_000; i++) {
      if (thinner.admit(97)) {
        thinner.wrote(97);
        written += 97;
      }
    }
    assert.ok(written <= 10_000, `${written}`);
    assert.ok(thinner.every >= 64, `the stride grew to ${thinner.every}`);
  });

  it('parses the budget in MB with a clear error naming the setting or option', () => {
    assert.equal(parseStatsBudgetMb(64, 'x').layersBytes, 64 * 1024 * 1024);
    assert.equal(parseStatsBudgetMb(' 32 ', 'x').metricsBytes, 8 * 1024 * 1024);
    for (const bad of [0, 7, 1.5, -3, 'abc', '1e3', STATS_BUDGET_MB.maximum + 1, null]) {
      assert.throws(
        () => parseStatsBudgetMb(bad, '--stats-budget-mb'),
        /--stats-budget-mb must be a whole number of MB from 8 to 65536/,
      );
    }
    assert.equal(budgetFrom(undefined, {}).layersBytes, STATS_BUDGET_MB.default * 1024 * 1024);
    assert.equal(budgetFrom(undefined, { SNN_LAB_STATS_BUDGET_MB: '16' }).layersBytes, 16 * 1024 * 1024);
    assert.throws(
      () => budgetFrom(undefined, { SNN_LAB_STATS_BUDGET_MB: 'lots' }),
      /\$SNN_LAB_STATS_BUDGET_MB must be/,
    );
  });
});

describe('a run over its budget', () => {
  it('stores every n-th report evenly over the run, stays under the budget and says so', () => {
    const root = mkdtempSync(join(tmpdir(), 'snn-budget-'));
    roots.push(root);
    const warnings: string[] = [];
    const budget = { layersBytes: 200_000, metricsBytes: 20_000 };
    const store = new RunStore(root, {
      budget,
      logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    const runId = store.create(tinyPlan(), { experiment: '/x/e.snn.json', mode: 'train' });
    store.setStatus(runId, 'running');
    store.record(runId, {
      type: 'started',
      runId,
      layers: [],
      totalSteps: 2000,
      stepsPerEpoch: 2000,
      samples: { train: 1, validation: 0, test: 0 },
      features: 4,
      classes: 2,
    });
    const stats = Array.from({ length: 6 }, (_, i) => layer(i));
    for (let step = 0; step < 2000; step++) {
      store.record(runId, { type: 'layerStats', runId, step, epoch: 0, layers: stats });
      store.record(runId, { type: 'progress', runId, step, epoch: 0, loss: 1, samplesPerSec: 1 });
    }
    store.record(runId, { type: 'epochEnd', runId, step: 2000, epoch: 0, metrics: { loss: 0.5 } });
    store.flush();
    const dir = store.runDir(runId);
    assert.ok(statSync(join(dir, 'layers.jsonl')).size <= budget.layersBytes);
    assert.ok(
      statSync(join(dir, 'metrics.jsonl')).size <= budget.metricsBytes + 200,
      'epoch records always kept',
    );
    const data = new RunStore(root).read(runId)!;
    const steps = data.layers.map((r) => r.step);
    const stride = steps[1]! - steps[0]!;
    assert.ok(
      stride > 1 && steps.every((s, i) => i === 0 || s - steps[i - 1]! === stride),
      'evenly from the start',
    );
    assert.ok(steps.at(-1)! > 1800, `covers the whole run (last stored step ${steps.at(-1)})`);
    assert.equal(data.metrics.at(-1)?.kind, 'epoch');
    assert.equal(data.meta.thinning?.layersEvery, stride);
    assert.ok((data.meta.thinning?.progressEvery ?? 0) > 1);
    assert.match(warnings.join('\n'), /storage budget .* only every \d+th statistics report/);
    assert.match(readFileSync(join(dir, 'meta.json'), 'utf8'), /"thinning"/);
  });
});
