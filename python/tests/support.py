"""Helpers for snn_lab's tests: run directories (kept under $SNN_LAB_TEST_RUNS_OUT so the python tier can validate
every run the tests wrote against the run-store schemas), readers that decode the non-finite strings, models."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional

import torch
from torch import nn

PYTHON_DIR = Path(__file__).resolve().parents[1]
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))


class RunsDirTestCase(unittest.TestCase):
    """Gives each test a fresh runs directory; kept (for schema validation) when SNN_LAB_TEST_RUNS_OUT is set."""

    def setUp(self) -> None:
        quiet = warnings.catch_warnings()
        quiet.__enter__()
        self.addCleanup(quiet.__exit__, None, None, None)
        # Tests that do not assert pitfalls keep the output clean (assertWarns still sees every warning).
        warnings.simplefilter("ignore", category=UserWarning)
        keep = os.environ.get("SNN_LAB_TEST_RUNS_OUT")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            self.runs_dir = Path(tempfile.mkdtemp(prefix=f"{self.id().split('.')[-1]}-", dir=keep))
        else:
            self.runs_dir = Path(tempfile.mkdtemp(prefix="snn-lab-py-"))
            self.addCleanup(shutil.rmtree, self.runs_dir, True)

    def only_run(self) -> Path:
        runs = [p for p in self.runs_dir.iterdir() if p.is_dir()]
        self.assertEqual(len(runs), 1, f"expected one run in {self.runs_dir}, found {runs}")
        return runs[0]


def decode(value: Any) -> Any:
    if value in ("NaN", "Infinity", "-Infinity"):
        return float(value.replace("Infinity", "inf"))
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def read_json(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_jsonl(path: Path) -> List[Dict[str, Any]]:
    """Records after the header line, non-finite strings decoded."""
    with open(path, encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle if line.strip()]
    return [decode(line) for line in lines[1:]]


def lecun_mlp(width: int = 64, depth: int = 8, inputs: int = 64, outputs: int = 3, seed: int = 0,
              activation: type = nn.SELU) -> nn.Sequential:
    """depth x width SELU MLP with LeCun-normal weights and zero biases."""
    torch.manual_seed(seed)
    layers: List[nn.Module] = []
    fan_in = inputs
    for _ in range(depth):
        linear = nn.Linear(fan_in, width)
        nn.init.normal_(linear.weight, 0.0, 1.0 / math.sqrt(fan_in))
        nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
        fan_in = width
    layers.append(nn.Linear(fan_in, outputs))
    return nn.Sequential(*layers)


def run_script(code: str, runs_dir: Path, timeout: float = 120, env: Optional[Dict[str, str]] = None,
               ) -> "subprocess.Popen[str]":
    """Starts `code` in a fresh interpreter (this one) with snn_lab importable; returns the process."""
    environment = {**os.environ, "PYTHONPATH": str(PYTHON_DIR), "SNN_LAB_RUNS_DIR": str(runs_dir), **(env or {})}
    return subprocess.Popen([sys.executable, "-c", code], env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)

