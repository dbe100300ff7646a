"""A record's kind in words, as the store's messages name it ("asset X was changed by ...").

The English word is the table's name less its plural ``s``, as it always was; the usual
kinds are domain ``Text``s, so a message holding one is said in the reader's language.
"""

from __future__ import annotations

from assettrack.domain.texts import N_

_WORDS = {
    "customers": N_("customer"),
    "sites": N_("site"),
    "contracts": N_("contract"),
    "assets": N_("asset"),
    "inspections": N_("inspection"),
    "visits": N_("visit"),
    "faults": N_("fault"),
    "charges": N_("charge"),
    "attachments": N_("attachment"),
}


def record_word(table: str) -> str:
    """``assets`` -> ``asset`` (a Text for the usual kinds; any other table by its name)."""
    return _WORDS.get(table) or (table[:-1] if table.endswith("s") else table)
