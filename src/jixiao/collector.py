"""The cyclic garbage collector, paused while jixiao builds what lives until it is done.

jixiao makes no reference cycles worth collecting: what it drops is freed by reference
counting. The collector would only walk the same live objects again and again — the core's
modules while they load, a workbook's cells while they are read.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """Reading a workbook makes hundreds of thousands of small objects that all live until the
    check ends; the cyclic garbage collector would walk them again and again (a quarter of the
    time on a big department) and find nothing, as the check makes no cycles. Paused, then
    restored as it was.

    Re-enabled as it is, the collector would walk them all once more at the next allocation
    (they were all counted as young while it was paused). Frozen and at once unfrozen, every
    tracked object moves to the oldest generation instead, which the collector visits only in
    its rare full collections, and the young count starts from nought. That is skipped if the
    caller froze objects itself (unfreezing would let go of theirs too)."""
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
