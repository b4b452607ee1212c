// vscode-free host helpers: run labels, command argument normalisation, settings, plan selection, data policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunPlan } from '../../../src/core/config/experimentConfig';
import { dashboardArgs, experimentPathFromArgs, runIdsFromArgs } from '../../../src/host/commandArgs';
import { pathsOutsideWorkspace } from '../../../src/host/dataPolicy';
import { isInside } from '../../../src/node/confinement';
import { selectPlans, withStatsCadence } from '../../../src/host/planSelection';
import { formatAge, groupByExperiment, runLook, shortName, statusLine } from '../../../src/host/runLabels';
import type { RunMeta } from '../../../src/runs/runTypes';
import { readSettings, type SettingKey } from '../../../src/host/settings';
import { asRunId } from '../../../src/protocol/ids';

function meta(over: Partial<RunMeta>): RunMeta {
  return {
    schemaVersion: 1,
    runId: asRunId('r1'),
    name: 'mnist/SNN/model.depth=16',
    experiment: '/ws/mnist.snn.json',
    mode: 'train',
    status: 'running',
    createdAt: '2026-01-01T00:00:00.000Z',
    seed: 7,
    sweepPoint: {},
    ...over,
  };
}

test('a running run shows epoch (1-based) and percent of steps; its context value allows Stop', () => {
  const look = runLook(
    meta({ totalSteps: 200, progress: { step: 90, epoch: 1, loss: 0.5 } }),
    Date.parse('2026-01-01T00:02:00Z'),
  );
  assert.equal(look.label, 'SNN/model.depth=16');
  assert.equal(look.description, 'running · epoch 2 · 45% · 2 min ago');
  assert.equal(look.icon.id, 'sync~spin');
  assert.equal(look.contextValue, 'snnLabRun:running');
});

test('a finished run shows its last loss; a failed one its reason in description and tooltip', () => {
  assert.equal(
    statusLine(meta({ status: 'finished', progress: { step: 9, epoch: 2, loss: 0.123456 } })),
    'finished · loss 0.1235',
  );
  const failed = runLook(
    meta({ status: 'failed', failure: { reason: 'data', message: 'no such file x.csv' } }),
    0,
  );
  assert.match(failed.description, /^failed · data/);
  assert.match(failed.tooltip, /Failure \(data\): no such file x\.csv/);
  assert.equal(failed.icon.color, 'testing.iconFailed');
  assert.equal(statusLine(meta({ status: 'finished', mode: 'probe' })), 'finished (probe)');
});

test('shortName drops the experiment prefix only when there is one', () => {
  assert.equal(shortName(meta({ name: 'plain' })), 'plain');
  assert.equal(shortName(meta({ name: 'exp/' })), 'exp/');
});

test('formatAge rounds to s, min, h, d', () => {
  const t0 = '2026-01-01T00:00:00.000Z';
  const at = (s: number) => Date.parse(t0) + s * 1000;
  assert.deepEqual(
    [formatAge(t0, at(12)), formatAge(t0, at(300)), formatAge(t0, at(7200)), formatAge(t0, at(172800))],
    ['10 s', '5 min', '2 h', '2 d'],
  );
  assert.equal(formatAge('not a date', 0), '');
});

test('groupByExperiment puts the newest run (and its experiment) first', () => {
  const groups = groupByExperiment([
    meta({ runId: asRunId('a'), experiment: '/a', createdAt: '2026-01-01T00:00:00Z' }),
    meta({ runId: asRunId('b'), experiment: '/b', createdAt: '2026-01-02T00:00:00Z' }),
    meta({ runId: asRunId('c'), experiment: '/a', createdAt: '2026-01-03T00:00:00Z' }),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.experiment, g.runs.map((r) => r.runId)]),
    [
      ['/a', ['c', 'a']],
      ['/b', ['b']],
    ],
  );
});

test('command arguments: none, id, tree item, arrays, multi-select pair, webview payload', () => {
  assert.deepEqual(runIdsFromArgs([]), []);
  assert.deepEqual(runIdsFromArgs(['r1']), ['r1']);
  assert.deepEqual(runIdsFromArgs([{ meta: { runId: 'r2' } }]), ['r2']);
  assert.deepEqual(runIdsFromArgs([['r1', 'r2', 'r1']]), ['r1', 'r2']);
  assert.deepEqual(runIdsFromArgs([{ runId: 'r1' }, [{ runId: 'r1' }, { runId: 'r3' }]]), ['r1', 'r3']);
  assert.deepEqual(runIdsFromArgs([{ runIds: ['r4', 'r5'] }]), ['r4', 'r5']);
  assert.deepEqual(runIdsFromArgs(['bad id/..']), [], 'strings that cannot be run ids are ignored');
  assert.equal(experimentPathFromArgs([{ fsPath: '/ws/a.snn.json' }]), '/ws/a.snn.json');
  assert.equal(experimentPathFromArgs(['/ws/b.snn.yaml']), '/ws/b.snn.yaml');
  assert.equal(experimentPathFromArgs([]), undefined);
  assert.equal(
    experimentPathFromArgs([{ kind: 'experiment', experiment: '/ws/c.snn.json', runs: [] }]),
    '/ws/c.snn.json',
  );
});

