"""Render the sweep-file reference (docs/sweeps.md) from the sweep schema:
``python -m dcsim.sweep.reference > docs/sweeps.md`` (a test keeps it in step with the code)."""

from __future__ import annotations

from ..scenario.reference import render_model_reference
from .model import SweepFile

HEADER = """# Sweep-file reference

Generated from the schema by `python -m dcsim.sweep.reference` (a test keeps it in step with the
code). A sweep runs one base scenario many times with some keys changed (`dcsim sweep FILE`,
`-j N` workers, `--executor dask --scheduler ADDRESS` on a cluster, `--resume` to go on);
`dcsim validate FILE` checks it. Example: `scenarios/sweeps/supply-air-site-containment.toml`.

- `[sweep.set]`: dotted scenario keys fixed for every run.
- `[sweep.grid]`: every combination of these values (a list, or `{ start, stop, step }` with
  the stop included).
- `[sweep.zip.<name>]`: keys that move together, one value of each per run, combined with the grid.
- `[sweep.sample]`: random or Latin-hypercube samples of ranges, with a seed.

The outputs are `results.parquet` (one row per run: its parameters and KPIs), one run folder per
run, and the tornado chart of the `kpi` named. Every key is optional unless marked required;
wrong types are refused, never converted.
"""


def render_reference() -> str:
    """The Markdown sweep-file reference for the current schema."""
    return render_model_reference(SweepFile, HEADER)


if __name__ == "__main__":  # pragma: no cover
    print(render_reference(), end="")
