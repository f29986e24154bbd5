"""The plugin surface: everything a component package imports from dcsim, and nothing else.

A component is what a company writes when its concept is more than a datasheet: a small
class in its own package, registered under the entry-point group :data:`ENTRY_POINT_GROUP`
and used by name in a case file (docs/plugins.md has the whole guide)::

    from dcsim.plugins import Component, RunView

    class Solar(Component):
        requires_dcsim = ">=0.1,<1"     # the dcsim versions it works with
        title = "Acme rooftop PV"

        def postprocess(self, run: RunView, params) -> None:
            run.add_onsite_generation(...)

A component can provide scenario parameters (``scenario_patch``) and post-process each run
(``postprocess``) through a :class:`RunView`: read-only timeseries, KPIs and scenario, and
methods that change the run while keeping energies, cost, carbon, water, the ratios and the
energy balance consistent. A component outside its ``requires_dcsim`` range is refused when
the case is loaded (exit code 2, naming the component, its range and this dcsim's version).

What is here is kept stable; the modules behind it (``dcsim.case``, ``dcsim._numeric``) are
not an interface and may change.

- :class:`Component`, :data:`ENTRY_POINT_GROUP`, :data:`DCSIM_VERSION`,
  :data:`API_VERSION`, :func:`version_in_range`: writing and registering a component;
- :class:`RunView`, :class:`TimeseriesView`: the run a post-processor sees;
- :class:`InputError`, :class:`Problem`: a component's own input errors (exit code 2);
- :data:`COOLING_MODES`, :data:`MODE_FREE`, :data:`MODE_PARTIAL_FREE`: the cooling-mode
  names of the ``cooling_mode`` column and ``RunView.set_cooling_mode``;
- :func:`interp_clamped`: the table interpolation dcsim's kernels use (piecewise linear,
  clamped at the ends, ``@njit``: callable from Python and from a component's own kernels).
"""

from __future__ import annotations

from .._numeric import interp_clamped
from ..cooling import COOLING_MODES, MODE_FREE, MODE_PARTIAL_FREE
from ..errors import InputError, Problem
from ._component import API_VERSION, DCSIM_VERSION, ENTRY_POINT_GROUP, Component, version_in_range
from ._runview import RunView, TimeseriesView

__all__ = [
    "API_VERSION",
    "COOLING_MODES",
    "Component",
    "DCSIM_VERSION",
    "ENTRY_POINT_GROUP",
    "InputError",
    "MODE_FREE",
    "MODE_PARTIAL_FREE",
    "Problem",
    "RunView",
    "TimeseriesView",
    "interp_clamped",
    "version_in_range",
]
