"""Settings of the service records: visit plan, fault severity levels, charge caps, and the
customer's feedback survey.

Layered like the other settings: the shipped ``config/visits.toml``, ``faults.toml``,
``charges.toml`` and ``survey.toml``; then files of the same names in the user config folder;
then the ``[visits]``, ``[faults]``, ``[charges]`` and ``[survey]`` tables of the loaded
settings (a --config file).
Tables merge key by key; lists (``caps``) are replaced whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assettrack.config import merge, read_toml, shipped_config_dir, user_config_dir
from assettrack.domain.charges import CapRules
from assettrack.domain.errors import ValidationError
from assettrack.domain.faults import SeverityRules
from assettrack.domain.models import Site
from assettrack.domain.survey import Survey
from assettrack.domain.visits import VisitPlan
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.i18n.errors import error_text

SECTIONS = ("visits", "faults", "charges", "survey")


@dataclass(frozen=True)
class ServiceConfig:
    visit_plan: VisitPlan
    severity: SeverityRules
    caps: CapRules
    survey: Survey = field(default_factory=lambda: Survey(()))
    known_problem_min_score: float = 0.25
    known_problem_limit: int = 5

    def plan_for(self, site: Site) -> VisitPlan:
        """The default plan with the site's own ``visit_plan`` keys on top."""
        if not site.visit_plan:
            return self.visit_plan
        return VisitPlan.from_mapping(
            site.visit_plan,
            base=self.visit_plan,
            source=_("visit plan of site {site}").format(site=site.name),
        )


def _layers(raw: Mapping[str, Any], user_dir: Path | None) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for folder in (shipped_config_dir(), user_dir or user_config_dir()):
        for name in SECTIONS:
            path = folder / f"{name}.toml"
            if path.is_file():
                tables[name] = merge(tables[name], read_toml(path))
    for name in SECTIONS:
        if isinstance(raw.get(name), Mapping):
            tables[name] = merge(tables[name], raw[name])
    return tables


def load_service_config(
    raw: Mapping[str, Any] | None = None, *, user_dir: Path | None = None
) -> ServiceConfig:
    """``raw`` is ``Settings.raw`` (it carries the --config file's tables)."""
    tables = _layers(raw or {}, user_dir)
    try:
        known = tables["faults"].get("known_problems", {})
        return ServiceConfig(
            visit_plan=VisitPlan.from_mapping(tables["visits"], source=_("visit settings")),
            severity=SeverityRules.from_mapping(tables["faults"], require_resolution=True),
            caps=CapRules.from_mapping(tables["charges"]),
            survey=Survey.from_mapping(tables["survey"]),
            known_problem_min_score=float(known.get("min_score", 0.25)),
            known_problem_limit=int(known.get("limit", 5)),
        )
    except ValidationError as exc:
        raise AssetTrackError(error_text(exc)) from exc
    except (TypeError, ValueError) as exc:
        raise AssetTrackError(_("invalid service settings: {why}").format(why=exc)) from exc
