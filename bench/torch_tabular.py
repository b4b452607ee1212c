"""PyTorch peer for bench/tabular.bench.ts: the same whole run as SNN Lab's trainer on a tabular CSV, 1 thread:
load and split the CSV (80/10/10), standardise on the training rows, train 8 -> 64 x 8 -> 2 with SGD (batch 128,
shuffled every epoch), statistics every 50 steps from the training pass (per hidden layer: moments, min/max, nine
percentiles and a 40-bin histogram of pre-activations and outputs, weight omega/tau, gradient norm, update ratio,
saturated/dead fractions; written as a JSON line like SNN Lab's layers.jsonl), per epoch the training metrics of the
epoch's outputs and a validation pass (loss, accuracy, AUC; a JSON line), the test split at the end. Prints one JSON
line with the wall time after `import torch` (work_s), the process CPU time of the same part (work_cpu_s), and the
interpreter + import time before it (import_s).
Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_tabular.py data.csv selu|relu out-dir [epochs]
"""
import json
import math
import sys
import time

T0 = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402
from scipy.stats import rankdata  # noqa: E402

PERCENTILES = torch.tensor([0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100]) / 100
SELU_SATURATION = -1.0507009873554805 * 1.6732632423543772


def distribution(v):
    v = v.detach().flatten()
    q = torch.quantile(v, PERCENTILES).tolist()
    hist = torch.histc(v, bins=40, min=-5, max=5).tolist()
    return {"mean": v.mean().item(), "variance": v.var(unbiased=False).item(), "min": q[0], "max": q[-1],
            "percentiles": q, "histogram": {"counts": hist, "under": int((v < -5).sum()), "over": int((v > 5).sum())}}


def weight_stats(w):
    w = w.detach().t()  # [fanIn, units] like SNN Lab's
    omega, tau = w.sum(0), (w * w).sum(0)
    return {"mean": w.mean().item(), "variance": w.var(unbiased=False).item(), "omegaMean": omega.mean().item(),
            "omegaStd": omega.std(unbiased=False).item(), "tauMean": tau.mean().item(),
            "tauStd": tau.std(unbiased=False).item()}


def metrics(logits, labels, prefix=""):
    loss = torch.nn.functional.cross_entropy(logits, labels).item()
    accuracy = (logits.argmax(1) == labels).float().mean().item()
    score = torch.softmax(logits, 1)[:, 1].numpy()
    positive = labels.numpy() == 1
    p, n = positive.sum(), (~positive).sum()
    auc = (rankdata(score)[positive].sum() - p * (p + 1) / 2) / (p * n) if p and n else float("nan")
    return {prefix + "loss": loss, prefix + "accuracy": accuracy, prefix + "auc": float(auc)}


def main():
    path, activation, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    torch.set_num_threads(1)
    t_start = time.perf_counter()
    cpu_start = time.process_time()
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    rng = np.random.default_rng(1)
    order = rng.permutation(len(data))
    n_test = n_val = len(data) // 10
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    x, y = data[:, :-1], data[:, -1].astype(np.int64)
    mean, std = x[train].mean(0), x[train].std(0)
    x = (x - mean) / np.where(std > 0, std, 1)
    split = {k: (torch.from_numpy(x[i]), torch.from_numpy(y[i])) for k, i in
             (("train", train), ("val", val), ("test", test))}
    torch.manual_seed(0)
    layers, fan_in, hidden = [], x.shape[1], []
    for _ in range(8):
        linear = torch.nn.Linear(fan_in, 64)
        gain = 1.0 if activation == "selu" else 2.0  # LeCun normal / He normal, untruncated
        torch.nn.init.normal_(linear.weight, 0.0, math.sqrt(gain / fan_in))
        torch.nn.init.zeros_(linear.bias)
        act = torch.nn.SELU() if activation == "selu" else torch.nn.ReLU()
        block = [linear, act] + ([torch.nn.AlphaDropout(0.05)] if activation == "selu" else [])
        layers += block
        hidden.append(block)
        fan_in = 64
    out = torch.nn.Linear(fan_in, 2)
    torch.nn.init.normal_(out.weight, 0.0, math.sqrt(1.0 / fan_in))
    torch.nn.init.zeros_(out.bias)
    model = torch.nn.Sequential(*layers, out)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    captured = {}
    report = [False]

    def keep(name):
        def hook(_module, _inputs, output):
            if report[0]:
                captured[name] = output.detach()
        return hook

    for i, block in enumerate(hidden):
        block[0].register_forward_hook(keep(("pre", i)))
        block[-1].register_forward_hook(keep(("post", i)))
    xs, ys = split["train"]
    n = len(xs)
    step = 0
    with open(f"{out_dir}/layers.jsonl", "w") as layer_file, open(f"{out_dir}/metrics.jsonl", "w") as metric_file:
        for epoch in range(epochs):
            model.train()
            perm = torch.randperm(n)
            outputs = torch.empty(n, 2)
            for start in range(0, n, 128):
                idx = perm[start:start + 128]
                report[0] = step % 50 == 0
                before = [b[0].weight.detach().clone() for b in hidden] if report[0] else None
                opt.zero_grad()
                logits = model(xs[idx])
                loss = torch.nn.functional.cross_entropy(logits, ys[idx])
                loss.backward()
                grads = [b[0].weight.grad.norm().item() for b in hidden] if report[0] else None
                opt.step()
                outputs[start:start + 128] = logits.detach()
                loss.item()
                if report[0]:
                    stats = []
                    for i, b in enumerate(hidden):
                        post = captured[("post", i)]
                        w = b[0].weight.detach()
                        stats.append({
                            "layer": i, "pre": distribution(captured[("pre", i)]), "post": distribution(post),
                            "saturated": (post - SELU_SATURATION).abs().le(1e-3 * -SELU_SATURATION).float()
                            .mean().item() if activation == "selu" else 0,
                            "dead": (post == 0).all(0).float().mean().item() if activation == "relu" else 0,
                            "weights": weight_stats(before[i]), "gradNorm": grads[i],
                            "updateRatio": ((w - before[i]).norm() / before[i].norm()).item()})
                    layer_file.write(json.dumps({"step": step, "epoch": epoch, "layers": stats}) + "\n")
                    layer_file.flush()
                    report[0] = False
                step += 1
            model.eval()
            with torch.no_grad():
                epoch_metrics = {**metrics(outputs, ys[perm]), **metrics(model(split["val"][0]), split["val"][1], "val_")}
            metric_file.write(json.dumps({"epoch": epoch, "step": step, "metrics": epoch_metrics}) + "\n")
            metric_file.flush()
        with torch.no_grad():
            test_metrics = metrics(model(split["test"][0]), split["test"][1], "test_")
    end = time.perf_counter()
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "activation": activation,
                      "import_s": t_start - T0, "work_s": end - t_start, "work_cpu_s": time.process_time() - cpu_start,
                      "steps": step, "final": epoch_metrics,
                      "test": test_metrics}))


if __name__ == "__main__":
    main()
