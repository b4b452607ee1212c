/**
 * Overhead of the PyTorch logger (python/snn_lab, `snn_lab.watch(model, every=50)`) on the bench MLP of
 * bench/torch_mlp.py, measured by bench/torch_logger.py with Debian's python3-torch (1 thread): the cost of a
 * non-reporting step plus one report per 50 steps, in CPU time (method: the script's docstring and
 * docs/performance.md). Target (issue 17): <= 3 % of the step time. Run: npm run bench -- pytorch-logger.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET_PCT = 3;

interface Row {
  depth: number;
  blocks_cycles: number;
  blocks_reportsWritten: number;
  blocks_plainMs: number;
  blocks_normalMs: number;
  blocks_loggerStepMs: number;
  blocks_blockRatioMedianPct: number;
  blocks_wallBlockRatioMedianPct: number;
  report_pairs: number;
  report_plainMs: number;
  report_reportStepMs: number;
  report_reportCostMs: number;
  report_reportCostMedianMs: number;
  normalStepPct: number;
  reportPct: number;
  overheadPct: number;
  otherCpuPct: number;
}

interface Result {
  torch: string;
  blas: string[];
  threads: number;
  every: number;
  rows: Row[];
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
const ms = (v: number): string => v.toFixed(2);
const pct = (v: number): string => `${v.toFixed(2)} %`;

function main(): void {
  const python = process.env.SNN_LAB_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) {
    console.log(`pytorch logger benchmark: skipped — ${python} not found (apt-get install -y python3-torch)`);
    return;
  }
  const loadBefore = load();
  const started = new Date().toISOString();
  const result = spawnSync(python, [path.join(ROOT, 'bench', 'torch_logger.py'), '8', '32'], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  if (result.status !== 0) {
    console.error(`torch_logger.py failed:\n${result.stderr}`);
    process.exit(1);
  }
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Result;
  console.log(
    `pytorch logger benchmark: snn_lab.watch(every=${parsed.every}) on MLP 784 -> 256 x {8, 32} -> 10, batch 128, Adam, SELU; torch ${parsed.torch}, ${parsed.threads} thread, BLAS ${parsed.blas.join(', ') || 'unknown'}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
  );
  console.log(`started ${started}; load average (1, 5, 15 min) before ${loadBefore}, after ${load()}`);
  console.log(
    '\n| depth | plain step (ms CPU, p20) | run.step() on other steps (ms, mean) | report cost (ms CPU, p20 / median) | overhead at every 50 | cross-checks: watched/plain step (p20); block pairs (CPU / wall, median) | other CPU % |',
  );
  console.log('|---|---|---|---|---|---|---|');
  let worst = 0;
  for (const r of parsed.rows) {
    worst = Math.max(worst, r.overheadPct);
    console.log(
      `| ${r.depth} | ${ms(r.blocks_plainMs)} | ${r.blocks_loggerStepMs.toFixed(3)} (${pct(r.normalStepPct)}) | ${ms(r.report_reportCostMs)} / ${ms(r.report_reportCostMedianMs)} (${pct(r.reportPct)} of 50 steps) | **${pct(r.overheadPct)}** | ${pct((r.blocks_normalMs / r.blocks_plainMs - 1) * 100)}; ${pct(r.blocks_blockRatioMedianPct)} / ${pct(r.blocks_wallBlockRatioMedianPct)} (${r.blocks_cycles} pairs) | ${r.otherCpuPct.toFixed(1)} |`,
    );
    if (r.blocks_reportsWritten !== r.blocks_cycles) {
      console.error(
        `depth ${r.depth}: ${r.blocks_reportsWritten} layer records for ${r.blocks_cycles} reporting steps`,
      );
      process.exit(1);
    }
  }
  console.log(
    `\ntarget: overhead <= ${TARGET_PCT} % of the step's CPU time at every=50 — ${worst <= TARGET_PCT ? 'met' : 'NOT met'} (worst ${worst.toFixed(2)} %)`,
  );
}

main();
