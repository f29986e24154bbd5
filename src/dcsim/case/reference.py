"""Render the case-file reference (docs/cases.md) from the case schema, as
:mod:`dcsim.scenario.reference` renders the scenario's: ``python -m dcsim.case.reference >
docs/cases.md`` (a test keeps it in step with the code)."""

from __future__ import annotations

from ..scenario.reference import render_model_reference
from .model import CaseFile

HEADER = """# Case-file reference

Generated from the schema by `python -m dcsim.case.reference` (a test keeps it in step with the
code). A case file compares a baseline datacenter with one or more proposals on the same weather
and workload (`dcsim case FILE`); `dcsim validate FILE` checks it. Examples: `scenarios/cases/`.

- `[case]` names the case and its **baseline**: a scenario file (relative to the case file).
- `[assumptions]` holds the business case's prices and the number of weather years.
- Each `[[proposals]]` changes the baseline by `set` (dotted scenario keys, as `--set` takes
  them) and by `components` (a `use` with its `params`; `dcsim catalog` and `docs/plugins.md`
  list the components, and a `datasheet-*` component reads a datasheet table, described in
  `docs/inputs.md`), with its capital cost, running-cost change and lifetime.

Texts shown in the report (`title`, `description`, ...) are a string or a table of languages,
`{ en = "...", sv = "..." }`. Every key is optional unless marked required; wrong types are
refused, never converted.
"""


def render_reference() -> str:
    """The Markdown case-file reference for the current schema."""
    return render_model_reference(CaseFile, HEADER)


if __name__ == "__main__":  # pragma: no cover
    print(render_reference(), end="")
