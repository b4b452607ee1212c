"""snn_lab.probe(): signal propagation at initialisation. One forward pass of a batch through the model (dropout
off, normalisation on the batch's own statistics, as SNN Lab's own probe does), every layer's statistics written
as a probe run (mode "probe", one layers.jsonl record at step 0), the model left exactly as it was."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import torch
from torch import nn

from ._layers import role_of
from ._run import Run
from ._runsdir import PathLike


class ProbeError(ValueError):
    """The model or the input cannot be probed (no Linear/Conv layer, a bad input)."""


@dataclass
class ProbeResult:
    """What probe() recorded: the run and each layer's statistics (the layers.jsonl record's `layers`)."""

    run_id: str
    run_dir: Path
    layers: List[Dict[str, Any]]

    def table(self) -> str:
        """A readable table: layer, module, units, activation, pre/post mean and variance."""
        lines = [f"{'layer':>5}  {'module':<16} {'units':>6}  {'pre mean':>10} {'pre var':>10} {'post mean':>10} {'post var':>10}"]
        for s in self.layers:
            lines.append(
                f"{s['layer']:>5}  {s['name']:<16} {s['units']:>6}  {s['pre']['mean']:>10.4f} "
                f"{s['pre']['variance']:>10.4f} {s['post']['mean']:>10.4f} {s['post']['variance']:>10.4f}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"probe run {self.run_id} ({self.run_dir})\n{self.table()}"


class _ProbeMode:
    """Dropout off, normalisation layers on batch statistics; every mode and normalisation buffer restored."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.modes = {m: m.training for m in model.modules()}
        self.buffers = {
            m: {k: b.clone() for k, b in m.named_buffers(recurse=False) if b is not None}
            for m in model.modules()
            if (role_of(m) or ("", ""))[0] == "norm"
        }

    def __enter__(self) -> None:
        for module in self.model.modules():
            role = role_of(module)
            module.train(role is not None and role[0] == "norm")

    def __exit__(self, *exc: Any) -> None:
        for module, training in self.modes.items():
            module.training = training
        with torch.no_grad():
            for module, saved in self.buffers.items():
                for name, value in saved.items():
                    getattr(module, name).copy_(value)


def _input(model: nn.Module, x: Union[torch.Tensor, int], run: Run) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(x, int) and not isinstance(x, bool) and x >= 1:
        first = run.layers[0]
        if first.kind != "linear":
            raise ProbeError("snn_lab.probe: pass an input tensor for a model that starts with a convolution")
        parameter = first.module.weight
        return torch.randn(x, first.fan_in, device=parameter.device, dtype=parameter.dtype)
    raise ProbeError(f"snn_lab.probe: x must be an input tensor or a batch size >= 1, got {x!r}")


def probe(
    model: nn.Module,
    x: Union[torch.Tensor, int],
    name: Optional[str] = None,
    runs_dir: Optional[PathLike] = None,
    *,
    bins: int = 40,
    value_range: float = 5.0,
) -> ProbeResult:
    """Forwards `x` (a tensor, or a batch size for N(0, I) input of the first layer's width) through `model`
    without training and records every layer's statistics as a probe run. A model without Linear/Conv layers, or a
    forward pass that raises, gives a failed run and the error."""
    run = Run(model, name, runs_dir, 1, bins=bins, value_range=value_range, on_nonfinite="warn", mode="probe")
    started = time.monotonic()
    try:
        if not run.layers:
            raise ProbeError(f"snn_lab.probe: {type(model).__name__} has no nn.Linear or nn.Conv layer; nothing to probe")
        batch = _input(model, x, run)
        with _ProbeMode(model), torch.no_grad():
            run.capture.arm(training_only=False, gradients=False)
            try:
                model(batch)
            finally:
                run.capture.disarm()
        vector = run.capture.collect(measure_update=False)
        if vector is None:
            raise ProbeError("snn_lab.probe: the forward pass called none of the model's Linear/Conv layers")
        record = run.capture.unpack(vector.tolist(), 0, 0)
        run.record_probe(record, int(batch.shape[0]), started)
    except BaseException as error:
        run.fail(error, "data" if isinstance(error, ProbeError) else "crashed")
        raise
    run.finish()
    return ProbeResult(run.run_id, run.dir, record["layers"])
