"""dcsim: a datacenter energy-efficiency case simulator.

Public API (DESIGN.md section 3)::

    import dcsim
    sc = dcsim.load_scenario("scenarios/lulea-air-1mw.toml", overrides={"room.supply_air_c": 24})
    res = dcsim.simulate(sc)
    res.kpis; res.timeseries; res.save("out/")
"""

from ._version import __version__
from .errors import InputError, Problem
from .results import EXTRA_KPI_NAMES, KPI_NAMES, Results, load_results
from .scenario import Scenario, load_scenario


def simulate(scenario, *, progress=None):
    """Run one scenario; see :func:`dcsim.engine.simulate`."""
    from .engine import simulate as _simulate

    return _simulate(scenario, progress=progress)


__all__ = [
    "EXTRA_KPI_NAMES",
    "KPI_NAMES",
    "InputError",
    "Problem",
    "Results",
    "Scenario",
    "__version__",
    "load_results",
    "load_scenario",
    "simulate",
]
