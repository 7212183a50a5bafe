"""A one-line progress bar on stderr for long runs (a line per tenth when not a terminal),
or, for a caller with its own display (the page of `provmap serve`), a callback."""

from __future__ import annotations

import sys
import time
from typing import Callable

PROGRESS_FROM = 20        # show progress from this many items


class Progress:
    """A one-line progress bar on stderr (a line per tenth when stderr is not a terminal).

    ``enabled`` may instead be a callback ``(done, total)``: it is called at the start
    (done 0) and on every step, whatever the total, and nothing is written to stderr."""

    def __init__(self, total: int, label: str, enabled: bool | Callable[[int, int], None]):
        self.total, self.label = total, label
        self.callback = enabled if callable(enabled) else None
        self.enabled = enabled is True and total >= PROGRESS_FROM
        self.tty = sys.stderr.isatty()
        self.done = 0
        self.last = 0.0
        self.last_tenth = -1
        self.start = time.monotonic()
        if self.callback is not None:
            self.callback(0, total)             # the total is known before the first item

    def add(self, n: int = 1) -> None:
        self.done += n
        if self.callback is not None:
            self.callback(self.done, self.total)
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            if now - self.last < 0.1 and self.done < self.total:
                return
            self.last = now
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.done}/{self.total}")
            if self.done >= self.total:
                sys.stderr.write(f"  {now - self.start:.1f}s\n")
        else:
            tenth = 10 * self.done // self.total
            if tenth != self.last_tenth:
                self.last_tenth = tenth
                sys.stderr.write(f"{self.label}: {self.done}/{self.total}\n")
        sys.stderr.flush()


