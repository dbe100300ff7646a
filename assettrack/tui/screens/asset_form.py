"""Add or edit an asset; each field's problem is shown right beside it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset, AssetStatus, Site
from assettrack.domain.validation import asset_values
from assettrack.i18n import N_, _
from assettrack.i18n.errors import translated
from assettrack.i18n.terms import ASSET_STATUSES, asset_kind, term
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.record_form import FIELD_KEYS, next_field
from assettrack.tui.widgets.footer import Footer

TEXT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("vendor", N_("Vendor"), N_("Cisco, Huawei, H3C…")),
    ("model", N_("Model"), N_("e.g. C9300-48P")),
    ("serial_number", N_("Serial number"), N_("as on the chassis label")),
    ("hostname", N_("Hostname"), ""),
    ("management_address", N_("Management address"), N_("IP address or host name")),
    ("location", N_("Location"), N_("room / rack")),
    ("firmware", N_("Firmware"), ""),
    ("installed_on", N_("Installed on"), "YYYY-MM-DD"),
    ("warranty_start", N_("Warranty start"), N_("YYYY-MM-DD (default: installed on)")),
    ("warranty_months", N_("Warranty months"), N_("empty: from the vendor's rules")),
    ("warranty_end", N_("Warranty end"), N_("YYYY-MM-DD, overrides the rules")),
    ("warranty_extension_months", N_("Extension months"), ""),
    ("console_port", N_("Console port"), "/dev/ttyUSB0, COM3, socket://host:port"),
    ("console_baud", N_("Console baud"), "9600"),
    ("console_framing", N_("Console framing"), "8N1"),
    (
        "console_credentials_ref",
        N_("Credentials ref"),
        N_("env:USER,PASS · keyring:svc/user · prompt"),
    ),
    ("driver", N_("Driver"), N_("empty: best match")),
    ("tags", N_("Tags"), N_("separated by ;")),
    ("notes", N_("Notes"), ""),
)


class AssetFormScreen(Screen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
        *FIELD_KEYS,
    ]

    def __init__(
        self, context: TuiContext, asset: Asset | None = None, site: Site | None = None
    ) -> None:
        super().__init__()
        self.context = context
        self.asset = asset
        self.site = site

    def compose(self) -> ComposeResult:
        register = self.context.register
        values = asset_values(self.asset) if self.asset else {}
        yield Header()
        with VerticalScroll(id="form"):
            site_options = [(f"{s.customer} / {s.name}", s.id) for s in register.sites()]
            chosen_site = values.get("site_id") or (self.site.id if self.site else Select.NULL)
            yield from self._row(
                "site_id",
                _("Site"),
                Select(site_options, value=chosen_site, prompt=_("Select"), id="field-site_id"),
            )
            kinds = [(asset_kind(k), k) for k in register.kinds]
            yield from self._row(
                "kind",
                _("Kind"),
                Select(
                    kinds,
                    value=values.get("kind") or Select.NULL,
                    prompt=_("Select"),  # Textual's own word otherwise: English
                    id="field-kind",
                ),
            )
            for name, label, hint in TEXT_FIELDS:
                yield from self._row(
                    name,
                    _(label),
                    Input(values.get(name, ""), placeholder=_(hint), id=f"field-{name}"),
                )
            statuses = [(term(ASSET_STATUSES, s.value), s.value) for s in AssetStatus]
            yield from self._row(
                "status",
                _("Status"),
                Select(
                    statuses,
                    value=values.get("status", AssetStatus.IN_SERVICE.value),
                    allow_blank=False,
                    id="field-status",
                ),
            )
            with Horizontal(id="form-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")
        yield Footer()

    @staticmethod
    def _row(name: str, label: str, widget: Input | Select) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(label, classes="form-label")
            yield widget
        yield Static("", id=f"error-{name}", classes="form-error")

    def on_mount(self) -> None:
        self.title = _("Edit asset") if self.asset else _("New asset")
        self.query_one("#field-site_id").focus()  # a form opens ready to type in

    def values(self) -> dict[str, str]:
        collected: dict[str, str] = {}
        for widget in self.query(".form-row Input, .form-row Select"):
            name = (widget.id or "").removeprefix("field-")
            value = widget.value
            collected[name] = "" if value is Select.NULL or value is None else str(value)
        return collected

    def action_save(self) -> None:
        for error in self.query(".form-error"):
            error.update("")
            error.remove_class("shown")
        try:
            asset = self.context.register.save_asset(self.values(), base=self.asset)
        except ValidationError as exc:
            first = None
            for problem in exc.problems:
                name = problem.field if problem.field != "site" else "site_id"
                target = self.query(f"#error-{name}")
                if target:
                    target.first().update(f"⚠ {translated(problem.reason)}")
                    target.first().add_class("shown")
                    first = first or name
                else:
                    self.notify(str(problem), severity="error")
            if first:
                self.query_one(f"#field-{first}").focus()
            self.notify(
                _("{count} field(s) need attention").format(count=len(exc.problems)),
                severity="error",
            )
            return
        self.notify(
            _("Saved {vendor} {model} {serial}").format(
                vendor=asset.vendor, model=asset.model, serial=asset.serial_number
            )
        )
        self.dismiss(asset.id)

    def action_next_field(self) -> None:
        next_field(self)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
