"""A damaged document the store set aside, said by the Chinese app (issue 16): the warning
notification in the reader's language, without its "warning:" prefix in either language."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from assettrack import i18n
from assettrack.domain.models import Customer
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui.app import make_app
from tests.tui.conftest import TODAY


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_document_set_aside_is_a_warning_in_the_readers_language(
    tmp_path: Path, extensions, settings, language: str
) -> None:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        customer = store.customers.save(Customer("华能电厂", code="HN"))
    catalog = orjson.loads((folder / "catalog.json").read_bytes())
    catalog["customers"][customer.id]["name"] = 42  # set aside when read
    (folder / "catalog.json").write_bytes(orjson.dumps(catalog))
    with Store.open(folder) as store:
        register = AssetRegister(
            store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
        )
        app = make_app(register, extensions, TODAY, language=language, idle_timeout=1.0)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.show_store_notices()
            await pilot.pause()
            said = [str(n.message) for n in app._notifications if customer.id in str(n.message)]
    assert said, [str(n.message) for n in app._notifications]
    if language == "zh_CN":
        assert said[0].startswith("catalog.json：损坏的 客户 "), said
        assert "set aside" not in said[0] and "quarantine/" in said[0]
    else:
        assert said[0].startswith("catalog.json: "), said
        assert "set aside" in said[0]
