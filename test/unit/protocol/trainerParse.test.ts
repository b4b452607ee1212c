// Unit tests of the host <-> trainer message validators (src/protocol/trainerParse.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { parseHostToTrainer, parseTrainerToHost } from '../../../src/protocol/trainerParse';

const dist = {
  mean: 0,
  variance: 1,
  min: -3,
  max: 3,
  percentiles: [-3, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 3],
  histogram: { lo: -5, hi: 5, counts: [1, 2, 3], under: 0, over: 0 },
};
const layerStats = {
  layer: 0,
  units: 8,
  pre: dist,
  post: dist,
  saturated: 0.01,
  dead: 0,
  weights: { mean: 0, variance: 0.1, omegaMean: 0, omegaStd: 0.3, tauMean: 1, tauStd: 0.2 },
  gradNorm: NaN,
  updateRatio: NaN,
};
const summary = {
  steps: 10,
  epochs: 1,
  durationMs: 12.5,
  final: { loss: 0.5 },
  test: { test_loss: 0.6 },
  stoppedEarly: false,
  samplesPerSec: 100,
};
const valid: Record<string, unknown> = {
  ready: {
    type: 'ready',
    protocolVersion: 1,
    backend: { name: 'wasm', versions: { 'tfjs-core': '4.22.0' } },
    pid: 42,
  },
  started: {
    type: 'started',
    runId: 'run-1',
    layers: [{ layer: 0, units: 8, fanIn: 4, activation: 'selu', normalization: 'none', dropout: 'none' }],
    totalSteps: 10,
    stepsPerEpoch: 10,
    samples: { train: 100, validation: 0, test: 10 },
    features: 4,
    classes: 2,
  },
  progress: { type: 'progress', runId: 'run-1', step: 3, epoch: 0, loss: 0.7, samplesPerSec: 1000 },
  epochEnd: { type: 'epochEnd', runId: 'run-1', epoch: 0, step: 10, metrics: { loss: 0.5, val_auc: 0.9 } },
  layerStats: { type: 'layerStats', runId: 'run-1', step: 0, epoch: 0, layers: [layerStats] },
  log: { type: 'log', level: 'warn', message: 'hello' },
  finished: { type: 'finished', runId: 'run-1', summary },
  failed: { type: 'failed', runId: 'run-1', reason: 'diverged', message: 'loss NaN', step: 5, layer: 2 },
};

describe('parseTrainerToHost', () => {
  for (const [type, message] of Object.entries(valid)) {
    it(`accepts a well-formed ${type}`, () => {
      assert.deepEqual(parseTrainerToHost(message), message);
    });
  }
  it('accepts NaN statistics (probe mode has no gradients)', () => {
    assert.ok(parseTrainerToHost(valid.layerStats));
  });
  it('rejects unknown types, non-objects and missing fields', () => {
    assert.equal(parseTrainerToHost({ type: 'bogus' }), undefined);
    assert.equal(parseTrainerToHost({ type: 'toString' }), undefined);
    assert.equal(parseTrainerToHost(null), undefined);
    assert.equal(parseTrainerToHost('ready'), undefined);
    assert.equal(parseTrainerToHost([valid.ready]), undefined);
    const { pid: _pid, ...noPid } = valid.ready as Record<string, unknown>;
    assert.equal(parseTrainerToHost(noPid), undefined);
  });
  it('rejects wrong field types and enum values', () => {
    assert.equal(parseTrainerToHost({ ...(valid.failed as object), reason: 'exploded' }), undefined);
    assert.equal(parseTrainerToHost({ ...(valid.progress as object), step: -1 }), undefined);
    assert.equal(parseTrainerToHost({ ...(valid.progress as object), step: 1.5 }), undefined);
    assert.equal(parseTrainerToHost({ ...(valid.progress as object), runId: '../etc' }), undefined);
    assert.equal(parseTrainerToHost({ ...(valid.log as object), level: 'debug' }), undefined);
    assert.equal(parseTrainerToHost({ ...(valid.epochEnd as object), metrics: { loss: '0.5' } }), undefined);
    const badLayer = {
      ...layerStats,
      pre: { ...dist, histogram: { lo: 0, hi: 1, counts: ['x'], under: 0, over: 0 } },
    };
    assert.equal(parseTrainerToHost({ ...(valid.layerStats as object), layers: [badLayer] }), undefined);
    // W x + b before a norm is optional, and when present it is a distribution.
    const withLinear = { ...layerStats, linear: dist };
    assert.ok(parseTrainerToHost({ ...(valid.layerStats as object), layers: [withLinear] }));
    const badLinear = { ...layerStats, linear: { mean: 0 } };
    assert.equal(parseTrainerToHost({ ...(valid.layerStats as object), layers: [badLinear] }), undefined);
    const badBackend = { name: 'webgl', versions: {} };
    assert.equal(parseTrainerToHost({ ...(valid.ready as object), backend: badBackend }), undefined);
  });
});

