"""A daemon thread that writes the newest pending text of one file (meta.json's progress updates): the training
loop only serialises and hands over, and a slow file system (an atomic replace waited up to 18 ms under I/O load)
never holds up a step. Submissions coalesce: only the latest text is written."""

from __future__ import annotations

import threading
from typing import Callable, Optional


class LatestWriter:
    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._pending: Optional[str] = None
        self._busy = False
        self._closed = False
        self._condition = threading.Condition()
        self._thread: Optional[threading.Thread] = None

    def submit(self, text: str) -> None:
        """Queues `text`, replacing any text not written yet."""
        with self._condition:
            if self._closed:
                return
            self._pending = text
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="snn_lab-meta", daemon=True)
                self._thread.start()
            self._condition.notify_all()

    def drain(self) -> None:
        """Returns once nothing is pending or being written (before a synchronous write of the same file)."""
        with self._condition:
            while self._pending is not None or self._busy:
                self._condition.wait()

    def close(self) -> None:
        self.drain()
        with self._condition:
            self._closed = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._pending is None and not self._closed:
                    self._condition.wait()
                if self._pending is None:
                    return
                text, self._pending = self._pending, None
                self._busy = True
            try:
                self._write(text)
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()
