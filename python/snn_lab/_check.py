"""PyTorch's SELU pitfalls (docs/pytorch.md, "Pitfalls"), found from a model's layers and initial weights:
nn.Linear's default init (weight variance 1/(3*fan_in)), kaiming_normal_(nonlinearity='selu') (gain 3/4, so
variance 9/(16*fan_in)), any other variance than LeCun's 1/fan_in, nn.Dropout instead of nn.AlphaDropout after
SELU, and batch normalisation inside a self-normalizing network."""

from __future__ import annotations

import math
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

import torch
from torch import nn

from ._layers import LayerSpec, role_of, static_layers

#: Weight variance x fan_in of nn.Linear's default init: kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(fan_in)).
DEFAULT_INIT_RATIO = 1.0 / 3.0
#: calculate_gain('selu') = 3/4, so kaiming_normal_(w, nonlinearity='selu') draws N(0, (3/4)^2 / fan_in).
KAIMING_SELU_RATIO = 9.0 / 16.0


class SnnLabWarning(UserWarning):
    """A pitfall snn_lab found in a model (filter with warnings.filterwarnings)."""


@dataclass(frozen=True)
class Pitfall:
    """One finding: a stable code, a message saying what to do, and where."""

    code: str
    message: str
    module: Optional[str] = None
    layer: Optional[int] = None

    def as_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"code": self.code, "message": self.message}
        if self.module is not None:
            out["module"] = self.module
        if self.layer is not None:
            out["layer"] = self.layer
        return out

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


def _tolerance(entries: int) -> float:
    """Half-width for the measured variance ratio: 6 standard errors of a sample variance of `entries` normal
    draws (relative s.e. sqrt(2/n)), at least 0.02, so a correct init is never flagged by chance."""
    return max(0.02, 6.0 * math.sqrt(2.0 / max(1, entries)))


def _init_pitfall(spec: LayerSpec, weight: torch.Tensor) -> Optional[Pitfall]:
    w = weight.detach().to(torch.float64)
    entries = w.numel()
    ratio = float(w.var(unbiased=False)) * spec.fan_in
    tolerance = _tolerance(entries)
    where = f"layer {spec.index} ({spec.name}, {spec.kind} {spec.fan_in}->{spec.units})"
    fix = (
        f"initialise it LeCun normal: torch.nn.init.normal_({spec.name}.weight, 0.0, 1 / math.sqrt({spec.fan_in}))"
    )
    if abs(ratio - 1.0) <= max(tolerance, 0.05):
        return None
    if abs(ratio - DEFAULT_INIT_RATIO) <= tolerance:
        return Pitfall(
            "selu-default-init",
            f"{where} feeds SELU with weight variance {ratio:.3f}/fan_in: PyTorch's default nn.Linear init "
            f"(kaiming_uniform_ with a=sqrt(5)) gives 1/(3*fan_in), so activations shrink layer by layer; {fix}",
            spec.name,
            spec.index,
        )
    if abs(ratio - KAIMING_SELU_RATIO) <= tolerance:
        return Pitfall(
            "selu-kaiming-gain",
            f"{where} feeds SELU with weight variance {ratio:.3f}/fan_in: calculate_gain('selu') is 3/4, so "
            f"kaiming_normal_(..., nonlinearity='selu') is not LeCun normal (variance 9/(16*fan_in)); "
            f"use nonlinearity='linear' or {fix}",
            spec.name,
            spec.index,
        )
    return Pitfall(
        "selu-init-variance",
        f"{where} feeds SELU with weight variance {ratio:.3f}/fan_in; SELU's fixed point (mean 0, variance 1) "
        f"needs 1/fan_in; {fix}",
        spec.name,
        spec.index,
    )


def find_pitfalls(
    model: nn.Module, layers: List[LayerSpec], weights: Optional[Mapping[int, torch.Tensor]] = None
) -> List[Pitfall]:
    """Pitfalls of `model` given its layers (static or as seen at run time) and their initial weights."""
    found: List[Pitfall] = []
    if not layers:
        found.append(
            Pitfall(
                "no-linear-layers",
                f"{type(model).__name__} has no nn.Linear or nn.Conv layer: SNN Lab records the logged metrics "
                "but no per-layer statistics",
            )
        )
        return found
    uses_selu = any(isinstance(m, nn.SELU) for m in model.modules())
    for spec in layers:
        if spec.activation_label == "selu":
            weight = (weights or {}).get(spec.index, spec.module.weight)
            pitfall = _init_pitfall(spec, weight)
            if pitfall is not None:
                found.append(pitfall)
            if spec.dropout is not None and spec.dropout[0] == "standard" and spec.dropout_rate() > 0:
                found.append(
                    Pitfall(
                        "selu-standard-dropout",
                        f"layer {spec.index} ({spec.name}) has SELU followed by nn.Dropout: standard dropout sets "
                        "units to 0, which moves SELU's mean and variance off the fixed point; use "
                        "nn.AlphaDropout (it drops to SELU's saturation value and restores mean and variance)",
                        spec.name,
                        spec.index,
                    )
                )
    if uses_selu:
        for name, module in model.named_modules():
            role = role_of(module)
            if role is not None and role[1] == "batchnorm":
                found.append(
                    Pitfall(
                        "selu-batchnorm",
                        f"module {name!r} ({type(module).__name__}) is batch normalisation in a network using SELU: a "
                        "self-normalizing network keeps mean 0 and variance 1 by itself; batch normalisation "
                        "makes it depend on the batch again (and is slower); remove it or use ReLU + BatchNorm",
                        name,
                    )
                )
    return found


def user_stacklevel() -> int:
    """The warnings stack level of the first caller outside this package (so a warning names the user's line)."""
    frame = sys._getframe(1)
    level = 1
    package = os.path.dirname(os.path.abspath(__file__))
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == package:
        frame = frame.f_back
        level += 1
    return level


def check(model: nn.Module, warn: bool = True) -> List[Pitfall]:
    """Checks a PyTorch model for SELU pitfalls; returns them and, with warn=True, emits each as a
    SnnLabWarning. Uses registration order (exact for nn.Sequential); watch() re-checks with the order seen
    while the model runs."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"snn_lab.check: expected a torch.nn.Module, got {type(model).__name__}")
    found = find_pitfalls(model, static_layers(model))
    if warn:
        for pitfall in found:
            warnings.warn(str(pitfall), SnnLabWarning, stacklevel=user_stacklevel())
    return found