describe('parseTrainerToHost: counts the run store can read back', () => {
  it('refuses steps, epochs and layer indices past 2^53 (found by the fuzz tier: recorded, then never shown)', () => {
    const runId = '20261207-000000-fuzz-a3f9';
    const huge = 2 ** 53 + 2;
    const epochEnd = { type: 'epochEnd', runId, epoch: 1, step: 2, metrics: { loss: 0.5 } };
    assert.equal(parseTrainerToHost(epochEnd)?.type, 'epochEnd');
    assert.equal(parseTrainerToHost({ ...epochEnd, epoch: huge }), undefined);
    assert.equal(parseTrainerToHost({ ...epochEnd, step: huge }), undefined);
    const stats = { type: 'layerStats', runId, step: 0, epoch: 0, layers: [{ ...layerStats, layer: huge }] };
    assert.equal(parseTrainerToHost(stats), undefined);
  });
});

describe('parseTrainerToHost: bounded sizes (hostile IPC)', () => {
  const withCounts = (n: number) => ({
    ...layerStats,
    pre: { ...dist, histogram: { ...dist.histogram, counts: new Array<number>(n).fill(1) } },
  });
  const stats = (layers: unknown[]) => ({ ...(valid.layerStats as object), layers });
  it('accepts 512 histogram bins (the schema maximum) and refuses 513', () => {
    assert.ok(parseTrainerToHost(stats([withCounts(512)])));
    assert.equal(parseTrainerToHost(stats([withCounts(513)])), undefined);
  });
  it('refuses more than 64 percentiles and more than 10,000 layers', () => {
    const percentiles = new Array<number>(65).fill(0);
    assert.equal(parseTrainerToHost(stats([{ ...layerStats, pre: { ...dist, percentiles } }])), undefined);
    assert.ok(parseTrainerToHost(stats(new Array(10_000).fill(layerStats))));
    assert.equal(parseTrainerToHost(stats(new Array(10_001).fill(layerStats))), undefined);
    const started = valid.started as { layers: unknown[] };
    assert.equal(
      parseTrainerToHost({ ...started, layers: new Array(10_001).fill(started.layers[0]) }),
      undefined,
    );
  });
  it('refuses metrics with more than 1,000 names or a name longer than 200 characters', () => {
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`m${i}`, i]));
    assert.equal(parseTrainerToHost({ ...(valid.epochEnd as object), metrics: many }), undefined);
    const longName = { ['x'.repeat(201)]: 1 };
    assert.equal(parseTrainerToHost({ ...(valid.epochEnd as object), metrics: longName }), undefined);
    assert.ok(parseTrainerToHost({ ...(valid.epochEnd as object), metrics: { ['x'.repeat(200)]: 1 } }));
  });
  it('cuts log and failure texts to 65,536 characters and says how much was cut, keeping the failure', () => {
    const long = 'y'.repeat(100_000);
    const log = parseTrainerToHost({ ...(valid.log as object), message: long });
    assert.ok(log?.type === 'log');
    assert.equal(log.message.length, 65_536 + '... (34464 characters cut)'.length);
    assert.match(log.message, /\.\.\. \(34464 characters cut\)$/);
    const failed = parseTrainerToHost({ ...(valid.failed as object), message: long, stack: long });
    assert.ok(failed?.type === 'failed');
    assert.equal(failed.reason, 'diverged');
    assert.ok(failed.message.length < 65_600 && (failed.stack ?? '').length < 65_600);
    assert.deepEqual(parseTrainerToHost(valid.log), valid.log, 'short texts unchanged');
  });
});

