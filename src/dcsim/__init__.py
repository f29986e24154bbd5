"""dcsim: a datacenter energy-efficiency case simulator.

Public API (DESIGN.md section 3)::

    import dcsim
    sc = dcsim.load_scenario("scenarios/lulea-air-1mw.toml", overrides={"room.supply_air_c": 24})
    res = dcsim.simulate(sc)
    res.kpis; res.timeseries; res.save("out/")
"""

from ._version import __version__
from .errors import InputError, Problem

#: Names loaded on first use (PEP 562), so ``dcsim --help`` and ``dcsim validate`` need
#: neither pandas nor Numba: name -> module that defines it.
_LAZY = {
    "EXTRA_KPI_NAMES": "results",
    "KPI_NAMES": "results",
    "Results": "results",
    "load_results": "results",
    "Scenario": "scenario",
    "load_scenario": "scenario",
}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("__"):  # a subpackage, as ``dcsim.scenario`` was before the names were lazy
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{__name__}.{name}") is not None:
            return import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
