"""A child process for the durability tests: saves records in a loop, printing each id once saved.

Run as ``python tests/store_writer.py DB_FOLDER SITE_ID``; the test kills it at random moments.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from assettrack.domain.models import ChecklistResult, Inspection, ItemResult
from assettrack.store.store import Store


def main() -> None:
    folder, site_id = Path(sys.argv[1]), sys.argv[2]
    with Store.open(folder) as store:
        n = 0
        while True:
            n += 1
            record = Inspection(
                site_id=site_id,
                asset_id=f"asset-{n % 7}",
                created_at=datetime(2026, 1 + n % 3, 5, 9, 30),
                items=[
                    ChecklistResult(f"item-{i}", f"Check {i} " + "x" * 40, ItemResult.PASS, str(i))
                    for i in range(30)
                ],
                notes="机房温度正常 " * 20,
            )
            store.inspections.save(record)
            print(record.id, record.created_at.isoformat(), flush=True)


if __name__ == "__main__":
    main()
