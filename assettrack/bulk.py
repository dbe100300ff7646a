"""Building thousands of objects at once without the cyclic garbage collector's pauses.

Every 700 new container objects Python looks for reference cycles, and now and then it
walks every object alive. Loading 10,000 assets makes hundreds of thousands of objects, so
it would walk the growing heap again and again: a third of the load time. Nothing a load
makes forms cycles that need freeing meanwhile, so the collector waits until it is done.

Then what is alive is frozen (``gc.freeze``): loaded data lives as long as the app, and a
full collection that walked it all (40 ms at 10,000 assets) would stall the screen now and
then. Frozen objects are still freed by reference counting when no longer used.

A freeze also keeps whatever cycles were garbage at that moment, and frozen objects that
become garbage later are never collected: the widgets of a screen the app left, say. An
app open all day lost about 1.8 MB at each round of five screens. So a build collects
first, frozen objects too, when the last such collection is ``FULL_EVERY`` seconds old:
70-76 ms in the app at 50,000 assets, at most once a minute, at the start of a build,
which takes longer. Collecting what is not frozen at every build instead cost the app's
tests a third more time.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

FULL_EVERY = 60.0  # seconds between collections that walk the frozen objects too
_last_full = time.monotonic()


@contextmanager
def bulk_build() -> Iterator[None]:
    global _last_full
    was_enabled = gc.isenabled()
    if was_enabled and time.monotonic() - _last_full >= FULL_EVERY:
        gc.unfreeze()  # frozen again below, less what has died since
        gc.collect()
        _last_full = time.monotonic()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
