"""The known-problem base: add problems (by hand or from a resolved fault) and search it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.known_problems import KnownProblem, Match, search
from assettrack.domain.models import Fault
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.services.service_config import ServiceConfig
from assettrack.store.store import Store


class KnownProblemService:
    def __init__(
        self,
        store: Store,
        config: ServiceConfig,
        author: str = "",
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.store = store
        self.config = config
        self.author = author
        self.clock = clock

    def all(self) -> list[KnownProblem]:
        return sorted(self.store.known_problems.list(), key=lambda p: p.title.casefold())

    def add(
        self,
        title: str,
        symptom: str,
        solution: str,
        *,
        cause: str = "",
        vendor: str = "",
        model: str = "",
        tags: Iterable[str] = (),
        source_fault_id: str | None = None,
    ) -> KnownProblem:
        problem = KnownProblem(
            title=title.strip(),
            symptom=symptom.strip(),
            solution=solution.strip(),
            cause=cause.strip(),
            vendor=vendor.strip(),
            model=model.strip(),
            tags=[t.strip() for t in tags if t.strip()],
            source_fault_id=source_fault_id,
            created_at=self.clock(),
            author=self.author,
        )
        problems = [
            FieldProblem(name, "", _("is needed"))
            for name in ("title", "symptom", "solution")
            if not getattr(problem, name)
        ]
        if problems:
            raise ValidationError(problems, what=_("known problem"))
        return self.store.known_problems.save(problem)

    def from_fault(self, fault: Fault, title: str = "") -> KnownProblem:
        """Turn a resolved fault into a known problem (its symptom, cause and resolution, or
        its result when no resolution was written: the record form asks for the result)."""
        solution = fault.resolution or fault.result
        if not fault.symptom or not solution:
            raise AssetTrackError(_("the fault needs a symptom and a result (what fixed it) first"))
        made = self.from_fault_of(fault.id)
        if made is not None:  # one fault, one known problem: a second would split the base
            raise AssetTrackError(
                _("this fault is already the known problem {title}").format(title=repr(made.title))
            )
        asset = self.store.assets.get(fault.asset_id) if fault.asset_id else None
        return self.add(
            title or fault.symptom[:60],
            fault.symptom,
            solution,
            cause=fault.cause or fault.diagnosis,
            vendor=asset.vendor if asset else "",
            model=asset.model if asset else "",
            source_fault_id=fault.id,
        )

    def from_fault_of(self, fault_id: str) -> KnownProblem | None:
        """The known problem made from this fault, if one was."""
        return next((p for p in self.all() if p.source_fault_id == fault_id), None)

    def search(self, text: str, *, limit: int = 10) -> list[Match]:
        return search(text, self.all(), limit=limit)

    def similar(self, text: str, *, vendor: str = "", model: str = "") -> list[Match]:
        """What to offer beside a new fault: only reasonably close matches."""
        return search(
            text,
            self.all(),
            vendor=vendor,
            model=model,
            min_score=self.config.known_problem_min_score,
            limit=self.config.known_problem_limit,
        )
