"""Ends runs that their script did not end: SIGTERM becomes a clean stop (the run is recorded as stopped), and at
interpreter exit a run still open is finished, or failed/stopped if an exception or a signal ended the script."""

from __future__ import annotations

import atexit
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any, List, Optional

if TYPE_CHECKING:
    from ._run import Run

TERMINAL = frozenset(("finished", "failed", "diverged", "stopped", "interrupted", "cancelled"))

_open: List["Run"] = []
_uncaught: Optional[BaseException] = None
_installed = False
_previous_excepthook: Any = None
_previous_sigterm: Any = None


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM while a run is open: the run is recorded as stopped, the process
    exits with status 143 (128 + SIGTERM) like an unhandled SIGTERM would."""

    def __init__(self) -> None:
        super().__init__(143)


def is_terminal(status: str) -> bool:
    return status in TERMINAL


def _on_sigterm(signum: int, frame: Any) -> None:
    for run in list(_open):
        run.terminated_by = "SIGTERM"
    raise Terminated()


def _excepthook(kind: Any, value: BaseException, tb: Any) -> None:
    global _uncaught
    _uncaught = value
    (_previous_excepthook or sys.__excepthook__)(kind, value, tb)


def _at_exit() -> None:
    for run in list(_open):
        if _uncaught is not None:
            run.fail(_uncaught)
        elif run.terminated_by is not None:
            run.fail(Terminated())
        else:
            run.finish()


def _install() -> None:
    global _installed, _previous_excepthook, _previous_sigterm
    if _installed:
        return
    _installed = True
    _previous_excepthook = sys.excepthook
    sys.excepthook = _excepthook
    atexit.register(_at_exit)


def _set_sigterm(active: bool) -> None:
    """Our SIGTERM handler while runs are open, only in the main thread and only over the default handler."""
    global _previous_sigterm
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        if active and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            _previous_sigterm = signal.signal(signal.SIGTERM, _on_sigterm)
        elif not active and signal.getsignal(signal.SIGTERM) is _on_sigterm:
            signal.signal(signal.SIGTERM, _previous_sigterm or signal.SIG_DFL)
    except (ValueError, OSError):
        pass


def register(run: "Run") -> None:
    _install()
    _open.append(run)
    _set_sigterm(True)


def unregister(run: "Run") -> None:
    if run in _open:
        _open.remove(run)
    if not _open:
        _set_sigterm(False)
