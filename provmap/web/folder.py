"""The page's private folder: made at start, deleted at stop, and removed at the next start
when a crash (or a kill that cannot be caught) left it behind.

The folder holds a workbook full of children's details and every POP made from it, so it
must not outlive the server.  It is ``<temp>/provmap-serve-<pid>-<random>`` (mode 700), and
the server holds an advisory lock on its ``.lock`` file while it runs.  At start,
:func:`remove_abandoned` deletes only folders that are provmap's own: named by that pattern,
a real folder (not a link), owned by this user, and whose server is gone (its lock can be
taken, or, without a lock file, no process has its id).  Anything else is left alone.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

try:                                   # POSIX; on Windows a crash's folder is not detected
    import fcntl
except ImportError:                    # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

PREFIX = "provmap-serve-"
LOCK = ".lock"
# mkdtemp's random part is 8 characters from [a-z0-9_].
OURS = re.compile(rf"^{re.escape(PREFIX)}(\d+)-[a-z0-9_]{{8}}$")


class PrivateFolder:
    """A fresh private folder, locked while this process lives; :meth:`remove` deletes it."""

    def __init__(self, parent: Path | str | None = None):
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
        self._lock_fd: int | None = None
        if fcntl is not None:
            fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._lock_fd = fd

    def remove(self) -> None:
        """Delete the folder and everything in it (the lock goes last)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def remove_abandoned(parent: Path | str | None = None) -> list[Path]:
    """Delete the private folders of provmap servers that are gone; the folders deleted."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        found = OURS.match(entry.name)
        if not found or int(found.group(1)) == os.getpid():
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            continue
        if _abandoned(Path(entry.path), int(found.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)
            if not os.path.lexists(entry.path):
                removed.append(Path(entry.path))
    return removed


def _abandoned(folder: Path, pid: int) -> bool:
    """Whether the server that made ``folder`` is gone."""
    if fcntl is not None:
        try:
            fd = os.open(folder / LOCK, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return not _alive(pid)          # a server between making its folder and locking it
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False                    # a live server holds it
        finally:
            os.close(fd)                    # closing releases the lock just taken
        return True
    return False                            # pragma: no cover - Windows: never guess


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
