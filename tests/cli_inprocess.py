"""Run the real command line (``assettrack.cli.main``, with its error handling) in this
process: the same exit codes and output as the console script, without a new interpreter
for each of the many commands a test types."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from assettrack.cli import main
from tests.conftest import TODAY


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    """``Cli(tmp_path)("--db", folder, "customer", "list")``; user settings and the default
    data folder live under ``tmp_path``, so nothing of the machine's own leaks in."""

    def __init__(self, home: Path) -> None:
        self.env: dict[str, str | None] = {
            "ASSETTRACK_TODAY": TODAY.isoformat(),
            "ASSETTRACK_DB": None,
            "ASSETTRACK_CONFIG": None,
            "XDG_CONFIG_HOME": str(home / "config-home"),
            "XDG_DATA_HOME": str(home / "data-home"),
        }

    def __call__(self, *args: str | Path) -> Outcome:
        runner = CliRunner()
        saved_argv = sys.argv
        with runner.isolation(env=self.env) as (out, err, _):
            sys.argv = ["assettrack", *map(str, args)]
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.argv = saved_argv
                sys.stdout.flush()  # what was written without click.echo is still buffered
                sys.stderr.flush()
            return Outcome(code, out.getvalue().decode(), err.getvalue().decode())

    def ok(self, *args: str | Path) -> str:
        """Run a command that must succeed; its standard output."""
        outcome = self(*args)
        assert outcome.returncode == 0, (args, outcome.stderr)
        return outcome.stdout


def database_files(folder: Path) -> dict[str, bytes]:
    """Every data file of a database, to tell that a refused command changed nothing."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*.json"))
        if p.is_file() and ".index" not in p.relative_to(folder).parts  # caches, not data
    }
