"""jixiao.collector: the collector is off while paused, on while running, and comes back as it was."""

import gc

import pytest

from jixiao.collector import collector_paused, collector_running


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


class Node:
    def __init__(self):
        self.other = None


def test_paused_inside_and_restored(collector_on):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_disabled_when_it_was(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_young_objects_are_not_walked_again(collector_on):
    """What the check made while paused is not counted as young afterwards: the collector
    would otherwise walk it all at the next allocation."""
    collections = []

    def record(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    try:
        with collector_paused():
            kept = [[i] for i in range(50_000)]
            gc.callbacks.append(record)
        more = [[i] for i in range(100)]  # a few allocations, as the caller goes on
    finally:
        gc.callbacks.remove(record)
    assert collections == []
    assert gc.is_tracked(kept[0]) and gc.is_tracked(more[0])
    assert gc.get_freeze_count() == 0


def test_cycles_made_while_paused_are_still_collected(collector_on):
    with collector_paused():
        a, b = Node(), Node()
        a.other, b.other = b, a
        probe = [a]
    del a, b
    probe.clear()  # the cycle is now garbage, reachable from nothing
    assert gc.collect() >= 2


def test_a_callers_frozen_objects_stay_frozen(collector_on):
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_running_inside_and_restored():
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            with collector_running():
                assert gc.isenabled()
            assert not gc.isenabled()
        assert not gc.isenabled()  # a caller's choice outlives both
    finally:
        if was:
            gc.enable()
