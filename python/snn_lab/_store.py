"""Writes one run directory in SNN Lab's run-store format (docs/run-store.md, schemas/run-store/): atomic JSON
replacement (temp file + rename) for meta/config/summary, flushed JSON-lines appends the extension tails live.
A write that fails after the run exists is reported once on stderr and never stops training."""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import socket
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Dict, Optional

from ._background import LatestWriter
from ._version import RUN_SCHEMA_VERSION

FILES = {
    "config": "config.json",
    "meta": "meta.json",
    "metrics": "metrics.jsonl",
    "layers": "layers.jsonl",
    "summary": "summary.json",
    "log": "trainer.log",
}

_MAX_SLUG = 40


class RunStoreError(OSError):
    """The run directory cannot be created or written (e.g. the runs directory is not writable)."""


def iso_now(now: Optional[datetime] = None) -> str:
    """UTC time as 2026-11-27T07:54:36.804Z (the format SNN Lab writes)."""
    now = now or datetime.now(timezone.utc)
    return now.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def slugify(name: str) -> str:
    """Lower-case ASCII letters/digits and single dashes, at most 40 characters ('run' if nothing is left)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower())[:_MAX_SLUG].strip("-")
    return slug or "run"


def make_run_id(name: str, now: datetime) -> str:
    """YYYYMMDD-HHMMSS-<slug>-<4 hex>, UTC: sorts by creation time and is a valid directory name."""
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{slugify(name)}-{secrets.token_hex(2)}"


def encode_numbers(value: Any, nonfinite: str = "string") -> Any:
    """JSON has no NaN/Infinity: numeric files write them as "NaN"/"Infinity"/"-Infinity" (nonfinite="string"),
    meta.json as null (nonfinite="null"), as SNN Lab's own writer does."""
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        if nonfinite == "null":
            return None
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k): encode_numbers(v, nonfinite) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_numbers(v, nonfinite) for v in value]
    return value


def write_json_atomic(path: Path, value: Any, nonfinite: str = "string") -> None:
    """Pretty JSON to <path>.tmp-<pid>-<hex>, then renamed over path: readers see the old or the new file."""
    write_text_atomic(path, json.dumps(encode_numbers(value, nonfinite), indent=2, allow_nan=False) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """`text` to <path>.tmp-<pid>-<hex>, then renamed over path (atomic on POSIX)."""
    temp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        try:
            temp.unlink()
        except OSError:
            pass
        raise


class RunWriter:
    """Creates a run directory and appends to it. Creation errors raise RunStoreError; later write errors are
    printed once per file (training goes on; whatever was written before stays)."""

    def __init__(self, runs_dir: Path, name: str, now: Optional[datetime] = None) -> None:
        self.created = now or datetime.now(timezone.utc)
        self.runs_dir = runs_dir
        try:
            runs_dir.mkdir(parents=True, exist_ok=True)
            run_id = make_run_id(name, self.created)
            while (runs_dir / run_id).exists():
                run_id = make_run_id(name, self.created)
            (runs_dir / run_id).mkdir()
        except OSError as error:
            raise RunStoreError(
                f"snn_lab: cannot create a run directory in {runs_dir}: {error.strerror or error}; "
                "pass runs_dir=... or set SNN_LAB_RUNS_DIR to a writable folder"
            ) from error
        self.run_id = run_id
        self.dir = runs_dir / run_id
        self._handles: Dict[str, IO[str]] = {}
        self._failed: set = set()
        meta_path = self.dir / FILES["meta"]
        self._meta = LatestWriter(
            lambda text: self._guard(FILES["meta"], lambda: write_text_atomic(meta_path, text))
        )

    def create_files(self, config: Dict[str, Any], meta: Dict[str, Any]) -> None:
        """config.json, the two jsonl headers and meta.json; any failure raises RunStoreError."""
        try:
            write_json_atomic(self.dir / FILES["config"], config)
            for kind in ("metrics", "layers"):
                handle = open(self.dir / FILES[kind], "a", encoding="utf-8")
                self._handles[kind] = handle
                self._write_line(kind, {"schemaVersion": RUN_SCHEMA_VERSION, "file": kind})
            write_json_atomic(self.dir / FILES["meta"], meta, nonfinite="null")
        except OSError as error:
            self.close()
            raise RunStoreError(f"snn_lab: cannot write the run directory {self.dir}: {error}") from error

    def _write_line(self, kind: str, record: Dict[str, Any]) -> None:
        handle = self._handles[kind]
        try:
            line = json.dumps(record, separators=(",", ":"), allow_nan=False)
        except ValueError:  # a NaN or infinity somewhere: the (slower) encoding walk only then
            line = json.dumps(encode_numbers(record), separators=(",", ":"), allow_nan=False)
        handle.write(line + "\n")
        handle.flush()

    def append(self, kind: str, record: Dict[str, Any]) -> None:
        """One line of metrics.jsonl or layers.jsonl, flushed to the OS at once (tailed live by SNN Lab)."""
        self._guard(FILES[kind], lambda: self._write_line(kind, record))

    def write_meta(self, meta: Dict[str, Any]) -> None:
        """meta.json now (status changes: after every pending progress update, so the newest meta wins)."""
        self._meta.drain()
        self._guard(FILES["meta"], lambda: write_json_atomic(self.dir / FILES["meta"], meta, nonfinite="null"))

    def write_meta_soon(self, meta: Dict[str, Any]) -> None:
        """meta.json on the writer thread (progress updates): compact JSON serialised here, written there."""
        try:
            text = json.dumps(meta, separators=(",", ":"), allow_nan=False) + "\n"
        except ValueError:
            text = json.dumps(encode_numbers(meta, "null"), separators=(",", ":"), allow_nan=False) + "\n"
        self._meta.submit(text)

    def write_config(self, config: Dict[str, Any]) -> None:
        self._guard(FILES["config"], lambda: write_json_atomic(self.dir / FILES["config"], config))

    def write_summary(self, summary: Dict[str, Any]) -> None:
        self._guard(FILES["summary"], lambda: write_json_atomic(self.dir / FILES["summary"], summary))

    def log(self, line: str) -> None:
        """A timestamped line in trainer.log (warnings, the traceback of a crash)."""

        def write() -> None:
            with open(self.dir / FILES["log"], "a", encoding="utf-8") as handle:
                handle.write(f"{iso_now()} {line.rstrip()}\n")

        self._guard(FILES["log"], write)

    def close(self) -> None:
        self._meta.close()
        for handle in self._handles.values():
            try:
                handle.close()
            except OSError:
                pass
        self._handles.clear()

    def _guard(self, what: str, write: Any) -> None:
        try:
            write()
        except (OSError, ValueError) as error:
            if what not in self._failed:
                self._failed.add(what)
                print(f"snn_lab: cannot write {self.dir / what}: {error} (training goes on)", file=sys.stderr)


def owner() -> Dict[str, Any]:
    return {"pid": os.getpid(), "hostname": socket.gethostname()}


def format_exception(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))
