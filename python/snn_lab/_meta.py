"""The meta.json and config.json of a PyTorch run (schemas/run-store/meta.schema.json, config.schema.json):
source facts (framework versions, device, seed, command line), owner and executor for liveness, and the model
description in place of an SNN Lab experiment configuration."""

from __future__ import annotations

import json
import math
import os
import platform
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional

import torch
from torch import nn

from ._layers import LayerSpec, device_label, model_description
from ._store import iso_now, owner
from ._version import RUN_SCHEMA_VERSION, __version__

if TYPE_CHECKING:
    from ._run import Run

_SAFE_INTEGER = 2**53 - 1


def scalar(value: Any) -> float:
    """A metric value as a float: numbers, one-element tensors, numpy scalars."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(f"snn_lab: a metric must be one number, got a tensor of shape {tuple(value.shape)}")
        return float(value.detach().item())
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"snn_lab: a metric must be a number, got {type(value).__name__} {value!r}") from error


def plain_number(value: float) -> Optional[float]:
    """meta.json is plain JSON: non-finite values are null there."""
    return value if math.isfinite(value) else None


def versions() -> Dict[str, str]:
    found = {"torch": torch.__version__, "python": platform.python_version(), "snn_lab": __version__}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        found["numpy"] = str(getattr(numpy, "__version__", "?"))
    cuda = getattr(torch.version, "cuda", None)
    if cuda and torch.cuda.is_available():
        found["cuda"] = str(cuda)
    return found


def _no_script() -> str:
    return "<interactive>" if sys.stdin is not None and sys.stdin.isatty() else "<stdin>"


def new_meta(run: "Run", mode: str, script: Optional[Path], total_steps: Optional[int]) -> Dict[str, Any]:
    """meta.json of a new run (status running: a PyTorch run starts when it is created)."""
    seed = int(torch.initial_seed())
    created = iso_now(run.writer.created)
    meta: Dict[str, Any] = {
        "schemaVersion": RUN_SCHEMA_VERSION,
        "runId": run.run_id,
        "name": run.name,
        "experiment": str(script) if script else _no_script(),
        "mode": mode,
        "status": "running",
        "createdAt": created,
        "startedAt": created,
        "seed": seed if seed <= _SAFE_INTEGER else -1,
        "sweepPoint": {},
        "executor": {"kind": "local", "pid": os.getpid()},
        "owner": owner(),
        "layers": [spec.info() for spec in run.layers],
        "source": {
            "kind": "pytorch",
            "versions": versions(),
            "device": device_label(run.model),
            "logger": "snn_lab (python)",
            "seed": str(seed),
            "argv": [str(a) for a in sys.argv],
            "every": run.every,
            "hostname": socket.gethostname(),
        },
        "warnings": [p.as_json() for p in run.pitfalls],
    }
    if total_steps is not None:
        if not isinstance(total_steps, int) or total_steps < 0:
            raise ValueError(f"snn_lab.watch: total_steps must be an integer >= 0, got {total_steps!r}")
        meta["totalSteps"] = total_steps
    return meta


def _jsonable(value: Any) -> Any:
    """Hyperparameters as JSON values; anything else becomes its repr."""
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        if isinstance(value, Mapping):
            return {str(k): _jsonable(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [_jsonable(v) for v in value]
        return repr(value)


def run_config(
    name: str, model: nn.Module, layers: List[LayerSpec], hyperparameters: Optional[Mapping[str, Any]]
) -> Dict[str, Any]:
    """config.json: the plan (name only: no variants or sweeps), the model description, the hyperparameters."""
    config: Dict[str, Any] = {
        "schemaVersion": RUN_SCHEMA_VERSION,
        "plan": {"name": name, "sweepPoint": {}},
        "model": model_description(model, layers),
    }
    if hyperparameters is not None:
        if not isinstance(hyperparameters, Mapping):
            raise TypeError(f"snn_lab.watch: config must be a dict, got {type(hyperparameters).__name__}")
        config["hyperparameters"] = _jsonable(dict(hyperparameters))
    return config
