"""Validation errors that name the field, the value and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assettrack.errors import AssetTrackError


@dataclass(frozen=True)
class FieldProblem:
    field: str
    value: Any
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.value!r} {self.reason}"


class ValidationError(AssetTrackError):
    """One or more fields of a document are invalid."""

    def __init__(self, problems: list[FieldProblem], what: str = "record") -> None:
        self.problems = problems
        self.what = what
        super().__init__(f"invalid {what}: " + "; ".join(str(p) for p in problems))
