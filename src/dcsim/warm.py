"""Fill Numba's cache for every cooling system: ``python -m dcsim.warm [SCENARIO]``.

The facility kernel is compiled for the cooling system of the scenario it runs
(:mod:`dcsim.cooling.dispatch`), so the first run of each other system compiles again (about
8 s on a 2-core machine). ``make demo`` runs this after its reference run, so that the first
run a user types, whatever its system, starts at once. It runs an hour of SCENARIO (default
``scenarios/lulea-air-1mw.toml``) once per cooling system, with nothing written; a system
already in the cache costs a fraction of a second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

DEFAULT_SCENARIO = Path("scenarios/lulea-air-1mw.toml")


def warm(scenario: str | Path = DEFAULT_SCENARIO, say=None) -> list[str]:
    """Run an hour of ``scenario`` with each cooling system; returns the systems that had to
    compile (each said through ``say`` with its seconds)."""
    from . import load_scenario, simulate
    from ._jitcache import needs_compile
    from .cooling.dispatch import system_type
    from .cooling.plant import SYSTEM_CODES
    from .thermal.kernels import facility_kernel

    compiled = []
    for name in SYSTEM_CODES:
        cold = needs_compile(facility_kernel, with_type=system_type(name))
        t0 = time.perf_counter()
        sc = load_scenario(scenario, overrides={"cooling.system": name, "simulation.duration": "1h"})
        simulate(sc)
        if cold:
            compiled.append(name)
            if say is not None:
                say(f"compiled the model for {name} ({time.perf_counter() - t0:.0f} s)")
    return compiled


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    scenario = Path(args[0]) if args else DEFAULT_SCENARIO
    print("compiling the model for every cooling system, once ...", file=sys.stderr)
    done = warm(scenario, say=lambda line: print(line, file=sys.stderr))
    print(f"every cooling system compiled ({len(done)} now, the others already in the cache)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
