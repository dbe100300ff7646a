"""The Chinese catalogs use the commitment's terms (docs/glossary.md, rows marked "must"):
a message that says "maintenance record" is translated with 维修保养记录单, every time, in
assettrack's catalog and in each first-party plugin's."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"


def must_terms() -> list[tuple[str, str]]:
    """(English, Chinese) of the glossary rows marked must."""
    terms = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[2] == "must":
            terms.append((cells[0], cells[1]))
    return terms


def chinese_catalogs() -> list[Path]:
    found = [ROOT / "assettrack/locale/zh_CN/LC_MESSAGES/assettrack.po"]
    found += sorted(ROOT.glob("plugins/*/*/locale/zh_CN/LC_MESSAGES/*.po"))
    return found


def test_the_glossary_names_the_commitments_terms() -> None:
    terms = dict(must_terms())
    assert terms["maintenance record"] == "维修保养记录单"
    assert terms["symptom"] == "故障现象"
    assert terms["customer sign-off, signature"] == "客户签字"


def test_every_catalog_uses_the_glossary_terms() -> None:
    wrong = []
    for path in chinese_catalogs():
        with open(path, "rb") as handle:
            catalog = read_po(handle)
        for english, chinese in must_terms():
            # "customer sign-off, signature": either English form.
            forms = [f.strip() for f in english.split(",")]
            # Not an option (--inspection) nor a part of a longer word.
            words = "|".join(map(re.escape, forms))
            pattern = re.compile(rf"(?<![-\w])({words})", re.IGNORECASE)
            for message in catalog:
                source = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else message.string[0]
                if message.id and text and pattern.search(source) and chinese not in text:
                    wrong.append(f"{path.name}: {source!r} -> {text!r} lacks {chinese}")
    assert not wrong, "\n".join(wrong)
