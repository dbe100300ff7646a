"""What every CSV import and export shares: encodings, formula safety, line-numbered problems.

CSV written here is safe to open in a spreadsheet: a cell that starts with = + - @ (or a tab
or carriage return) is prefixed with an apostrophe so it is shown as text, never run as a
formula; a plain number such as -1010 is left a number, so a spreadsheet can sort it.
Reading strips that apostrophe again, so export and import round-trip.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assettrack.domain.errors import FieldProblem
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.i18n.csv_titles import NAMES_OF_TITLES
from assettrack.i18n.csv_titles import titled as titled_names
from assettrack.i18n.errors import translated
from assettrack.services.csv_cells import FORMULA_START
from assettrack.services.csv_cells import csv_cell as csv_cell  # re-exported: here first
from assettrack.services.csv_cells import neutralise as neutralise

_FORMULA_START = FORMULA_START
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    value: Any
    reason: str

    def __str__(self) -> str:
        where = (
            _("line {line}, column {column}").format(line=self.line, column=self.column)
            if self.column
            else _("line {line}").format(line=self.line)
        )
        reason = translated(self.reason)
        if self.value in (None, ""):
            return _("{where}: {reason}").format(where=where, reason=reason)
        return _("{where}: {value} {reason}").format(
            where=where, value=repr(self.value), reason=reason
        )


class ImportRejected(AssetTrackError):
    def __init__(self, source: str, problems: list[RowProblem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            lines.append(_("... and {count} more").format(count=more))
        said = _("{source}: nothing imported, {count} problem(s):").format(
            source=source, count=len(problems)
        )
        super().__init__(said + "\n  " + "\n  ".join(lines))


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and the encoding it was read in: ``encoding`` if given, else decided
    from the bytes (see ``csv_encoding``); a file whose encoding is unclear is refused."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AssetTrackError(
            _("cannot read {path}: {why}").format(path=path, why=exc.strerror)
        ) from exc
    # Here: only reading needs it, and every export imports this module (2 ms).
    from assettrack.services.csv_encoding import decode

    return decode(raw, str(path), encoding)


def unneutralise(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def write_csv(
    rows: Iterable[dict[str, Any]], columns: Iterable[str], *, excel_bom: bool = False
) -> str:
    out = io.StringIO(newline="")
    if excel_bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(columns)
    writer.writerow(columns)
    risky = frozenset(_FORMULA_START)
    for row in rows:
        # csv_cell inlined: 50,000 assets are 1.5 million cells, and most need no change.
        cells = []
        for column in columns:
            value = row.get(column)
            if value is None:
                cells.append("")
                continue
            text = value if type(value) is str else str(value)
            cells.append(neutralise(text) if text and text[0] in risky else text)
        writer.writerow(cells)
    return out.getvalue()


@dataclass(frozen=True)
class CsvRows:
    """A file's rows as ``(line, {column: value})``, with the problems of rows not readable.
    ``titled``: the header row held the Chinese titles (``export … --headers zh``) rather
    than the column names; the rows are keyed by the names all the same."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[RowProblem]
    titled: bool = False

    def named(self, problems: Iterable[RowProblem]) -> list[RowProblem]:
        """``problems`` naming their columns as the file does: by title in a titled file."""
        if not self.titled:
            return list(problems)
        return [dataclasses.replace(p, column=_title_of(p.column)) for p in problems]


def read_rows(
    text: str,
    source: str,
    *,
    known: Sequence[str],
    required: Sequence[str],
    shown: Sequence[str] | None = None,
) -> CsvRows:
    """Check the header (raising at once: nothing else can be read without it), then split
    the rows. Cells are stripped and un-neutralised; blank rows are skipped.

    The header holds the column names, or their Chinese titles (``csv_titles``: what
    ``export … --headers zh`` writes), not a mix of both. ``shown`` is the column list a
    header problem names (default: ``known``), by title in a titled file.
    """
    # strict: a quote never closed is an error, not a last cell swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        cells = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRejected(source, [RowProblem(1, "", None, _("the file is empty"))]) from None
    except csv.Error as exc:
        raise ImportRejected(source, [_unreadable(1, exc)]) from None
    header, titled, problems = _header(cells, known, required, shown or known)
    if problems:
        raise ImportRejected(source, problems)
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num
    while True:
        starts = line + 1  # a row can span lines (a quoted line break): name where it starts
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_unreadable(starts, exc))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                RowProblem(
                    line,
                    "",
                    None,
                    _("has {count} fields, the header has {header}").format(
                        count=len(row), header=len(header)
                    ),
                )
            )
            continue
        rows.append((line, {h: unneutralise(v.strip()) for h, v in zip(header, row, strict=True)}))
    return CsvRows(header, rows, problems, titled)


def _header(
    cells: list[str], known: Sequence[str], required: Sequence[str], shown: Sequence[str]
) -> tuple[list[str], bool, list[RowProblem]]:
    """The column names of a header row, whether it was titled, and what is wrong with it."""
    titles = [c for c in cells if c in NAMES_OF_TITLES]
    names = [c for c in cells if c.lower() in known]
    if titles and names:
        # Half of one, half of the other: columns someone renamed by hand, or two files
        # pasted together. Which one the rows follow cannot be told, so neither is guessed.
        return [], True, [RowProblem(1, "", None, _mixed(titles, names))]
    titled = bool(titles)
    header = [NAMES_OF_TITLES[c] if titled and c in NAMES_OF_TITLES else c.lower() for c in cells]
    said = titled_names if titled else list
    problems = [
        RowProblem(
            1,
            name,
            None,
            _("is not a known column (known: {columns})").format(columns=", ".join(said(shown))),
        )
        for name in header
        if name not in known
    ]
    problems += [
        RowProblem(1, _title_of(name) if titled else name, None, _("required column is missing"))
        for name in required
        if name not in header
    ]
    if len(set(header)) != len(header):
        problems.append(RowProblem(1, "", None, _("a column name appears twice")))
    return header, titled, problems


def _mixed(titles: list[str], names: list[str]) -> str:
    return _(
        "the header mixes Chinese titles ({titles}) and column names ({names}): use one or "
        "the other, as an export writes them (export … --headers zh: titles; else names)"
    ).format(titles=", ".join(titles[:3]), names=", ".join(names[:3]))


def _title_of(column: str) -> str:
    """``contacts[2].name`` in a titled file: ``联系人[2].name``."""
    head, bracket, rest = column.partition("[")
    return titled_names([head])[0] + bracket + rest


def _unreadable(line: int, exc: csv.Error) -> RowProblem:
    if "unexpected end of data" in str(exc):
        reason = _('a quote (") opened in the row that starts here is never closed')
    else:
        reason = _("unreadable CSV: {why}").format(why=exc)
    return RowProblem(line, "", None, reason)


def row_problems(
    line: int, problems: Iterable[FieldProblem], columns: dict[str, str] | None = None
) -> list[RowProblem]:
    """Field problems of one row, named by the CSV column (``columns`` maps field names that
    differ from their column, e.g. ``customer_id`` -> ``customer``)."""
    columns = columns or {}
    found = []
    for p in problems:
        head, dot, rest = p.field.partition("[")
        column = columns.get(head, head) + (dot + rest if dot else "")
        found.append(RowProblem(line, column, p.value, translated(p.reason)))
    return found
