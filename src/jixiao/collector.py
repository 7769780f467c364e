"""The cyclic garbage collector, paused while jixiao reads a workbook.

Reading makes hundreds of thousands of small objects that all live until the command ends, and
no reference cycles: what is dropped is freed by reference counting. The collector would only
walk the same live objects again and again — the core's modules as they load, a workbook's
cells as they are read: a quarter of the time of a big department's check, 18 % of an extract
(benchmarks/process_bench.py --memory, which also shows the same peak memory). Writing is
another matter: XlsxWriter's objects refer to each other, so a command that writes a workbook
keeps the collector running.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """The collector off inside, then restored as it was.

    Re-enabled as it is, the collector would walk everything made while paused once more at the
    next allocation (all of it counted as young). Frozen and at once unfrozen, every tracked
    object moves to the oldest generation instead, which the collector visits only in its rare
    full collections, and the young count starts from nought. That is skipped if the caller
    froze objects itself (unfreezing would let go of theirs too)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


@contextmanager
def collector_running():
    """The collector on inside (work that makes garbage cycles, or many files one after another),
    then restored as it was."""
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()
