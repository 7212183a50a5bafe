"""Write many small workbooks (POPs, evidence packs, transition packs): a progress bar,
two worker processes from 40 pupils on a machine with two cores, results in the order given.

The workers get only the items (small, picklable, one pupil's data each), never a rollup.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Sequence

from ..progress import Progress

POOL_FROM = 40            # use two worker processes from this many pupils

Render = Callable[[Any, str], str]       # (item, out_dir) -> path written; module-level


def _chunk(render: Render, items: list, out_dir: str) -> list[str]:
    return [render(item, out_dir) for item in items]


def _ignore_ctrl_c() -> None:
    """Workers leave Ctrl+C to the parent, which cancels the chunks not started (no
    traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def write_many(items: Sequence[Any], render: Render, out_dir: Path | str, *, label: str,
               progress: bool | Callable[[int, int], None] = True) -> list[Path]:
    """``render(item, out_dir)`` for each item; the paths written, in the items' order.
    ``progress``: a bar on stderr (True), nothing (False), or a callback ``(done, total)``."""
    out = str(out_dir)
    bar = Progress(len(items), label, progress)
    if len(items) >= POOL_FROM and (os.cpu_count() or 1) >= 2:
        size = max(5, min(50, len(items) // 16))
        chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]
        results: dict[int, list[str]] = {}
        with ProcessPoolExecutor(max_workers=2, initializer=_ignore_ctrl_c) as pool:
            futures = {pool.submit(_chunk, render, c, out): i for i, c in enumerate(chunks)}
            try:
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    bar.add(len(results[futures[fut]]))
            except BaseException:               # Ctrl+C, or the page's server stopping:
                pool.shutdown(cancel_futures=True)  # drop the chunks not yet started
                raise
        return [Path(p) for i in range(len(chunks)) for p in results[i]]
    paths = []
    for item in items:
        paths.append(Path(render(item, out)))
        bar.add()
    return paths
