"""Partitions a store lets go of are freed at once, even while it loads with the cyclic
collector off (``bulk.bulk_build``, which then freezes what is alive): a rebuild of the
asset columns file at 50,000 assets kept every site file's parsed documents (120 MB) for
the process's life before."""

from __future__ import annotations

import gc
from pathlib import Path

from assettrack.domain.models import Asset, Site
from assettrack.store.database import RECORD_CACHE_SIZE
from assettrack.store.storage import PartitionDB
from assettrack.store.store import Store

SITES = RECORD_CACHE_SIZE + 6


def _live_partitions(folder: Path) -> list[PartitionDB]:
    gc.unfreeze()  # frozen objects are not listed; nothing is collected here
    return [
        o
        for o in gc.get_objects()
        if isinstance(o, PartitionDB) and o.partition_storage.path.is_relative_to(folder)
    ]


def test_partitions_evicted_while_the_store_loads_are_freed(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        for n in range(SITES):
            site = store.sites.save(Site("Harbour Clinic", f"Room {n}"))
            store.assets.save(Asset(site.id, "switch", "Huawei", "S5735", f"HW{n:04}"))
    (folder / ".index" / "assets.columns").unlink(missing_ok=True)  # every file parsed
    with Store.open(folder, read_only=True) as store:
        assert len(store.assets.all()) == SITES
        held = len(store.db._partitions)
        assert held == RECORD_CACHE_SIZE  # the others were evicted as the store loaded
        assert len(_live_partitions(folder)) == held
