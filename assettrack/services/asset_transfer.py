"""Import assets from CSV (all or nothing) and export them as CSV or JSON.

CSV written here is safe to open in a spreadsheet: a cell that starts with = + - @ (or a tab
or carriage return) is prefixed with an apostrophe so it is shown as text, never run as a
formula. Import strips that apostrophe again, so export and import round-trip.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assettrack.domain.codec import to_doc
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset
from assettrack.domain.validation import ASSET_FIELDS, asset_values, build_asset
from assettrack.errors import AssetTrackError
from assettrack.services.assets import AssetRegister, AssetView, serial_key

CSV_COLUMNS: tuple[str, ...] = ("site", *(f for f in ASSET_FIELDS if f != "site_id"))
REQUIRED_COLUMNS = ("site", "kind", "vendor", "model", "serial_number")
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "customer",
    *CSV_COLUMNS,
    "warranty_status",
    "warranty_ends",
    "warranty_days_left",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    value: Any
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        shown = f" {self.value!r}" if self.value not in (None, "") else ""
        return f"{where}:{shown} {self.reason}"


class ImportRejected(AssetTrackError):
    def __init__(self, source: str, problems: list[RowProblem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        super().__init__(
            f"{source}: nothing imported, {len(problems)} problem(s):\n  " + "\n  ".join(lines)
        )


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 (with or without BOM), else GB18030.

    Excel on a Chinese Windows saves "CSV" in GB18030/GBK, so that is the one fallback.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AssetTrackError(f"cannot read {path}: {exc.strerror}") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssetTrackError(f"{path} is neither UTF-8 nor GB18030 text; save it as 'CSV UTF-8'")


def _unneutralise(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def parse_assets_csv(text: str, register: AssetRegister, source: str = "CSV") -> list[Asset]:
    """Validate every row; return the assets only if all rows are good."""
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[RowProblem] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRejected(source, [RowProblem(1, "", None, "the file is empty")]) from None
    except csv.Error as exc:
        raise ImportRejected(source, [RowProblem(1, "", None, f"unreadable CSV: {exc}")]) from None
    unknown = [
        h
        for h in header
        if h
        not in (
            *CSV_COLUMNS,
            "id",
            "customer",
            "warranty_status",
            "warranty_ends",
            "warranty_days_left",
        )
    ]
    for name in unknown:
        problems.append(
            RowProblem(1, name, None, f"is not a known column (known: {', '.join(CSV_COLUMNS)})")
        )
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(RowProblem(1, name, None, "required column is missing"))
    if len(set(header)) != len(header):
        problems.append(RowProblem(1, "", None, "a column name appears twice"))
    if problems:
        raise ImportRejected(source, problems)

    assets: list[Asset] = []
    taken = register.serials()
    seen_in_file: dict[tuple[str, str], int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(reader.line_num, "", None, f"unreadable CSV: {exc}"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                RowProblem(line, "", None, f"has {len(row)} fields, the header has {len(header)}")
            )
            continue
        values = {h: _unneutralise(v.strip()) for h, v in zip(header, row, strict=True)}
        site = register.find_site(values.get("site", ""))
        if site is None:
            problems.append(
                RowProblem(line, "site", values.get("site"), "is not a known site name or id")
            )
            continue
        values["site_id"] = site.id
        try:
            asset = build_asset(values, kinds=register.kinds)
        except ValidationError as exc:
            problems.extend(RowProblem(line, p.field, p.value, p.reason) for p in exc.problems)
            continue
        key = serial_key(asset)
        if key in seen_in_file:
            problems.append(
                RowProblem(
                    line,
                    "serial_number",
                    asset.serial_number,
                    f"appears twice in the file (also line {seen_in_file[key]})",
                )
            )
            continue
        seen_in_file[key] = line
        problems.extend(
            RowProblem(line, p.field, p.value, p.reason)
            for p in register.check_new_asset(asset, taken)
        )
        assets.append(asset)
    if problems:
        raise ImportRejected(source, problems)
    return assets


def import_assets_file(register: AssetRegister, path: Path) -> tuple[list[Asset], str]:
    text, encoding = read_text(path)
    assets = parse_assets_csv(text, register, source=str(path))
    return register.store.assets.add_many(assets), encoding


# -- export --------------------------------------------------------------------------------


def export_row(view: AssetView) -> dict[str, str]:
    values = asset_values(view.asset)
    values.pop("site_id")
    w = view.warranty
    return {
        "id": view.asset.id,
        "customer": view.customer,
        "site": view.site_name,
        **values,
        "warranty_status": w.state.value,
        "warranty_ends": w.end.isoformat() if w.end else "",
        "warranty_days_left": "" if w.days_left is None else str(w.days_left),
    }


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv(
    rows: Iterable[dict[str, str]], columns: Iterable[str], *, excel_bom: bool = False
) -> str:
    out = io.StringIO(newline="")
    if excel_bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(str(row.get(c, ""))) for c in columns])
    return out.getvalue()


def assets_csv(views: Iterable[AssetView], *, excel_bom: bool = False) -> str:
    return write_csv((export_row(v) for v in views), EXPORT_COLUMNS, excel_bom=excel_bom)


def assets_json(views: Iterable[AssetView], today: date) -> str:
    payload = []
    for view in views:
        doc = to_doc(view.asset)
        doc["site"] = view.site_name
        doc["customer"] = view.customer
        w = view.warranty
        doc["warranty_status"] = {
            "state": w.state.value,
            "start": w.start.isoformat() if w.start else None,
            "end": w.end.isoformat() if w.end else None,
            "days_left": w.days_left,
            "band": w.band,
            "source": w.source,
        }
        payload.append(doc)
    return json.dumps({"as_of": today.isoformat(), "assets": payload}, ensure_ascii=False, indent=2)
