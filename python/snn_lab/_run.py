"""snn_lab.watch(): one PyTorch training run recorded in SNN Lab's run store while it trains (docs/pytorch.md).
Per-layer statistics every `every` steps and at step 0, the loss at most every 0.1 s, epoch metrics when logged;
the run ends finished, failed (an exception, with its traceback in trainer.log), stopped (SIGINT/SIGTERM) or
diverged (a non-finite loss or activation)."""

from __future__ import annotations

import math
import sys
import time
import warnings
from typing import Any, Dict, List, Mapping, Optional, Tuple

import torch
from torch import nn

from . import _lifecycle as lifecycle
from ._capture import Capture
from ._check import Pitfall, SnnLabWarning, find_pitfalls, user_stacklevel
from ._layers import static_layers
from ._meta import new_meta, plain_number, run_config, scalar
from ._runsdir import PathLike, resolve_runs_dir, script_path
from ._stats import first_nonfinite_layer
from ._store import RunWriter, format_exception, iso_now
from ._version import RUN_SCHEMA_VERSION

PROGRESS_INTERVAL_S = 0.1
META_INTERVAL_S = 1.0


class DivergedError(RuntimeError):
    """Raised by Run.step() when the loss or a layer's statistics became NaN or infinite (on_nonfinite='stop')."""


def _validate(every: int, bins: int, value_range: float, on_nonfinite: str) -> None:
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise ValueError(f"snn_lab.watch: every must be an integer >= 1, got {every!r}")
    if not isinstance(bins, int) or isinstance(bins, bool) or not 2 <= bins <= 512:
        raise ValueError(f"snn_lab.watch: bins must be an integer in 2..512, got {bins!r}")
    if not isinstance(value_range, (int, float)) or not math.isfinite(value_range) or value_range <= 0:
        raise ValueError(f"snn_lab.watch: value_range must be a finite number > 0, got {value_range!r}")
    if on_nonfinite not in ("stop", "warn"):
        raise ValueError(f"snn_lab.watch: on_nonfinite must be 'stop' or 'warn', got {on_nonfinite!r}")


