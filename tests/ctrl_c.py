"""Ctrl-C for a child process that waits for one (the device simulator's command)."""

from __future__ import annotations

import signal


def ctrl_c_works() -> None:
    """A suite run in the background inherits SIGINT ignored (the shell's rule for background
    jobs), and Python installs no Ctrl-C handler then: give the child the terminal's. Run in
    the child before it starts (``subprocess.Popen(preexec_fn=...)``)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
