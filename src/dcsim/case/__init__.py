"""Cases: a baseline scenario against one or more proposals, with a business case.

- :func:`load_case` reads and checks a case file (``[case]``, ``[assumptions]``,
  ``[[proposals]]``; see ``scenarios/cases/README.md``), raising :class:`~dcsim.InputError`
  with every problem;
- :func:`run_case` runs every variant over the same weather years and returns a
  :class:`CaseResult` (paired differences with 90 % intervals, savings, payback, NPV, CO2),
  whose ``save(dir, lang=...)`` writes ``report.html``, ``comparison.csv`` and one run folder
  per variant;
- :mod:`dcsim.case.components`: loading the plugin components a case names (what a plugin
  author imports is :mod:`dcsim.plugins`);
- :mod:`dcsim.case.datasheet`: products described by datasheet tables.
"""

from .economics import BusinessCase, annuity_factor, business_case, npv, simple_payback_years
from .load import Case, Variant, flatten_patch, load_case
from .runner import CaseResult, Difference, Outcome, paired_difference, run_case

__all__ = [
    "BusinessCase",
    "Case",
    "CaseResult",
    "Difference",
    "Outcome",
    "Variant",
    "annuity_factor",
    "business_case",
    "flatten_patch",
    "load_case",
    "npv",
    "paired_difference",
    "run_case",
    "simple_payback_years",
]
