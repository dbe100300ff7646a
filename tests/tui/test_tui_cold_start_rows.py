"""The rows a start with no snapshot reads in its forked child, as the child sends them: two
parts through ``marshal`` that make the store's own facts. From the columns file alone while
it records every asset file as it is (the held fields, of which the app makes every fact but
the ends; then the ends and the rules), else through the store (the facts held as they are,
then the rest with the widths and the rules). Real parts: a demo database on disk, the real
plugins' warranty rules, the store as the app opens it.
"""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from assettrack.services.assets import AssetRegister
from assettrack.store.database import Database
from assettrack.store.store import Store
from assettrack.tui.cold_rows import FACTS, HELD, StoreRows, from_parts, parts, take_first
from assettrack.tui.row_facts import facts_of_held, facts_of_rows
from tests.file_opens import age


def _record(db_path: Path) -> None:
    """Date the files back and open the store once: its columns file records them all."""
    age(db_path)
    with Store.open(db_path, read_only=True):
        pass


@pytest.mark.parametrize(
    ("recorded", "kept", "first_kind"),
    [(True, False, HELD), (True, True, FACTS), (False, False, FACTS)],
    ids=["recorded, plugins to load", "recorded, rules kept", "not recorded"],
)
def test_the_childs_two_parts_make_the_stores_facts(
    db_path, settings, extensions, recorded, kept, first_kind
) -> None:
    if recorded:
        _record(db_path)
    rules = extensions.warranty_rules(settings.warranty)
    with Store.open(db_path, read_only=True) as store:
        expected = facts_of_rows(AssetRegister(store, rules))
    opened: list[str] = []

    def rows_through_store(db: Database) -> StoreRows:
        opened.append("opened")
        store = Store(db)
        sites = {site.id: (site.name, site.customer) for site in store.sites.list()}
        return StoreRows(facts_of_held(store.assets.rows(), sites, rules), rules, store)

    with Database(db_path, read_only=True, report=None) as db:
        sent = parts(db, lambda: rules, lambda: not kept, lambda: rows_through_store(db))
        first = marshal.loads(marshal.dumps(next(sent), 4))
        # Where the plugins load for the rules, the app makes every fact but the ends of
        # the first part meanwhile; otherwise the child sends them made.
        assert first[0] == first_kind
        taken = take_first(first)
        rest = [marshal.loads(marshal.dumps(part, 4)) for part in sent]
    assert len(rest) == 1
    facts, painted = from_parts(taken, rest[0])
    assert facts == expected and len(facts) == len(expected) > 0
    assert facts.widths == expected.widths
    assert painted.plain() == rules.plain()
    assert opened == ([] if recorded else ["opened"])  # the columns file alone, if it can


def test_a_damaged_document_fails_the_child_before_its_second_part(db_path, settings, extensions):
    # The child's read would set the document aside and say so where no one sees it: it
    # stops instead, and the app's own read sets it aside and says so.
    import orjson

    path = sorted((db_path / "assets").glob("*.json"))[0]
    data = orjson.loads(path.read_bytes())
    key = next(iter(data["assets"]))
    data["assets"][key]["serial_number"] = 42  # a number where text belongs
    path.write_bytes(orjson.dumps(data))
    rules = extensions.warranty_rules(settings.warranty)

    def rows_through_store(db: Database) -> StoreRows:
        store = Store(db)
        sites = {site.id: (site.name, site.customer) for site in store.sites.list()}
        return StoreRows(facts_of_held(store.assets.rows(), sites, rules), rules, store)

    with Database(db_path, read_only=True, report=None) as db:
        sent = parts(db, lambda: rules, lambda: True, lambda: rows_through_store(db))
        next(sent)  # the columns held as they are
        with pytest.raises(RuntimeError, match="damaged document"):
            next(sent)
        assert db.notices  # what the child would have said
