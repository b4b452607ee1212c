"""Writes the small PyTorch runs under test/fixtures/run-store/pytorch/ that the TypeScript tests read (schema
validation, the reader and the dashboard): a training run of a net with batch norm and dropout, a probe, and a
run whose script crashed. Usage: /usr/bin/python3 python/tests/record_fixtures.py [out-dir]"""

import shutil
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import snn_lab  # noqa: E402


def model() -> nn.Module:
    torch.manual_seed(3)
    return nn.Sequential(
        nn.Linear(4, 16), nn.SELU(), nn.AlphaDropout(0.1),
        nn.Linear(16, 16), nn.BatchNorm1d(16), nn.ReLU(),
        nn.Linear(16, 2),
    )


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/run-store/pytorch")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    net = model()
    x = torch.randn(32, 4)
    y = (x[:, 0] > 0).long()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    with snn_lab.watch(net, name="fixture-train", runs_dir=out, every=2, bins=8,
                       config={"lr": 0.1, "optimizer": "sgd"}, total_steps=6) as run:
        for epoch in range(2):
            for _ in range(3):
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(net(x), y)
                loss.backward()
                optimizer.step()
                run.step(loss=loss)
            run.log_epoch({"loss": float(loss), "accuracy": 0.5 + 0.1 * epoch, "val_loss": float(loss) + 0.1})
        run.finish(test={"test_accuracy": 0.75})
    snn_lab.probe(model(), torch.randn(64, 4), name="fixture-probe", runs_dir=out, bins=8)
    try:
        with snn_lab.watch(model(), name="fixture-crash", runs_dir=out, bins=8) as run:
            net2 = run.model
            net2(x).sum().backward()
            run.step(loss=1.0)
            raise RuntimeError("out of memory (simulated)")
    except RuntimeError:
        pass


if __name__ == "__main__":
    main()
