"""An asset's fields in the order of the import and export columns: one list for both."""

from __future__ import annotations

ASSET_FIELDS: tuple[str, ...] = (
    "site_id",
    "kind",
    "vendor",
    "model",
    "serial_number",
    "hostname",
    "management_address",
    "location",
    "firmware",
    "installed_on",
    "warranty_start",
    "warranty_months",
    "warranty_end",
    "warranty_extension_months",
    "contract_id",
    "console_port",
    "console_baud",
    "console_framing",
    "console_credentials_ref",
    "driver",
    "status",
    "tags",
    "notes",
)
