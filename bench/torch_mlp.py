"""PyTorch peer for bench/trainer.bench.ts: the same MLP (784 -> depth x 256 -> 10, SELU, LeCun-normal init,
zero biases, softmax cross-entropy, Adam, batch 128) trained on random data with 1 thread. Prints one JSON line.
Run with Debian's interpreter: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_mlp.py 8 32
"""
import json
import math
import os
import statistics
import sys
import time


def cpu_jiffies():
    """(busy, total) jiffies over all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def blas_library():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return sorted(os.path.basename(lib) for lib in libs)


def build_mlp(torch, depth):
    """The bench MLP (seeded: the same weights every call) and its Adam optimiser (tfjs's epsilon)."""
    torch.manual_seed(0)
    layers = []
    fan_in = 784
    for _ in range(depth):
        layers += [torch.nn.Linear(fan_in, 256), torch.nn.SELU()]
        fan_in = 256
    layers.append(torch.nn.Linear(fan_in, 10))
    model = torch.nn.Sequential(*layers)
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.normal_(m.weight, 0.0, math.sqrt(1.0 / m.in_features))
            torch.nn.init.zeros_(m.bias)
    return model, torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)


def measure(torch, depth, min_seconds=4.0, min_steps=10):
    model, opt = build_mlp(torch, depth)
    x = torch.randn(128, 784)
    y = torch.randint(0, 10, (128,))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(3):
        step()
    times = []
    busy0, total0 = cpu_jiffies()
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    cpu_times = []
    while len(times) < min_steps or sum(times) < min_seconds:
        t = time.perf_counter()
        c = time.process_time()
        step()
        times.append(time.perf_counter() - t)
        cpu_times.append(time.process_time() - c)
    wall = time.perf_counter() - wall0
    busy1, total1 = cpu_jiffies()
    ncpu = os.cpu_count() or 1
    hz = os.sysconf("SC_CLK_TCK")
    busy_s = (busy1 - busy0) / hz
    other = max(0.0, busy_s - (time.process_time() - cpu0)) / (wall * ncpu) * 100
    median = statistics.median(times)
    return {"depth": depth, "medianMs": median * 1000, "samplesPerSec": 128 / median, "steps": len(times),
            "cpuMedianMs": statistics.median(cpu_times) * 1000, "otherCpuPct": other}


def main():
    import torch

    torch.set_num_threads(1)
    depths = [int(d) for d in sys.argv[1:]] or [8, 32]
    rows = [measure(torch, d) for d in depths]
    print(json.dumps({"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads(),
                      "rows": rows}))


if __name__ == "__main__":
    main()
