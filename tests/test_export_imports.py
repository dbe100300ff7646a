"""What ``export assets`` imports, in a fresh process as the command runs: every command
loads the plugins and opens the store, and what only some need (pyserial for a console,
hashlib for a cached catalog's name, secrets for a file's temporary name, Babel to compile
a catalog, the CSV import's problems and reading) stays off the path of a piped export in
English."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assettrack.domain.models import Asset, Site
from assettrack.services.assets import AssetRegister

SCRIPT = """
import sys
from assettrack.cli import main
sys.argv = ["assettrack", "--db", sys.argv[1], "export", "assets"]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
sys.stderr.write("\\n".join(sorted(sys.modules)))
"""
KEPT_OFF = {"serial", "hashlib", "secrets", "babel", "importlib.metadata"}
KEPT_OFF |= {"assettrack.services.csv_rows"}  # its cells are in csv_cells


def test_a_piped_export_in_english_imports_none_of_what_it_does_not_use(
    register: AssetRegister, tmp_path: Path
) -> None:
    site = register.add_site(Site(customer="客户", name="机房"))
    register.store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "SN1"))
    register.store.close()
    env = {"LANG": "en_US.UTF-8", "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    env |= {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parent.parent)}
    for _run in ("first, which keeps the plugins' entry points", "second"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(register.store.folder)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert done.stdout.count("SN1") == 1
    imported = set(done.stderr.splitlines())
    assert "assettrack.plugins.loader" in imported and "csv" in imported
    assert imported & KEPT_OFF == set()
