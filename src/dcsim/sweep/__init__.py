"""Parameter sweeps: many runs of one base scenario, locally or on a Dask cluster.

>>> from dcsim.sweep import load_sweep, run_sweep
>>> load_sweep("scenarios/sweeps/supply-air-site-containment.toml").summary()
>>> df = run_sweep("scenarios/sweeps/supply-air-site-containment.toml", "out/sweep")

See :mod:`dcsim.sweep.spec` for the file format, :mod:`dcsim.sweep.executors` for where runs
run, :mod:`dcsim.sweep.store` for records, resume and ``results.parquet``, and
:mod:`dcsim.sweep.sensitivity` for the tornado chart and rank correlations.
"""

from .runner import SweepOutcome, execute_sweep, print_summary, run_sweep
from .spec import Axis, PlannedRun, Sweep, load_sweep

__all__ = [
    "Axis",
    "PlannedRun",
    "Sweep",
    "SweepOutcome",
    "execute_sweep",
    "load_sweep",
    "print_summary",
    "run_sweep",
]