describe('parseHostToTrainer', () => {
  const start = { type: 'start', runId: 'r', mode: 'train', config: { seed: 1 }, baseDir: '/tmp' };
  it('accepts start (with optional fields) and stop', () => {
    assert.deepEqual(parseHostToTrainer(start), start);
    const full = {
      ...start,
      mode: 'probe',
      runDir: '/tmp/r',
      probeSamples: 100,
      fold: 2,
      probeInput: 'normal',
    };
    assert.deepEqual(parseHostToTrainer(full), full);
    assert.deepEqual(parseHostToTrainer({ type: 'stop' }), { type: 'stop' });
  });
  it('rejects malformed start messages and unknown types', () => {
    assert.equal(parseHostToTrainer({ ...start, mode: 'fit' }), undefined);
    assert.equal(parseHostToTrainer({ ...start, config: 'x' }), undefined);
    assert.equal(parseHostToTrainer({ ...start, baseDir: 3 }), undefined);
    assert.equal(parseHostToTrainer({ ...start, probeSamples: 0 }), undefined);
    assert.equal(parseHostToTrainer({ ...start, probeInput: 'zeros' }), undefined);
    assert.equal(parseHostToTrainer({ ...start, runId: 'a/b' }), undefined);
    assert.equal(parseHostToTrainer({ type: 'pause' }), undefined);
    assert.equal(parseHostToTrainer(undefined), undefined);
  });
});

describe('parseTrainerToHost over JSON IPC', () => {
  it('reads the nulls JSON makes of NaN statistics back as NaN', () => {
    const overJson = JSON.parse(JSON.stringify(valid.layerStats)) as unknown;
    const parsed = parseTrainerToHost(overJson);
    assert.ok(parsed && parsed.type === 'layerStats');
    assert.ok(Number.isNaN(parsed.layers[0]?.gradNorm));
    assert.equal(parsed.layers[0]?.pre.mean, 0);
  });
  it('revives a null by copy on write: the message as received is left as it was', () => {
    const overJson = JSON.parse(JSON.stringify(valid.layerStats)) as { layers: { gradNorm: unknown }[] };
    const before = JSON.stringify(overJson);
    const parsed = parseTrainerToHost(overJson);
    assert.ok(parsed && parsed.type === 'layerStats' && Number.isNaN(parsed.layers[0]?.gradNorm));
    assert.equal(JSON.stringify(overJson), before, 'the received object still holds its null');
    assert.equal(overJson.layers[0]?.gradNorm, null);
  });
  it('still rejects a null where a string is required', () => {
    assert.equal(parseTrainerToHost({ ...(valid.log as object), message: null }), undefined);
  });
});

describe('parseTrainerToHost over structured-clone IPC (no nulls: validated as it arrived, not copied)', () => {
  it('returns every well-formed message equal to what was sent, NaN kept', () => {
    for (const message of Object.values(valid)) {
      const cloned = deserialize(serialize(message)) as unknown;
      assert.deepStrictEqual(parseTrainerToHost(cloned), message);
    }
  });
  it('gives the same result for a message with and without a null to revive', () => {
    const clean = deserialize(serialize(valid.layerStats)) as { layers: { gradNorm: number }[] };
    const withNull = JSON.parse(JSON.stringify(valid.layerStats)) as unknown;
    assert.deepStrictEqual(parseTrainerToHost(withNull), parseTrainerToHost(clean));
  });
  it('keeps a "__proto__" key as data and leaves Object.prototype alone', () => {
    const hostile = JSON.parse(
      '{"type":"epochEnd","runId":"run-1","epoch":1,"step":2,"metrics":{"loss":0.5,"__proto__":{"polluted":1}}}',
    ) as unknown;
    const parsed = parseTrainerToHost(hostile);
    assert.equal(parsed, undefined, 'a metric that is not a number is refused');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
  it('walks no deeper than a message can be: a 100,000-level nest is refused without a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { x: deep };
    assert.equal(parseTrainerToHost({ ...(valid.epochEnd as object), metrics: deep }), undefined);
    let deepArray: unknown = [null];
    for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
    assert.equal(parseTrainerToHost({ ...(valid.epochEnd as object), metrics: deepArray }), undefined);
  });
});