test('readSettings applies defaults, clamps numbers and builds the Slurm executor config', () => {
  const values: Partial<Record<SettingKey, unknown>> = {
    maxConcurrentRuns: 0,
    backend: 'nonsense',
    'slurm.partition': ' debug ',
    'slurm.extraOptions': ['--account=ml', 3, ''],
    'slurm.maxParallel': 4,
    executor: 'slurm',
  };
  const s = readSettings((key) => values[key]);
  assert.equal(s.runsDirectory, '.snn-lab/runs');
  assert.equal(s.maxConcurrentRuns, 1);
  assert.equal(s.backend, 'auto');
  assert.equal(s.executor, 'slurm');
  assert.equal(s.allowDatasetsOutsideWorkspace, false);
  assert.deepEqual(s.slurm, {
    kind: 'slurm',
    partition: 'debug',
    parallel: 4,
    cpusPerTask: 1,
    sbatchOptions: ['--account=ml'],
  });
});

test('readSettings clamps to the range package.json declares (maxConcurrentRuns 100000 becomes 16)', () => {
  const s = readSettings((key) => ({ maxConcurrentRuns: 100_000, statsEverySteps: -5 })[key as string]);
  assert.equal(s.maxConcurrentRuns, 16);
  assert.equal(s.statsEverySteps, 0);
});

function plan(name: string, variant: string | undefined, depth: number, fold?: number): RunPlan {
  const config = { stats: { everySteps: 10 }, data: { source: 'mnist' } } as unknown as RunPlan['config'];
  return { name, variant, sweepPoint: { 'model.depth': depth }, fold, config };
}
const grid = [
  plan('a', 'SNN', 8, 0),
  plan('b', 'SNN', 8, 1),
  plan('c', 'ReLU', 8, 0),
  plan('d', 'ReLU', 8, 1),
  plan('e', 'SNN', 16, 0),
  plan('f', 'SNN', 16, 1),
  plan('g', 'ReLU', 16, 0),
  plan('h', 'ReLU', 16, 1),
];
const names = (plans: RunPlan[]) => plans.map((p) => p.name).join('');

test('plan selection: run = first sweep point, sweep = all, variant, probe = fold 0 only', () => {
  assert.equal(names(selectPlans(grid, { kind: 'run' })), 'abcd');
  assert.equal(names(selectPlans(grid, { kind: 'sweep' })), 'abcdefgh');
  assert.equal(names(selectPlans(grid, { kind: 'variant', variant: 'ReLU' })), 'cd');
  assert.equal(names(selectPlans(grid, { kind: 'probe' })), 'aceg');
  assert.throws(
    () => selectPlans(grid, { kind: 'variant', variant: 'GELU' }),
    /no variant "GELU" .*variants: SNN, ReLU/,
  );
  assert.deepEqual(selectPlans([], { kind: 'run' }), []);
});

test('statistics cadence override replaces stats.everySteps only when > 0', () => {
  assert.equal(withStatsCadence(grid, 0)[0]?.config.stats.everySteps, 10);
  assert.equal(withStatsCadence(grid, 3)[0]?.config.stats.everySteps, 3);
  assert.equal(grid[0]?.config.stats.everySteps, 10, 'the input plans are not mutated');
});

test('data policy: CSV paths leaving the workspace are reported, relative to the experiment file', async () => {
  assert.ok(isInside('/ws', '/ws/data/x.csv'));
  assert.ok(!isInside('/ws', '/wsx/x.csv'));
  assert.ok(!isInside('/ws', '/etc/passwd'));
  assert.ok(isInside('/ws', '/ws/..foo/x.csv'), 'a folder named ..foo is inside');
  assert.ok(!isInside('/ws', '/ws/../x.csv'));
  const csv = (path: string) =>
    ({ ...plan('x', undefined, 1), config: { data: { source: 'csv', path } } }) as unknown as RunPlan;
  const plans = [
    csv('data/ok.csv'),
    csv('../../outside.csv'),
    csv('/abs/elsewhere.csv'),
    csv('../../outside.csv'),
    plan('m', undefined, 1),
  ];
  assert.deepEqual(await pathsOutsideWorkspace(plans, '/ws/exp/a.snn.json', '/ws'), [
    '/outside.csv',
    '/abs/elsewhere.csv',
  ]);
});

test('Open Dashboard arguments: ids with a tab, a tab alone, an experiment file', () => {
  assert.deepEqual(dashboardArgs([['r1', 'r2'], 'layers']), { runIds: ['r1', 'r2'], tab: 'layers' });
  assert.deepEqual(dashboardArgs(['r1', undefined]), { runIds: ['r1'] });
  assert.deepEqual(dashboardArgs([undefined, 'theory']), { runIds: [], tab: 'theory' });
  assert.deepEqual(dashboardArgs([{ fsPath: '/ws/a.snn.yaml' }]), {
    runIds: [],
    experiment: '/ws/a.snn.yaml',
  });
  assert.deepEqual(dashboardArgs([]), { runIds: [] });
});
