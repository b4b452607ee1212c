"""Overhead of snn_lab.watch() at the default cadence (every=50) on the bench MLP of bench/torch_mlp.py
(784 -> depth x 256 -> 10, SELU, LeCun normal, Adam, batch 128, 1 thread). Prints one JSON line.

Two identical models train side by side so both see the same machine load, and every time is the CPU time of this
process (on a shared machine wall time also counts the time other processes held the core):
  1. blocks of 50 steps in ABBA order (whichever block runs second is measurably slower), one model plain, one
     watched with every=50 (each watched block starts with its reporting step): the CPU time of run.step() on the
     49 other steps (the logger's whole work there: hooks are not even registered), and as a cross-check the
     watched/plain ratio of each block pair (noisy on a shared machine);
  2. single steps alternating plain / reporting (a third model watched with every=1): the cost of one report
     (hooks, weight copies, reductions, the write), as reporting-step time minus plain-step time.
The overhead at every=50 is (run.step() on a plain step + report cost / 50) / plain step time.
Times are summarised by their 20th percentile: other processes only ever add time, so a low quantile is the least
disturbed estimate; medians and wall-clock figures are printed beside it.
Run: OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_logger.py 8 32
"""
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
import snn_lab  # noqa: E402
from torch_mlp import blas_library, build_mlp, cpu_jiffies  # noqa: E402

EVERY = 50
BATCH = 128


def quantile(values, q=0.2):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Stepper:
    def __init__(self, depth):
        self.x = torch.randn(BATCH, 784)
        self.y = torch.randint(0, 10, (BATCH,))
        self.model, self.optimizer = build_mlp(torch, depth)

    def __call__(self, run=None):
        """One training step; returns (wall, cpu, cpu of run.step) seconds."""
        wall, cpu = time.perf_counter(), time.process_time()
        self.optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(self.model(self.x), self.y)
        loss.backward()
        self.optimizer.step()
        logger = time.process_time()
        if run is not None:
            run.step(loss=loss)
        else:
            loss.item()  # a plain loop reads its loss every step; the watched one at most every 0.1 s
        end = time.process_time()
        return time.perf_counter() - wall, end - cpu, end - logger


def blocks(depth, runs_dir, min_seconds, min_cycles):
    plain, watched = Stepper(depth), Stepper(depth)
    pairs, normal, logger, plain_steps = [], [], [], []
    with snn_lab.watch(watched.model, name=f"bench-{depth}", runs_dir=runs_dir, every=EVERY) as run:
        for _ in range(3):
            plain()
        start = time.perf_counter()
        cycles = 0
        while cycles < min_cycles or time.perf_counter() - start < min_seconds:
            if cycles % 2 == 0:
                a = [plain() for _ in range(EVERY)]
                b = [watched(run) for _ in range(EVERY)]
            else:
                b = [watched(run) for _ in range(EVERY)]
                a = [plain() for _ in range(EVERY)]
            pairs.append((sum(t[1] for t in b) / sum(t[1] for t in a), sum(t[0] for t in b) / sum(t[0] for t in a)))
            normal += [t[1] for t in b[1:]]
            logger += [t[2] for t in b[1:]]
            plain_steps += [t[1] for t in a]
            cycles += 1
        written = len((run.dir / "layers.jsonl").read_text().splitlines()) - 1
    return {
        "cycles": cycles,
        "reportsWritten": written,
        "plainMs": quantile(plain_steps) * 1000,
        "normalMs": quantile(normal) * 1000,
        "loggerStepMs": statistics.fmean(logger) * 1000,
        "blockRatioMedianPct": (statistics.median(p[0] for p in pairs) - 1) * 100,
        "wallBlockRatioMedianPct": (statistics.median(p[1] for p in pairs) - 1) * 100,
    }


def report_cost(depth, runs_dir, pairs=60):
    plain, watched = Stepper(depth), Stepper(depth)
    plain_cpu, report_cpu = [], []
    with snn_lab.watch(watched.model, name=f"bench-every-1-{depth}", runs_dir=runs_dir, every=1) as run:
        for _ in range(3):
            plain()
            watched(run)
        for i in range(pairs):
            if i % 2 == 0:
                plain_cpu.append(plain()[1])
                report_cpu.append(watched(run)[1])
            else:
                report_cpu.append(watched(run)[1])
                plain_cpu.append(plain()[1])
    return {
        "pairs": pairs,
        "plainMs": quantile(plain_cpu) * 1000,
        "reportStepMs": quantile(report_cpu) * 1000,
        "reportCostMs": (quantile(report_cpu) - quantile(plain_cpu)) * 1000,
        "reportCostMedianMs": (statistics.median(report_cpu) - statistics.median(plain_cpu)) * 1000,
    }


def measure(depth):
    busy0, _ = cpu_jiffies()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with tempfile.TemporaryDirectory() as runs_dir:
        part1 = blocks(depth, runs_dir, min_seconds=15.0, min_cycles=12)
        part2 = report_cost(depth, runs_dir)
    wall = time.perf_counter() - wall0
    busy1, _ = cpu_jiffies()
    other = max(0.0, (busy1 - busy0) / os.sysconf("SC_CLK_TCK") - (time.process_time() - cpu0))
    plain_ms = part1["plainMs"]
    normal_pct = part1["loggerStepMs"] / plain_ms * 100
    report_pct = part2["reportCostMs"] / (EVERY * plain_ms) * 100
    return {
        "depth": depth,
        **{f"blocks_{k}": v for k, v in part1.items()},
        **{f"report_{k}": v for k, v in part2.items()},
        "normalStepPct": normal_pct,
        "reportPct": report_pct,
        "overheadPct": normal_pct + report_pct,
        "otherCpuPct": other / (wall * (os.cpu_count() or 1)) * 100,
    }


def main():
    torch.set_num_threads(1)
    depths = [int(d) for d in sys.argv[1:]] or [8, 32]
    rows = [measure(d) for d in depths]
    print(json.dumps({"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads(),
                      "every": EVERY, "rows": rows}))


if __name__ == "__main__":
    main()
