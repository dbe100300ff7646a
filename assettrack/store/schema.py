"""Schema versions of stored documents and the migrations between them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from assettrack.domain.schema_version import SCHEMA_VERSION

# A migration takes (table name, document at version N) and returns it at version N + 1.
Migration = Callable[[str, dict[str, Any]], dict[str, Any]]


class SchemaPlan:
    """The schema documents are written at and the migration from each earlier one. A
    plain class (every command imports it; a dataclass compiles its methods at import)."""

    __slots__ = ("current", "migrations")

    def __init__(
        self, current: int = SCHEMA_VERSION, migrations: Mapping[int, Migration] | None = None
    ) -> None:
        self.current = current
        self.migrations: Mapping[int, Migration] = migrations or {}

    def migrate(self, table: str, doc: dict[str, Any]) -> dict[str, Any]:
        version = doc["schema"]
        while version < self.current:
            step = self.migrations.get(version)
            if step is None:
                raise LookupError(f"no migration from schema {version} to {version + 1}")
            doc = step(table, dict(doc))
            version += 1
            doc["schema"] = version
        return doc


CURRENT_PLAN = SchemaPlan()
