"""Whatever a spreadsheet or a bundle holds, the database keeps working.

Random cells go in through every CSV import and random documents through a bundle; each
command answers with success or one line saying what is wrong (never a crash), and
afterwards the asset, warranty, visit and fault lists all still work.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from tests.cli_inprocess import Cli

# What people (and spreadsheets) put in cells: text of every kind, formulas, numbers at
# the edges, dates near the ends of the calendar, separators and quotes.
TRICKY = st.sampled_from(
    [
        "", " ", "=1+1", "+86 138", "-1010", "@SUM(A1)", "1e400", "nan", "-5", "0", "9" * 40,
        "9999-12-31", "0001-01-01", "2024-02-30", "2026-12-01", "1969-12-31", "2200-12-31",
        "华为", "HUAWEI", "思科", "a;b;c", "x|y|z|w|v|u|t", 'say "hi"', "line\nbreak",
        "\t", "\x00", "null", "true", "[]", "{}", "Head Office", "HQ / Lab",
    ]
)  # fmt: skip
CELL = st.one_of(TRICKY, st.text(max_size=40))

LISTS = (
    ("export", "assets", "--format", "json"),
    ("warranty", "--include-expired", "--format", "json"),
    ("visits", "--format", "json"),
    ("faults", "--format", "json"),
)
IMPORTS = {
    "assets": (
        "customer", "site", "kind", "vendor", "model", "serial_number", "installed_on",
        "warranty_months", "warranty_end", "console_baud", "status", "tags", "notes",
    ),
    "customers": ("id", "name", "name_en", "code", "notes", "contacts"),
    "sites": (
        "id", "customer", "name", "address", "contacts", "scheduled_per_month",
        "preferred_weekdays", "engineer",
    ),
    "contracts": (
        "id", "number", "customer", "value", "currency", "starts_on", "ends_on",
        "service_years", "warranty_months", "sites", "cap_percents",
    ),
}  # fmt: skip
TABLES = ("sites", "customers", "contracts", "assets", "faults", "visits", "conflicts", "x")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, Path]:
    """A small database with a customer, a site and an asset, copied for every example."""
    home = tmp_path_factory.mktemp("home")
    db = home / "template"
    cli = Cli(home)
    cli.ok("--db", db, "init")
    cli.ok("--db", db, "customer", "add", "--name", "Contoso", "--code", "CT")
    cli.ok("--db", db, "site", "add", "--customer", "CT", "--name", "Head Office")
    sheet = home / "one.csv"
    sheet.write_text(
        "site,kind,vendor,model,serial_number,installed_on\n"
        "Head Office,switch,Cisco,C9300,FOC0001,2024-01-01\n",
        encoding="utf-8",
    )
    cli.ok("--db", db, "import", "assets", sheet)
    return home, db


def fresh(template: tuple[Path, Path], name: str) -> tuple[Cli, Path]:
    home, source = template
    db = home / name
    shutil.rmtree(db, ignore_errors=True)
    shutil.copytree(source, db)
    return Cli(home), db


def answered_in_one_line(outcome, what: tuple[str, ...]) -> None:
    assert outcome.returncode in (0, 1), (what, outcome.returncode, outcome.stderr)
    assert "Traceback" not in outcome.stderr, what
    # An unexpected error (a bug) is said as "error: unexpected <Type>: …; details in …".
    assert not outcome.stderr.startswith("error: unexpected "), (what, outcome.stderr)
    if outcome.returncode == 1:
        assert outcome.stderr.startswith("error: "), (what, outcome.stderr)


def lists_still_work(cli: Cli, db: Path) -> None:
    for command in LISTS:
        outcome = cli("--db", db, *command)
        assert outcome.returncode == 0, (command, outcome.stderr)
        json.loads(outcome.stdout)


@hyp_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(IMPORTS)),
    rows=st.lists(st.lists(CELL, min_size=13, max_size=13), min_size=1, max_size=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_random_cells_in_any_import_leave_a_working_database(
    template, kind: str, rows: list[list[str]], encoding: str
) -> None:
    cli, db = fresh(template, "csv")
    columns = IMPORTS[kind]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(row[: len(columns)] for row in rows)
    sheet = db.parent / "random.csv"
    try:
        sheet.write_bytes(out.getvalue().encode(encoding))
    except UnicodeEncodeError:
        sheet.write_bytes(out.getvalue().encode("utf-8"))
    command = ("import", kind, str(sheet), *(("--create-sites",) if kind == "assets" else ()))
    answered_in_one_line(cli("--db", db, *command), command)
    lists_still_work(cli, db)


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), CELL),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    ["id", "schema", "revision", "name", "customer", "site_id", "serial_number", "vendor",
     "model", "kind", "installed_on", "severity", "reported_at", "value", "_deleted", "_sync"]
)  # fmt: skip


@hyp_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    documents=st.lists(
        st.fixed_dictionaries(
            {
                "table": st.sampled_from(TABLES),
                "doc": st.dictionaries(FIELDS, JSON_VALUE, max_size=6),
            }
        ),
        min_size=1,
        max_size=4,
    )
)
def test_random_documents_in_a_bundle_leave_a_working_database(template, documents) -> None:
    cli, db = fresh(template, "bundle")
    bundle = db.parent / "bundle.json"
    cli.ok("--db", db, "export-bundle", bundle)
    payload = json.loads(bundle.read_text(encoding="utf-8"))
    site_id = next(d["doc"]["id"] for d in payload["documents"] if d["table"] == "sites")
    partitions = {
        "assets": f"assets/{site_id}.json",
        "faults": f"records/faults/{site_id}/2026-11.json",
        "visits": f"records/visits/{site_id}/2026-11.json",
    }
    for item in documents:
        payload["documents"].append(
            {
                "partition": partitions.get(item["table"], "catalog.json"),
                "table": item["table"],
                "doc": item["doc"],
            }
        )
    bundle.write_text(json.dumps(payload, default=str), encoding="utf-8")
    command = ("import-bundle", str(bundle))
    answered_in_one_line(cli("--db", db, *command), command)
    lists_still_work(cli, db)
