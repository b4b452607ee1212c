// The trainer's check of a resolved run config is the experiment schema itself: every run the examples expand to
// passes it, and what the schema forbids (wrong types, unknown enums, non-finite numbers, file-only keys) fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRunConfig } from '../../../src/core/config/runConfigCheck';
import { loadExperiment } from '../../../src/node/loadExperiment';
import { experimentFiles, repoPath } from './fixtures';

test('every run of every example passes the run-config check', async () => {
  for (const example of experimentFiles('examples')) {
    const loaded = await loadExperiment(repoPath(example));
    assert.ok(loaded.plans.length > 0, example);
    for (const plan of loaded.plans) {
      assert.deepEqual(checkRunConfig(plan.config), [], `${example}: ${plan.name}`);
    }
  }
});

test('the check reports schema violations, non-finite numbers and file-level keys by path', async () => {
  const loaded = await loadExperiment(repoPath('examples', 'moons-quick.snn.json'));
  const config = structuredClone(loaded.plans[0]?.config) as unknown as {
    model: Record<string, unknown>;
    stats: Record<string, unknown>;
    sweep?: unknown;
  };
  config.model.depth = 2.5;
  config.model.activation = 'selo';
  config.stats.everySteps = Infinity;
  config.sweep = {};
  const problems = checkRunConfig(config);
  assert.ok(
    problems.some((p) => p.startsWith('model.depth must be an integer, got 2.5')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.includes('Did you mean "selu"')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.includes('stats.everySteps') && p.includes('Infinity')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('sweep: belongs to an experiment file')),
    problems.join('\n'),
  );
  assert.deepEqual(checkRunConfig('x'), ['the run config is not an object']);
});
