from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from assettrack import hookimpl
from assettrack.api import ChecklistItem
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import InspectionState, ItemResult
from assettrack.domain.readings import Readings
from assettrack.errors import AssetTrackError
from assettrack.services.inspections import InspectionService
from assettrack.store.store import Store
from assettrack.testing import make_extensions


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def service(store):
    return InspectionService(store, make_extensions(builtins=True), "李工", clock=Clock())


@pytest.fixture
def asset(store, sample_asset):
    return store.assets.save(sample_asset(serial_number="FDO2301A0B1", firmware="15.2"))


def item(inspection, item_id):
    return next(r for r in inspection.items if r.item_id == item_id)


def test_a_draft_is_saved_at_once_and_resumed_after_a_crash(
    tmp_path, service, store, asset
) -> None:
    draft = service.start(asset)
    service.answer(draft, asset, "room_temperature", value="24.5")
    service.answer(draft, asset, "dust", value="heavy", note="filters clogged")
    service.answer(draft, asset, "grounding", result=ItemResult.PASS)
    folder = store.folder
    store.close()  # as if the laptop died: nothing more is written
    with Store.open(folder) as reopened:
        again = InspectionService(reopened, make_extensions(builtins=True), "李工", clock=Clock())
        resumed = again.start(reopened.assets.get(asset.id))
        assert resumed.id == draft.id and resumed.state is InspectionState.DRAFT
        assert (
            item(resumed, "room_temperature").value,
            item(resumed, "room_temperature").result,
        ) == ("24.5", ItemResult.PASS)
        assert item(resumed, "dust").result is ItemResult.FAIL  # "heavy" is not a passing choice
        assert item(resumed, "dust").note == "filters clogged"
        assert item(resumed, "grounding").result is ItemResult.PASS


def test_out_of_range_and_bad_values(service, asset) -> None:
    draft = service.start(asset)
    service.answer(draft, asset, "room_temperature", value="41")
    assert item(draft, "room_temperature").result is ItemResult.FAIL
    with pytest.raises(ValidationError, match="room_humidity: 'damp' is not a number"):
        service.answer(draft, asset, "room_humidity", value="damp")
    with pytest.raises(ValidationError, match="must be one of clean, light, heavy"):
        service.answer(draft, asset, "dust", value="some")
    with pytest.raises(AssetTrackError, match="not on this checklist"):
        service.answer(draft, asset, "no_such_item", result=ItemResult.PASS)


def test_readings_fill_open_items_but_never_the_engineers_answers(service, store, asset) -> None:
    draft = service.start(asset)
    service.answer(draft, asset, "cpu", result=ItemResult.FAIL, note="spikes seen on site")
    readings = Readings(
        serial_number="FDO2301A0B1",
        cpu_percent=12,
        memory_used_percent=40,
        fans={"Fan 1": "ok"},
        os_version="17.9.4a",
        alarms=[],
    )
    service.apply_readings(draft, asset, readings, "Router#show version\n...", driver="cisco_ios")
    saved = store.inspections.get(asset.site_id, draft.id)
    assert item(saved, "cpu").result is ItemResult.FAIL  # the engineer's answer stands
    assert item(saved, "memory").result is ItemResult.PASS
    assert item(saved, "memory").filled_from == "readings (autofill)"
    assert item(saved, "alarms").result is ItemResult.PASS
    assert item(saved, "room_temperature").result is None  # the device cannot measure the room
    assert saved.readings["os_version"] == "17.9.4a" and saved.driver == "cisco_ios"
    # The register has 15.2: the read is a change to accept, not a silent overwrite.
    assert [f.split(":")[0] for f in saved.flags] == ["firmware changed"]
    # A second read that no longer reports memory reopens that item.
    service.apply_readings(draft, asset, Readings(cpu_percent=10), "", driver="cisco_ios")
    assert item(draft, "memory").result is None


def test_a_swapped_unit_is_flagged(service, asset) -> None:
    draft = service.start(asset)
    service.apply_readings(draft, asset, Readings(serial_number="FOC9999X1"), "")
    (flag,) = draft.flags
    assert "FOC9999X1" in flag and "FDO2301A0B1" in flag and "swapped" in flag


def test_complete_needs_every_item_then_sign(service, store, asset) -> None:
    draft = service.start(asset)
    with pytest.raises(ValidationError) as err:
        service.complete(draft, asset)
    assert len(err.value.problems) == len(draft.items)
    with pytest.raises(AssetTrackError, match="only a completed inspection"):
        service.sign(draft, asset, "王经理")
    for entry in draft.items:
        service.answer(draft, asset, entry.item_id, result=ItemResult.NOT_APPLICABLE)
    draft.readings = {"os_version": "17.9.4a"}
    service.complete(draft, asset)
    updated = store.assets.get(asset.id)
    assert updated.firmware == "15.2"  # only accepting a firmware change changes the register
    assert updated.last_inspection == draft.created_at.date()
    with pytest.raises(AssetTrackError, match="is complete and can no longer change"):
        service.answer(draft, asset, "grounding", result=ItemResult.PASS)
    with pytest.raises(ValidationError, match="representative"):
        service.sign(draft, asset, "  ")
    service.sign(draft, asset, "王经理")
    saved = store.inspections.get(asset.site_id, draft.id)
    assert saved.state is InspectionState.SIGNED and saved.sign_off.representative == "王经理"
    # The next inspection of the asset is a new draft, not the signed record.
    assert service.start(asset).id != draft.id


def test_items_of_a_plugin_installed_mid_inspection_are_added(store, asset) -> None:
    first = InspectionService(store, make_extensions(builtins=True), clock=Clock())
    draft = first.start(asset)
    first.answer(draft, asset, "grounding", result=ItemResult.PASS)

    class Extra:
        @hookimpl
        def assettrack_checklist_items(self, asset):
            return [ChecklistItem("ups_battery_age", "UPS battery younger than 4 years")]

    later = InspectionService(store, make_extensions(Extra(), builtins=True), clock=Clock())
    resumed = later.start(asset)
    assert resumed.id == draft.id
    assert item(resumed, "ups_battery_age").result is None
    assert item(resumed, "grounding").result is ItemResult.PASS


def test_only_interfaces_down_since_the_last_inspection_fail(service, store, asset) -> None:
    first = service.start(asset)
    service.apply_readings(first, asset, Readings(interfaces_down=["Gi1/0/5", "Gi1/0/6"]), "")
    assert item(first, "interfaces").result is ItemResult.FAIL  # no baseline yet: all count
    for entry in first.items:
        if entry.result is None:
            service.answer(first, asset, entry.item_id, result=ItemResult.NOT_APPLICABLE)
    service.complete(first, asset)
    second = service.start(asset)
    service.apply_readings(second, asset, Readings(interfaces_down=["Gi1/0/5", "Gi1/0/6"]), "")
    entry = item(second, "interfaces")
    assert entry.result is ItemResult.PASS and "as at the last inspection" in entry.note
    assert entry.filled_from == "readings (history)"
    service.apply_readings(second, asset, Readings(interfaces_down=["Gi1/0/5", "Gi1/0/1"]), "")
    entry = item(second, "interfaces")
    assert entry.result is ItemResult.FAIL and entry.note.endswith("Gi1/0/1")
