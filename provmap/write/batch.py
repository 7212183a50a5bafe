"""Write many small workbooks (POPs, evidence packs, transition packs): a progress bar,
two worker processes from 40 pupils on a machine with two cores, results in the order given.

The workers get only the items (small, picklable, one pupil's data each), never a rollup.
"""

from __future__ import annotations

import gc
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..progress import Progress

POOL_FROM = 40            # use two worker processes from this many pupils

Render = Callable[[Any, str], str]       # (item, out_dir) -> path written; module-level


def _chunk(render: Render, items: list, out_dir: str) -> list[str]:
    """A worker's share.  The garbage collector waits until the chunk is written: writing a
    workbook makes thousands of small objects and few cycles, and a chunk is small."""
    gc.disable()
    try:
        return [render(item, out_dir) for item in items]
    finally:
        gc.enable()


def _ignore_ctrl_c() -> None:
    """Workers leave Ctrl+C to the parent, which cancels the chunks not started (no
    traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def write_many(items: Iterable[Any], render: Render, out_dir: Path | str, *, label: str,
               progress: bool | Callable[[int, int], None] = True,
               total: int | None = None) -> list[Path]:
    """``render(item, out_dir)`` for each item; the paths written, in the items' order.
    ``progress``: a bar on stderr (True), nothing (False), or a callback ``(done, total)``.
    `items` may be made as they are needed (a generator, with its length as `total`): the
    workers start on the first ones while the rest are made."""
    if total is None:
        items = list(items)
        total = len(items)
    out = str(out_dir)
    bar = Progress(total, label, progress)
    if total >= POOL_FROM and (os.cpu_count() or 1) >= 2:
        size = max(4, min(25, total // 40))   # small chunks: the workers finish together
        results: dict[int, list[str]] = {}
        futures: dict[Any, int] = {}
        # The parent's objects (a rollup, a whole map) are left out of the workers' garbage
        # collections: scanning them cost each worker time and copied the parent's memory.
        gc.freeze()
        try:
            with ProcessPoolExecutor(max_workers=2, initializer=_ignore_ctrl_c) as pool:
                try:
                    for i, chunk in enumerate(_chunks(items, size)):
                        futures[pool.submit(_chunk, render, chunk, out)] = i
                    for fut in as_completed(futures):
                        results[futures[fut]] = fut.result()
                        bar.add(len(results[futures[fut]]))
                except BaseException:               # Ctrl+C, or the page's server stopping:
                    pool.shutdown(cancel_futures=True)  # drop the chunks not yet started
                    raise
        finally:
            gc.unfreeze()
        return [Path(p) for i in range(len(results)) for p in results[i]]
    paths = []
    for item in items:
        paths.append(Path(render(item, out)))
        bar.add()
    return paths


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
