"""`assettrack inspect` checks its arguments before it makes anything, names the host of a
network failure, leaves the database free while it reads, and keeps every read's transcript:
a failed read never replaces a good one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assettrack.console.simulator import TcpSimulator, cisco_state
from assettrack.domain.console_reads import MAX_READS
from assettrack.domain.models import (
    Asset,
    ConsoleSettings,
    Customer,
    Inspection,
    InspectionState,
    Site,
)
from assettrack.domain.readings import Readings
from assettrack.services.inspections import InspectionService
from assettrack.store.store import Store
from assettrack.testing import make_extensions
from tests.cli_inprocess import database_files
from tests.conftest import TODAY, run_cli

SERIAL = "FOC2301X0AB"
CLI = (sys.executable, "-m", "assettrack")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site("Contoso Retail", "Head Office"))
        store.assets.save(
            Asset(
                site.id,
                "switch",
                "Cisco",
                "C9300-48P",
                SERIAL,
                console=ConsoleSettings(baud=9600, framing="8N1"),
            )
        )
    return folder


def inspect(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("--db", str(db), "inspect", SERIAL, "--idle-timeout", "0.5", *args)


def the_draft(db: Path) -> Inspection | None:
    with Store.open(db, read_only=True) as store:
        drafts = [r for r in store.inspections.iter_all() if r.state is InspectionState.DRAFT]
    assert len(drafts) <= 1
    return drafts[0] if drafts else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- arguments are checked before anything is made ------------------------------------------


@pytest.mark.parametrize("baud", ["-1", "0", "99999999"])
def test_inspect_with_bad_baud_saves_no_draft(db: Path, baud: str) -> None:
    before = database_files(db)
    result = inspect(db, "--port", f"socket://127.0.0.1:{free_port()}", "--baud", baud)
    assert result.returncode == 2 and "--baud" in result.stderr
    assert database_files(db) == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--credentials", "bogus:x"), "'bogus:x' is not a credentials reference"),
        (("--credentials", "env:NO_SUCH_USER_VAR,NO_SUCH_PASS_VAR"), "not set: NO_SUCH_USER_VAR"),
        (("--port", "socket://console-server"), "write it as socket://host:port"),
        (("--port", "socket://:7001"), "write it as socket://host:port"),
        (("--port", "socket://console-server:99999"), "write it as socket://host:port"),
        (("--port", "gopher://console-server:70"), "gopher:// is not a kind of port"),
        (("--driver", "no_such_driver"), "no driver named 'no_such_driver'"),
    ],
)
def test_inspect_with_bad_arguments_saves_no_draft(
    db: Path, options: tuple[str, ...], message: str
) -> None:
    before = database_files(db)
    args = ("--port", f"socket://127.0.0.1:{free_port()}", *options)
    result = inspect(db, *args)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in result.stderr
    assert database_files(db) == before


# -- network failures name the host -----------------------------------------------------------


def test_dns_failure_names_the_host(db: Path) -> None:
    result = inspect(db, "--port", "socket://nohost.invalid:7001")
    assert result.returncode == 1
    assert "cannot resolve host 'nohost.invalid'" in result.stderr.lower()
    assert "cable" not in result.stderr


def test_connection_refused_names_host_and_port(db: Path) -> None:
    port = free_port()
    result = inspect(db, "--port", f"socket://127.0.0.1:{port}")
    assert result.returncode == 1
    assert f"nothing listens on 127.0.0.1:{port}" in result.stderr
    assert "cable" not in result.stderr


# -- the database is free while the console is read -----------------------------------------


def test_the_database_is_not_held_while_the_console_is_read(db: Path) -> None:
    with socket.socket() as console_server:
        console_server.bind(("127.0.0.1", 0))
        console_server.listen(1)
        console_server.settimeout(60)  # only against a hang; the test waits for no time
        url = f"socket://127.0.0.1:{console_server.getsockname()[1]}"
        reading = subprocess.Popen(
            # A long idle time-out: the hang-up below ends the read, not the clock.
            [*CLI, "--db", str(db), "inspect", SERIAL, "--port", url, "--idle-timeout", "5"],
            env={**os.environ, "ASSETTRACK_TODAY": TODAY.isoformat()},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            line, _ = console_server.accept()  # the read has begun
            # Another command writes to the database in the middle of the read.
            with line, Store.open(db, author="colleague") as store:
                store.customers.save(Customer("Written during the read", code="WDR"))
            _, stderr = reading.communicate(timeout=60)
        finally:
            if reading.poll() is None:
                reading.kill()
                reading.communicate()
    assert reading.returncode == 1, stderr  # the console hung up without a word
    draft = the_draft(db)
    assert draft is not None and [r.ok for r in draft.reads] == [False]
    with Store.open(db, read_only=True) as store:
        assert [c.name for c in store.customers.list()] == ["Written during the read"]


# -- every read keeps its transcript -----------------------------------------------------------


def test_failed_read_keeps_the_earlier_good_transcript(db: Path) -> None:
    with TcpSimulator(cisco_state(serial=SERIAL, model="C9300-48P")) as sim:
        good = inspect(db, "--port", sim.url)
    assert good.returncode == 0, good.stderr
    first = the_draft(db)
    assert first is not None and "show version" in first.transcript
    with TcpSimulator(cisco_state(), faults=frozenset({"garbage"})) as sim:
        bad = inspect(db, "--port", sim.url)
    assert bad.returncode == 1 and "line speed" in bad.stderr
    draft = the_draft(db)
    assert draft is not None and draft.id == first.id
    assert draft.transcript == first.transcript  # the good read's, not the failed one's
    assert draft.readings == first.readings
    assert [(r.ok, r.driver) for r in draft.reads] == [(True, "cisco_ios"), (False, "cisco_ios")]
    failed = draft.reads[1]
    assert "line speed" in failed.outcome and failed.transcript != first.transcript
    assert failed.port.startswith("socket://127.0.0.1:") and failed.at >= draft.reads[0].at


def test_a_record_saved_before_reads_were_kept_keeps_its_transcript(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site = store.sites.save(Site("Contoso Retail", "Head Office"))
        asset = store.assets.save(Asset(site.id, "switch", "Cisco", "C9300-48P", SERIAL))
        # As an older version saved it: one transcript field, no list of reads.
        old = store.inspections.save(
            Inspection(
                site.id,
                asset.id,
                datetime(2026, 11, 2, 10, 0),
                readings={"hostname": "sw1"},
                transcript="sw1#show version\nCisco IOS XE 17.9.4a",
                driver="cisco_ios",
            )
        )
        service = InspectionService(
            store, make_extensions(builtins=True), clock=lambda: datetime(2026, 11, 3)
        )
        service.record_failed_read(old, "No port at COM9.", "", port="COM9")
        saved = store.inspections.get(site.id, old.id)
    assert saved.transcript == "sw1#show version\nCisco IOS XE 17.9.4a"
    assert [(r.ok, r.at, r.outcome) for r in saved.reads] == [
        (True, datetime(2026, 11, 2, 10, 0), "read"),
        (False, datetime(2026, 11, 3), "No port at COM9."),
    ]


def test_many_failed_reads_never_push_out_the_good_one(tmp_path: Path) -> None:
    start = datetime(2026, 11, 3, 9, 0)
    minutes = iter(range(1000))
    with Store.open(tmp_path / "db") as store:
        site = store.sites.save(Site("Contoso Retail", "Head Office"))
        asset = store.assets.save(Asset(site.id, "switch", "Cisco", "C9300-48P", SERIAL))
        service = InspectionService(
            store,
            make_extensions(builtins=True),
            clock=lambda: start + timedelta(minutes=next(minutes)),
        )
        draft = service.start(asset)
        draft = service.record_failed_read(draft, "no answer", "first try")
        assert draft.transcript == "first try"  # nothing better yet: what the device said
        draft = service.apply_readings(draft, asset, Readings(hostname="sw1"), "the good read")
        for n in range(MAX_READS + 5):
            draft = service.record_failed_read(draft, "no answer", f"bad {n}")
        saved = store.inspections.get(site.id, draft.id)
    assert len(saved.reads) == MAX_READS
    assert saved.reads[0].transcript == "the good read" and saved.reads[0].ok
    assert saved.reads[-1].transcript == f"bad {MAX_READS + 4}"
    assert saved.transcript == "the good read"
