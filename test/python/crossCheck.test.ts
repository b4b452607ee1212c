// Cross-check (docs/pytorch.md, "Cross-check with SNN Lab's own probe"): the same 8 x 64 SELU network with LeCun
// init, probed on N(0, I) input of batch 2048 by snn_lab.probe (PyTorch) and by SNN Lab's own probe (the built CLI,
// tfjs), gives per-layer means and variances that agree within sampling error. The two are independent draws of
// weights and input, so each statistic differs by N(0, 2 sigma^2); sigma is measured from K = 40 further PyTorch
// draws, the bound is 5 * sqrt(2) * sigma. A PyTorch net with nn.Linear's default init must fall outside it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pythonJson } from '../shared/python';
import { repoRoot, validateRunsUnder } from '../shared/runStoreSchemas';

const BATCH = 2048;
const DEPTH = 8;
const WIDTH = 64;
const DRAWS = 40;
const STATS = ['preMean', 'preVariance', 'postMean', 'postVariance'] as const;
type Stat = (typeof STATS)[number];
type LayerMoments = Record<Stat, number>;

const dir = mkdtempSync(join(tmpdir(), 'snn-cross-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** SNN Lab's own probe through the built CLI (dist/cli.js -> dist/trainer.js, tfjs). */
function snnLabProbe(): LayerMoments[] {
  const experiment = join(dir, 'probe-8x64.snn.json');
  writeFileSync(
    experiment,
    JSON.stringify({
      name: 'probe-8x64',
      seed: 1,
      data: { source: 'synthetic', kind: 'blobs', samples: 64, features: WIDTH, classes: 2 },
      model: {
        depth: DEPTH,
        width: WIDTH,
        activation: 'selu',
        init: 'lecun_normal',
        normalization: 'none',
        dropout: { kind: 'alpha', rate: 0 },
      },
    }),
  );
  const cli = join(repoRoot(), 'dist', 'cli.js');
  const args = [cli, 'probe', experiment, '--input', 'normal', '--samples', String(BATCH), '--json'];
  const result = spawnSync('node', [...args, '--runs-dir', join(dir, 'tfjs')], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as {
    layers: { pre: { mean: number; variance: number }; post: { mean: number; variance: number } }[];
  };
  return parsed.layers.map((l) => ({
    preMean: l.pre.mean,
    preVariance: l.pre.variance,
    postMean: l.post.mean,
    postVariance: l.post.variance,
  }));
}

interface TorchSide {
  probe: LayerMoments[];
  defaultInit: LayerMoments[];
  spread: LayerMoments[];
}

const TORCH = String.raw`
import json, math, os, torch
from torch import nn
import snn_lab
torch.set_num_threads(1)
DEPTH, WIDTH, BATCH, DRAWS = ${DEPTH}, ${WIDTH}, ${BATCH}, ${DRAWS}
def net(seed, lecun=True):
    torch.manual_seed(seed)
    layers = []
    for _ in range(DEPTH):
        linear = nn.Linear(WIDTH, WIDTH)
        if lecun:
            nn.init.normal_(linear.weight, 0.0, 1 / math.sqrt(WIDTH))
            nn.init.zeros_(linear.bias)
        layers += [linear, nn.SELU()]
    return nn.Sequential(*layers, nn.Linear(WIDTH, 2))
def moments(layers):
    return [{"preMean": l["pre"]["mean"], "preVariance": l["pre"]["variance"],
             "postMean": l["post"]["mean"], "postVariance": l["post"]["variance"]} for l in layers[:DEPTH]]
def draw(seed):
    model = net(seed)
    h, out = torch.randn(BATCH, WIDTH), []
    with torch.no_grad():
        for i in range(DEPTH):
            z = model[2 * i](h).double()
            a = torch.selu(z)
            out.append({"preMean": z.mean().item(), "preVariance": z.var(unbiased=False).item(),
                        "postMean": a.mean().item(), "postVariance": a.var(unbiased=False).item()})
            h = a.float()
    return out
draws = [draw(100 + k) for k in range(DRAWS)]
spread = []
for i in range(DEPTH):
    row = {}
    for key in draws[0][0]:
        values = [d[i][key] for d in draws]
        mean = sum(values) / DRAWS
        row[key] = math.sqrt(sum((v - mean) ** 2 for v in values) / (DRAWS - 1))
    spread.append(row)
runs = os.environ["RUNS"]
probe = snn_lab.probe(net(1), BATCH, name="cross-check", runs_dir=runs)
default = snn_lab.probe(net(2, lecun=False), BATCH, name="default-init", runs_dir=runs)
print(json.dumps({"probe": moments(probe.layers), "defaultInit": moments(default.layers), "spread": spread}))
`;

describe('cross-check: snn_lab.probe (PyTorch) vs SNN Lab probe (tfjs), 8 x 64 SELU, LeCun, N(0, I), batch 2048', () => {
  const tfjs = snnLabProbe();
  const torch = pythonJson<TorchSide>(TORCH, { env: { RUNS: join(dir, 'torch') } });
  const bound = (layer: number, stat: Stat): number => 5 * Math.SQRT2 * (torch.spread[layer]?.[stat] ?? NaN);

  it('both probes report all 8 hidden layers', () => {
    assert.equal(tfjs.length, DEPTH);
    assert.equal(torch.probe.length, DEPTH);
  });

  it('the measured spread of layer 0 pre-activation variance matches the derivation (sqrt(2/n^2 + 4/(B n)))', () => {
    const derived = Math.sqrt(2 / WIDTH ** 2 + 4 / (BATCH * WIDTH)); // 0.0228
    const measured = torch.spread[0]?.preVariance ?? NaN;
    // sigma from 40 draws has a relative standard error of 1/sqrt(2*39) = 11 %; +-35 % is 3 of them.
    assert.ok(
      measured > 0.65 * derived && measured < 1.35 * derived,
      `measured ${measured}, derived ${derived}`,
    );
  });

  for (let layer = 0; layer < DEPTH; layer++) {
    it(`layer ${layer}: mean and variance agree within 5 * sqrt(2) * sigma`, () => {
      for (const stat of STATS) {
        const a = tfjs[layer]?.[stat] ?? NaN;
        const b = torch.probe[layer]?.[stat] ?? NaN;
        const limit = bound(layer, stat);
        assert.ok(Number.isFinite(limit) && limit > 0, `sigma of ${stat} measured`);
        assert.ok(
          Math.abs(a - b) <= limit,
          `${stat}: tfjs ${a}, torch ${b}, |diff| ${Math.abs(a - b)} > ${limit}`,
        );
      }
    });
  }

  it("fails for PyTorch's default nn.Linear init (variance 1/(3 fan_in)): the check has power", () => {
    for (let layer = 0; layer < DEPTH; layer++) {
      const a = tfjs[layer]?.postVariance ?? NaN;
      const b = torch.defaultInit[layer]?.postVariance ?? NaN;
      assert.ok(Math.abs(a - b) > bound(layer, 'postVariance'), `layer ${layer}: ${a} vs ${b}`);
    }
  });

  it('every run either probe wrote satisfies the run-store schemas', () => {
    const { runs, problems } = validateRunsUnder(dir);
    assert.equal(runs.length, 3);
    assert.deepEqual(problems, []);
  });
});
