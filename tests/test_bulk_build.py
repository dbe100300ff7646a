"""``bulk_build``: the collector waits while thousands of objects are made, and garbage
frozen with the loaded data is freed within ``FULL_EVERY`` seconds, not kept for the
process's life."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from assettrack import bulk
from assettrack.bulk import bulk_build


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def _garbage_cycle() -> weakref.ref[Node]:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)  # both unreachable once this returns: a cycle only


def test_a_nested_build_neither_collects_nor_freezes() -> None:
    with bulk_build():
        before = gc.get_freeze_count()
        with bulk_build():
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == before
    assert gc.isenabled()


def test_frozen_objects_that_die_are_freed_once_a_full_collection_is_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cycle alive at a freeze (a screen's widgets, say) and garbage later, and one that
    was garbage already: the next build frees them once ``FULL_EVERY`` has passed."""
    holder = [Node()]
    holder[0].other = holder[0]  # a cycle, alive
    cycle = weakref.ref(holder[0])
    with bulk_build():
        pass  # frozen with everything else
    holder.clear()  # garbage now, but frozen: no collection sees it
    gc.collect()
    assert cycle() is not None
    already = _garbage_cycle()
    monkeypatch.setattr(bulk, "FULL_EVERY", 3600.0)
    monkeypatch.setattr(bulk, "_last_full", time.monotonic())
    with bulk_build():
        pass
    assert cycle() is not None  # not due yet
    monkeypatch.setattr(bulk, "FULL_EVERY", 0.0)
    with bulk_build():
        pass
    assert cycle() is None and already() is None
    assert gc.get_freeze_count() > 0  # the living were frozen again
