"""Configuration capture and diff: each simulated console (Cisco, Huawei, H3C) read twice
into two inspections through the real drivers; the second shows what changed and that it is
not saved, in the stored record, the Markdown and the PDF reopened; no secret anywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from assettrack.console.simulator import TcpSimulator, preset, with_unsaved_change
from assettrack.console.transcript import MASK, compile_secret_patterns, redact
from assettrack.domain.models import Asset, InspectionState, ItemResult, Site
from assettrack.plugins.loader import load_plugins
from assettrack.services.config_capture import (
    NOT_SAVED,
    config_diff,
    diff_counts,
    diff_rows,
    same_configuration,
)
from assettrack.services.console_reader import ConsoleReader, ReadOptions
from assettrack.services.inspections import InspectionService
from assettrack.services.report_render import write_report
from assettrack.services.reports import ReportService
from assettrack.services.service_config import load_service_config
from assettrack.services.visits import VisitService
from assettrack.store.store import Store

# Pieces of each simulated device's secrets, as the device prints them (free of characters
# JSON would escape, so a grep of the stored files finds them if they are there).
SECRETS = {
    "cisco": (
        "0822455D0A16",
        "mERr$hx5rVt7rPNoS4wqbXKX7m0",
        "n3tw0rkRO",
        "13061E010803",
        "045802150C2E",
    ),
    "huawei": ("x*Yq8?S-W~;T1$D.b", "u$Z=P", "gj`3k-vT2u[QCyG1Zb"),
    "h3c": ("h3cPublic", "kSOd9Wy3Ly5wzlXh52xRy", "Yr7tZMNvsiXzQcTy"),
}
VENDOR_NAMES = {"cisco": "Cisco", "huawei": "Huawei", "h3c": "H3C"}
CONFIG = load_service_config({}, user_dir=Path("/nowhere"))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "enable secret 5 ******"),
        (
            "username admin privilege 15 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0",
            "username admin privilege 15 secret 9 ******",
        ),
        ("username ops secret 8 $8$dsYGNam3K1SIJO$7nv/35M/qr6t", "username ops secret 8 ******"),
        (" password 7 045802150C2E", " password 7 ******"),
        ("snmp-server community n3tw0rkRO RO", "snmp-server community ****** RO"),
        (
            " local-user admin password irreversible-cipher %^%#abc%^%#",
            " local-user admin password irreversible-cipher ******",
        ),
        (
            "snmp-agent community read cipher %^%#u$Z=P%^%#",
            "snmp-agent community read cipher ******",
        ),
        (" snmp-agent community read simple h3cPublic", " snmp-agent community read simple ******"),
        (
            " snmp-agent community write cipher $c$3$kSOd9W==",
            " snmp-agent community write cipher ******",
        ),
        ("hostname core-1", "hostname core-1"),
    ],
)
def test_built_in_secret_patterns(line: str, shown: str) -> None:
    assert redact(line) == shown


def test_a_drivers_own_patterns_mask_too() -> None:
    ext = load_plugins({}, env={})
    h3c = compile_secret_patterns(ext.drivers["h3c_comware"].secret_patterns)
    line = " super password role network-admin hash $h$6$Yr7tZM=="
    assert redact(line) == line  # not a built-in form
    assert redact(line, h3c) == " super password role network-admin hash ******"
    assert redact(" password hash $h$6$Yr7tZM==") == " password hash ******"
    cisco = compile_secret_patterns(ext.drivers["cisco_ios"].secret_patterns)
    assert redact(" ip ospf message-digest-key 1 md5 7 0822455D0A16", cisco).endswith(MASK)


def test_diff_and_saved_comparison_ignore_the_drivers_volatile_lines() -> None:
    ignore = (r"^! Last configuration change",)
    old = "! Last configuration change at 09:00\nhostname a\n!\n"
    new = "! Last configuration change at 10:00\r\nhostname b\r\n!\r\n\r\n"
    assert same_configuration(old, old.replace("09:00", "11:00"), ignore)
    diff = config_diff(old, new, ignore, old_label="before", new_label="now")
    assert diff_counts(diff) == (1, 1)
    assert diff_rows(diff) == [("removed", "hostname a"), ("added", "hostname b"), ("", "!")]
    assert config_diff(old, old, ignore) == ""


def _changed(state):
    """The same device later: an interface shut, and a change made but never saved."""
    interfaces = [
        replace(i, admin_up=False) if i.name.endswith("0/3") else i for i in state.interfaces
    ]
    return with_unsaved_change(replace(state, interfaces=interfaces))


@pytest.mark.parametrize("vendor", ["cisco", "huawei", "h3c"])
def test_a_configuration_diff_between_two_inspections_reaches_the_record(
    vendor: str, store: Store, tmp_path: Path
) -> None:
    ext = load_plugins({}, env={})
    clock = Clock()
    site = store.sites.save(Site("Contoso Retail", "Head Office"))
    before = preset(vendor)
    asset = store.assets.save(
        Asset(
            site.id, "switch", VENDOR_NAMES[vendor], before.model, before.serial, hostname="core-1"
        )
    )
    service = InspectionService(store, ext, "李工", clock=clock)
    records, transcripts = [], []
    for state in (before, _changed(before)):
        draft = service.start(asset)
        with TcpSimulator(state) as sim:
            result = ConsoleReader(ext).read(asset, ReadOptions(port=sim.url, idle_timeout=1.0))
        assert result.problems == [] and result.configuration is not None
        transcripts.append(result.transcript)
        draft = service.apply_readings(
            draft,
            asset,
            result.readings,
            result.transcript,
            driver=result.driver,
            configuration=result.configuration,
        )
        for entry in draft.items:
            if entry.result is None:
                service.answer(draft, asset, entry.item_id, result=ItemResult.NOT_APPLICABLE)
        records.append(service.complete(draft, asset))

    first, second = (store.inspections.get(site.id, r.id) for r in records)
    assert first.configuration.saved is True and first.configuration.compared_with is None
    assert not any(f.startswith(NOT_SAVED) for f in first.flags)
    shot = second.configuration
    assert shot.saved is False and shot.compared_with == first.id
    assert any(f.startswith(NOT_SAVED) for f in second.flags)
    added = [
        line
        for line in shot.config_diff.splitlines()
        if line.startswith("+ ") or line.startswith("+i") or line.startswith("+l")
    ]
    assert any("10.8.0.9" in line for line in added)
    assert any(line.strip() == "+ shutdown" for line in shot.config_diff.splitlines())
    assert diff_counts(shot.config_diff)[1] == 0  # nothing removed: headers are ignored

    visit = VisitService(store, CONFIG, "李工").record(
        site.id,
        "scheduled",
        clock.now - timedelta(hours=1),
        ended_at=clock(),
        inspection_ids=[second.id],
    )
    report = ReportService(store, CONFIG, clock).visit_record_report(
        store.visits.get(site.id, visit.id)
    )
    write_report(report, "pdf", tmp_path / "record.pdf")
    write_report(report, "md", tmp_path / "record.md")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "record.pdf").pages)
    markdown = (tmp_path / "record.md").read_text()
    for text in (pdf_text, markdown):
        assert "Parameter changes found in the configuration" in text
        assert "10.8.0.9" in text and NOT_SAVED in text

    # The secret is nowhere: not in the stored files, the PDF, the Markdown, the transcripts.
    stored = b"".join(p.read_bytes() for p in store.folder.rglob("*") if p.is_file())
    assert b"10.8.0.9" in stored  # the grep reads what the store wrote
    pdf_bytes = (tmp_path / "record.pdf").read_bytes()
    for secret in SECRETS[vendor]:
        assert secret in _device_config(before), secret  # the device does print it
        for where, text in (
            ("stored inspection", stored.decode("utf-8", "replace")),
            ("PDF", pdf_text),
            ("PDF file", pdf_bytes.decode("latin-1")),
            ("Markdown", markdown),
            ("transcript", "".join(transcripts)),
            ("diff", shot.config_diff),
            ("configuration", shot.config_text),
        ):
            assert secret not in text, f"{secret!r} found in the {where}"
    assert second.state is InspectionState.COMPLETE


def _device_config(state) -> str:
    from assettrack.console.simulator import CONSOLES
    from assettrack.console.simulator.engine import SimOptions

    console = CONSOLES[state.vendor](state, SimOptions(), None, None)  # type: ignore[arg-type]
    command = {
        "cisco": "show running-config",
        "huawei": "display current-configuration",
        "h3c": "display current-configuration",
    }[state.vendor]
    console.mode = "privileged"
    return "\n".join(console.execute(command))
