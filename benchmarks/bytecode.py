"""Start-up benchmarks measure with bytecode, as a user's ``pip install`` has it.

An editable install (``make setup``) keeps assettrack's modules in the work tree, and where
PYTHONDONTWRITEBYTECODE is set (the test machines set it) Python never writes their bytecode:
every start would compile every module it imports again. ``compile_bytecode`` writes it into
the normal ``__pycache__`` folders first (``python -m compileall``, which writes whatever
the environment says), then checks that every module has bytecode newer than its source.
Python reads bytecode under PYTHONDONTWRITEBYTECODE too, so the children use it as is.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assettrack", "plugins")  # the app and the first-party device plugins


def compile_bytecode() -> str:
    """Compile assettrack and its first-party plugins; a line that says what was done."""
    folders = [str(ROOT / name) for name in PACKAGES if (ROOT / name).is_dir()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True)
    sources = [p for name in PACKAGES for p in (ROOT / name).rglob("*.py")]
    stale = [p for p in sources if not _fresh(p)]
    if stale:
        raise SystemExit(
            f"{len(stale)} of {len(sources)} modules have no bytecode after compileall "
            f"(first: {stale[0].relative_to(ROOT)}); start-up would be measured compiling"
        )
    setting = "set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not set"
    return (
        f"with bytecode: {len(sources)} modules of assettrack and its plugins compiled first "
        f"(PYTHONDONTWRITEBYTECODE is {setting})"
    )


def _fresh(source: Path) -> bool:
    cached = Path(importlib.util.cache_from_source(str(source)))
    return cached.exists() and cached.stat().st_mtime >= source.stat().st_mtime
