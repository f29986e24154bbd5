"""dcsim: a datacenter energy-efficiency case simulator.

Public API (DESIGN.md section 3)::

    import dcsim
    sc = dcsim.load_scenario("scenarios/lulea-air-1mw.toml", overrides={"room.supply_air_c": 24})
    res = dcsim.simulate(sc)
    res.kpis; res.timeseries; res.save("out/")
"""

from . import _jitcache

_jitcache.install()  # before any module defines a cached @njit function (see dcsim._jitcache)

from ._version import __version__
from .errors import InputError, Problem
from .results import EXTRA_KPI_NAMES, KPI_NAMES, Results, load_results
from .scenario import Scenario, load_scenario


def simulate(scenario, *, progress=None):
    """Run one scenario; see :func:`dcsim.engine.simulate`."""
    from .engine import simulate as _simulate

    return _simulate(scenario, progress=progress)


def run_case(case, **kwargs):
    """Run a case file (baseline against proposals); see :func:`dcsim.case.run_case`."""
    from .case import run_case as _run_case

    return _run_case(case, **kwargs)


def run_sweep(path, output_dir=None, **kwargs):
    """Run a sweep file; returns results.parquet as a DataFrame. See :func:`dcsim.sweep.run_sweep`."""
    from .sweep import run_sweep as _run_sweep

    return _run_sweep(path, output_dir, **kwargs)


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
    "run_case",
    "run_sweep",
    "simulate",
]
