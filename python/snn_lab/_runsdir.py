"""Where runs are stored: the same rule as SNN Lab's CLI and extension (docs/run-store.md, "Runs directory")."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional, Union

PathLike = Union[str, "os.PathLike[str]"]


def script_path() -> Optional[Path]:
    """The running script's absolute path, or None (interactive session, ``python -c``, stdin)."""
    main = sys.modules.get("__main__")
    candidate = getattr(main, "__file__", None) or (sys.argv[0] if sys.argv and sys.argv[0] else None)
    if not candidate or candidate in ("-c", "-"):
        return None
    path = Path(candidate).resolve()
    return path if path.is_file() else None


def resolve_runs_dir(runs_dir: Optional[PathLike] = None, start: Optional[PathLike] = None) -> Path:
    """The runs directory: ``runs_dir`` if given, else ``$SNN_LAB_RUNS_DIR``, else ``<root>/.snn-lab/runs`` where
    root is the nearest folder at or above ``start`` holding ``.snn-lab/`` or ``.git/``, else ``start`` itself.
    ``start`` defaults to the script's folder (the experiment file's folder for the CLI), or the working folder
    when there is no script."""
    if runs_dir is not None and str(runs_dir) != "":
        return Path(runs_dir).expanduser().resolve()
    from_env = os.environ.get("SNN_LAB_RUNS_DIR")
    if from_env:
        return Path(from_env).expanduser().resolve()
    if start is None:
        script = script_path()
        start = script.parent if script is not None else Path.cwd()
    base = Path(start).resolve()
    for folder in (base, *base.parents):
        if (folder / ".snn-lab").is_dir() or (folder / ".git").exists():
            return folder / ".snn-lab" / "runs"
    return base / ".snn-lab" / "runs"
