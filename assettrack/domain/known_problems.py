"""Known problems (symptom -> solution) and the similarity search that offers them.

Text is cut into terms: words of letters and digits (lower-cased, so "CRC" finds "crc"), and
for Chinese, Japanese and Korean text, overlapping pairs of characters (Chinese has no spaces;
pairs catch most words). A problem's score against a query is the cosine of their term sets,
weighted by how rare a term is among the known problems, plus a small bonus when the vendor
or model matches the faulty asset.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from assettrack.domain.models import SCHEMA_VERSION, new_id

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Compiled on first search, not on import: Unicode ranges this wide take 10 ms, and
    # every start of the app imports this module with the store.
    return re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE), re.compile(rf"[{_CJK}]")


VENDOR_BONUS = 0.1


@dataclass
class KnownProblem:
    title: str
    symptom: str
    solution: str
    cause: str = ""
    vendor: str = ""
    model: str = ""
    tags: list[str] = field(default_factory=list)
    source_fault_id: str | None = None
    created_at: datetime | None = None
    author: str = ""
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0

    def text(self) -> str:
        return " ".join((self.title, self.symptom, self.cause, " ".join(self.tags)))


def terms(text: str) -> set[str]:
    found: set[str] = set()
    token, is_cjk = _patterns()
    for run in token.findall(text.casefold()):
        if is_cjk.match(run):
            found.update(run[i : i + 2] for i in range(len(run) - 1))
            if len(run) == 1:
                found.add(run)
        elif len(run) > 1 or run.isdigit():
            found.add(run)
    return found


@dataclass(frozen=True)
class Match:
    problem: KnownProblem
    score: float
    same_vendor: bool = False


def search(
    query: str,
    problems: Sequence[KnownProblem],
    *,
    vendor: str = "",
    model: str = "",
    min_score: float = 0.0,
    limit: int = 10,
) -> list[Match]:
    """Problems most like ``query``, best first."""
    wanted = terms(query)
    if not wanted:
        return []
    bags = [terms(p.text()) for p in problems]
    frequency: Counter[str] = Counter(t for bag in bags for t in bag)
    total = len(problems)

    def weight(term: str) -> float:
        return math.log(1 + total / (1 + frequency[term])) + 0.1

    query_norm = math.sqrt(sum(weight(t) ** 2 for t in wanted))
    matches = []
    for problem, bag in zip(problems, bags, strict=True):
        shared = wanted & bag
        if not shared:
            continue
        norm = math.sqrt(sum(weight(t) ** 2 for t in bag))
        score = sum(weight(t) ** 2 for t in shared) / (query_norm * norm)
        same_vendor = bool(vendor and problem.vendor.casefold() == vendor.casefold())
        if same_vendor:
            score += VENDOR_BONUS
            if model and problem.model and problem.model.casefold() in model.casefold():
                score += VENDOR_BONUS
        score = min(score, 1.0)
        if score >= min_score:
            matches.append(Match(problem, round(score, 3), same_vendor))
    # The vendor also breaks ties among perfect matches (the score is capped at 1).
    matches.sort(key=lambda m: (-m.score, not m.same_vendor, m.problem.title))
    return matches[:limit]
