"""Write outputs whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def atomic_write(target: Path | str, suffix: str = ".xlsx") -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it over the target on success.

    On any exception the temporary file is removed and the target is left as it was, so a
    crash never leaves a half-written workbook.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".provmap-", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)      # as a normal save would: shared drives need it
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