class Run:
    """A run being recorded. Use as a context manager (``with snn_lab.watch(model) as run:``) or call finish()."""

    def __init__(
        self,
        model: nn.Module,
        name: Optional[str] = None,
        runs_dir: Optional[PathLike] = None,
        every: int = 50,
        *,
        config: Optional[Mapping[str, Any]] = None,
        total_steps: Optional[int] = None,
        bins: int = 40,
        value_range: float = 5.0,
        on_nonfinite: str = "stop",
        mode: str = "train",
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"snn_lab.watch: expected a torch.nn.Module, got {type(model).__name__}")
        _validate(every, bins, value_range, on_nonfinite)
        script = script_path()
        self.name = name or (script.stem if script else "pytorch")
        self.model = model
        self.every = every
        self.on_nonfinite = on_nonfinite
        self.layers = static_layers(model)
        self.capture = Capture(model, self.layers, float(value_range), bins)
        self.writer = RunWriter(resolve_runs_dir(runs_dir), self.name)
        self.run_id = self.writer.run_id
        self.dir = self.writer.dir
        self.pitfalls: List[Pitfall] = find_pitfalls(model, self.layers)
        self.meta = new_meta(self, mode, script, total_steps)
        self.config = run_config(self.name, model, self.layers, config)
        self.writer.create_files(self.config, self.meta)
        self._emit(self.pitfalls)
        self._step = 0
        self._epoch = 0
        self._samples = 0
        self._started = time.monotonic()
        self._last_progress = -math.inf
        self._last_meta = time.monotonic()
        self._reported_structure = False
        self._warned_no_capture = False
        self._warned_nonfinite = False
        self._final: Dict[str, float] = {}
        self._test: Dict[str, float] = {}
        self.terminated_by: Optional[str] = None
        if self.layers and mode == "train":
            self.capture.arm()
        lifecycle.register(self)

    # -- public API -----------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return str(self.meta["status"])

    @property
    def steps(self) -> int:
        """Optimiser steps recorded so far."""
        return self._step

    def step(self, loss: Any = None, batch_size: Optional[int] = None) -> None:
        """Records one optimiser step: call it after optimizer.step(). On reporting steps (step 0 and every
        `every` steps) it reduces the hooked layers' statistics and writes them; the loss is written at most every
        0.1 s. Raises DivergedError when the loss or a layer is not finite (on_nonfinite='stop')."""
        if lifecycle.is_terminal(self.status):
            return
        step = self._step
        reported = retake = False
        loss_value: Optional[float] = None
        nonfinite: Optional[Dict[str, Any]] = None
        if self.capture.armed:
            self.capture.disarm()
            if self.capture.seen:
                retake = self._changed_in_place(step)
                if not retake:
                    loss_value, nonfinite = self._report(step, loss)
                    reported = True
            elif not self._warned_no_capture:
                self._warned_no_capture = True
                self._log_warning(
                    f"no training-mode forward pass of a watched layer happened before run.step() at step {step} "
                    "(is the model in eval mode, or the forward under torch.no_grad()?): no layer statistics"
                )
        size = batch_size if batch_size is not None else self.capture.batch_size
        self._samples += int(size or 0)
        now = time.monotonic()
        if loss is not None and (reported or now - self._last_progress >= PROGRESS_INTERVAL_S):
            if loss_value is None:
                loss_value = scalar(loss)
            self._last_progress = now
            elapsed = max(1e-3, now - self._started)
            rate = self._samples / elapsed if self._samples > 0 else math.nan
            record = {"kind": "progress", "step": step, "epoch": self._epoch, "loss": loss_value}
            self.writer.append("metrics", {**record, "samplesPerSec": rate, "time": time.time() * 1000})
            self.meta["progress"] = {"step": step, "epoch": self._epoch, "loss": plain_number(loss_value)}
            self._write_meta_throttled(now)
            if not math.isfinite(loss_value):
                where = f" (first non-finite: layer {nonfinite['layer']}, {nonfinite['name']})" if nonfinite else ""
                self._diverge(step, f"loss is {loss_value} at step {step}{where}", nonfinite)
        if nonfinite is not None:
            self._diverge(step, f"non-finite activations at step {step} (first: layer {nonfinite['layer']}, "
                          f"{nonfinite['name']})", nonfinite)
        self._step = step + 1
        if self.layers and (retake or self._step % self.every == 0):
            self.capture.arm()

    def log_epoch(self, metrics: Mapping[str, Any], epoch: Optional[int] = None) -> None:
        """Records epoch metrics (e.g. {"loss": ..., "accuracy": ..., "val_loss": ...}); names prefixed test_ also
        go to the summary's test metrics. Values may be numbers or one-element tensors."""
        if lifecycle.is_terminal(self.status):
            return
        if not isinstance(metrics, Mapping):
            raise TypeError(f"snn_lab: log_epoch expects a dict of metric name -> number, got {type(metrics).__name__}")
        values = {str(k): scalar(v) for k, v in metrics.items()}
        index = self._epoch if epoch is None else int(epoch)
        record = {"kind": "epoch", "step": self._step, "epoch": index, "metrics": values, "time": time.time() * 1000}
        self.writer.append("metrics", record)
        self._final = {k: v for k, v in values.items() if not k.startswith("test_")} or self._final
        self._test.update({k: v for k, v in values.items() if k.startswith("test_")})
        if "loss" in values:
            self.meta["progress"] = {"step": self._step, "epoch": index, "loss": plain_number(values["loss"])}
        self._epoch = index + 1
        self._write_meta_throttled(time.monotonic())

    def finish(self, test: Optional[Mapping[str, Any]] = None) -> None:
        """Ends the run as finished and writes summary.json (test: final test metrics, e.g. {"test_accuracy": .9})."""
        if lifecycle.is_terminal(self.status):
            return
        if test:
            self._test.update({str(k): scalar(v) for k, v in test.items()})
        duration_ms = (time.monotonic() - self._started) * 1000
        summary = {
            "schemaVersion": RUN_SCHEMA_VERSION,
            "steps": self._step,
            "epochs": self._epoch,
            "durationMs": duration_ms,
            "final": self._final,
            "test": self._test,
            "stoppedEarly": False,
            "samplesPerSec": self._samples / max(1e-3, duration_ms / 1000) if self._samples else math.nan,
        }
        self.writer.write_summary(summary)
        self._end("finished", None)

    def fail(self, error: BaseException, reason: str = "crashed") -> None:
        """Ends the run for an exception: stopped for Ctrl+C/SIGTERM, failed (`reason`: crashed, or data when the
        model or input cannot be used) otherwise."""
        if lifecycle.is_terminal(self.status):
            return
        step = self._step
        if isinstance(error, KeyboardInterrupt):
            self._end("stopped", {"reason": "stopped", "message": f"interrupted (SIGINT) at step {step}", "step": step})
        elif isinstance(error, lifecycle.Terminated) or self.terminated_by == "SIGTERM":
            self._end("stopped", {"reason": "stopped", "message": f"terminated (SIGTERM) at step {step}", "step": step})
        else:
            self.writer.log(f"[failed:{reason}] {format_exception(error)}")
            message = f"{type(error).__name__}: {error} (at step {step})"
            self._end("failed", {"reason": reason, "message": message, "step": step})

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> bool:
        if exc is None:
            self.finish()
        elif not lifecycle.is_terminal(self.status):
            self.fail(exc)
        return False

    def __repr__(self) -> str:
        return f"<snn_lab.Run {self.run_id} {self.status} step={self._step} dir={self.dir}>"

    # -- internals ------------------------------------------------------------------------------------------
    def _changed_in_place(self, step: int) -> bool:
        """True when an output kept by reference changed in place after the forward pass (the model took another
        path than in earlier reports): this report is dropped and taken again at the next step, with copies."""
        changed = self.capture.changed_in_place()
        if not changed:
            return False
        self.capture.release()
        self.writer.log(
            f"[info] step {step}: {', '.join(changed)} changed in place after the forward pass; the statistics "
            f"report is taken at step {step + 1} instead (those outputs are copied from now on)"
        )
        return True

    def _report(self, step: int, loss: Any) -> Tuple[Optional[float], Optional[Dict[str, Any]]]:
        """Reduces the captured statistics (and the loss) and moves them to the host in one transfer; returns the
        loss and the first layer with non-finite statistics ({"layer", "name"}) if any."""
        vector = self.capture.collect(measure_update=True)
        if vector is None:
            return None, None
        with torch.no_grad():
            has_loss = isinstance(loss, torch.Tensor) and loss.numel() == 1
            if has_loss:
                vector = torch.cat([vector, loss.detach().to(torch.float64).reshape(1).to(vector.device)])
        values = vector.tolist()
        loss_value = values.pop() if has_loss else None
        record = self.capture.unpack(values, self._epoch, step)
        if not self._reported_structure:
            self._reported_structure = True
            self._publish_structure()
        self.capture.release()
        self.writer.append("layers", record)
        layer = first_nonfinite_layer(record["layers"])
        if layer is None:
            return loss_value, None
        name = next((r["name"] for r in record["layers"] if r["layer"] == layer), "?")
        return loss_value, {"layer": layer, "name": name}

    def record_probe(self, record: Dict[str, Any], samples: int, started: float) -> None:
        """Writes a probe's single layers record (probe mode: no steps) and its throughput."""
        self._publish_structure()
        self.writer.append("layers", record)
        self._samples = samples
        self._started = started
        layer = first_nonfinite_layer(record["layers"])
        if layer is not None:
            self._log_warning(f"non-finite activations in the probe (first: layer {layer})")

    def _publish_structure(self) -> None:
        """After the first captured pass: the layers as they ran, and the pitfalls re-checked with them."""
        runtime = self.capture.runtime_layers()
        self.meta["layers"] = [spec.info() for spec in runtime]
        self.config = run_config(self.name, self.model, runtime, self.config.get("hyperparameters"))
        self.writer.write_config(self.config)
        pitfalls = find_pitfalls(self.model, runtime, self.capture.initial_weights())
        last = max((s.index for s in runtime), default=-1)
        for spec in runtime:
            if spec.activation is None and spec.index != last:
                pitfalls.append(
                    Pitfall(
                        "activation-not-seen",
                        f"layer {spec.index} ({spec.name}) is followed by no activation module SNN Lab could see "
                        "(a functional call such as F.selu in forward()?): its post-activation statistics equal "
                        "its pre-activation; use a module (nn.SELU()) to record them",
                        spec.name,
                        spec.index,
                    )
                )
        known = {(p.code, p.module) for p in self.pitfalls}
        self._emit([p for p in pitfalls if (p.code, p.module) not in known])
        self.pitfalls = pitfalls
        self.meta["warnings"] = [p.as_json() for p in pitfalls]
        self.writer.write_meta(self.meta)

    def _diverge(self, step: int, message: str, where: Optional[Dict[str, Any]]) -> None:
        if self.on_nonfinite == "warn":
            if not self._warned_nonfinite:
                self._warned_nonfinite = True
                self._log_warning(f"{message} (on_nonfinite='warn': training goes on)")
            return
        failure: Dict[str, Any] = {"reason": "diverged", "message": message, "step": step}
        if where is not None:
            failure["layer"] = where["layer"]
        self._end("diverged", failure)
        raise DivergedError(f"snn_lab: run {self.run_id} diverged: {message}")

    def _end(self, status: str, failure: Optional[Dict[str, Any]]) -> None:
        self.capture.disarm()
        self.meta["status"] = status
        self.meta["endedAt"] = iso_now()
        if failure is not None:
            self.meta["failure"] = failure
            self.writer.log(f"[{status}] {failure['message']}")
        self.writer.write_meta(self.meta)
        self.writer.close()
        lifecycle.unregister(self)

    def _write_meta_throttled(self, now: float) -> None:
        if now - self._last_meta >= META_INTERVAL_S:
            self._last_meta = now
            self.writer.write_meta_soon(self.meta)

    def _emit(self, pitfalls: List[Pitfall]) -> None:
        for pitfall in pitfalls:
            warnings.warn(str(pitfall), SnnLabWarning, stacklevel=user_stacklevel())
            self.writer.log(f"[warn] {pitfall}")

    def _log_warning(self, message: str) -> None:
        print(f"snn_lab: warning: {message}", file=sys.stderr)
        self.writer.log(f"[warn] {message}")


def watch(
    model: nn.Module,
    name: Optional[str] = None,
    runs_dir: Optional[PathLike] = None,
    every: int = 50,
    **options: Any,
) -> Run:
    """Starts recording a PyTorch training run in SNN Lab's run store (see Run and docs/pytorch.md).

    Options: config (hyperparameters to store), total_steps (for the progress bar), bins (40) and value_range (5):
    histograms over [-value_range, value_range], on_nonfinite ('stop' raises DivergedError, 'warn' goes on)."""
    return Run(model, name, runs_dir, every, **options)
