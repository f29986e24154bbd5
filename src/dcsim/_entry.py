"""The ``dcsim`` console script's entry point: SIGINT and SIGTERM are handled from its first
line, before the command line's imports (typer and rich; numba and pandas once a command
runs), so a Ctrl-C while dcsim is starting ends with exit 130 (143 for SIGTERM) and one
line, never a traceback. This module imports nothing but the standard library's
``signal`` and ``sys``; :func:`dcsim.cli.main` then installs its own handlers."""

from __future__ import annotations

import signal
import sys

#: what a signal during start-up leaves behind: nothing had been read or written yet
EARLY_MESSAGE = "dcsim: interrupted while starting; nothing was read or written"


def main() -> int:
    """Run the command line with the signals handled throughout; return its exit code."""
    arrived: list[int] = []

    def early(signum, frame) -> None:  # noqa: ARG001 - the signal module's signature
        arrived.append(signum)
        raise KeyboardInterrupt

    watched = (signal.SIGINT, signal.SIGTERM)
    for s in watched:
        signal.signal(s, early)
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        term = signal.SIGTERM in arrived
        sys.stderr.write(EARLY_MESSAGE.replace("interrupted", "terminated (SIGTERM)", 1) if term else EARLY_MESSAGE)
        sys.stderr.write("\n")
        return 143 if term else 130
    try:
        return cli_main()  # sets its handlers for the command and puts ``early`` back after it
    finally:
        for s in watched:  # the command has decided its exit code: a late signal changes nothing
            signal.signal(s, signal.SIG_IGN)
