"""A one-line progress bar on stderr for long runs (a line per tenth when not a terminal)."""

from __future__ import annotations

import sys
import time

PROGRESS_FROM = 20        # show progress from this many items


class Progress:
    """A one-line progress bar on stderr (a line per tenth when stderr is not a terminal)."""

    def __init__(self, total: int, label: str, enabled: bool):
        self.total, self.label = total, label
        self.enabled = enabled and total >= PROGRESS_FROM
        self.tty = sys.stderr.isatty()
        self.done = 0
        self.last = 0.0
        self.last_tenth = -1
        self.start = time.monotonic()

    def add(self, n: int = 1) -> None:
        self.done += n
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


