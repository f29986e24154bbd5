"""Concepts without code: products described by datasheet tables.

A company that makes hardware usually has a datasheet, not a Python model. dcsim takes the
datasheet's tables as they are and interpolates them linearly, clamped at the ends, with the
one interpolation every kernel uses (:func:`dcsim._numeric.interp_clamped`):

* **server**: its SPECpower table, ``it.server = { power_w = [11 values] }`` (in the engine);
* **cooling unit**: capacity and power against outdoor temperature, the scenario section
  ``cooling.datasheet_unit`` (:class:`dcsim.scenario.datasheet.DatasheetUnit`), run by the
  plant every physics step (:mod:`dcsim.cooling.datasheet_unit`). The built-in component
  ``datasheet-cooling-unit`` (:class:`DatasheetCoolingUnit`) puts it into a proposal;
* **heat pump**: COP against source and sink temperature (:class:`HeatPumpTable`, a 2-D grid
  interpolated bilinearly by :func:`interp2_clamped`; waits for ``heat_reuse`` in the engine).

Table formats (TOML; the cooling unit's also in a CSV file named by ``table_file``)::

    # cooling unit: one row per outdoor temperature, strictly increasing
    outdoor_c   = [-30, 0, 10, 15, 18, 21]
    capacity_kw = [1100, 1100, 900, 600, 300, 0]
    power_kw    = [30, 30, 33, 36, 38, 38]

    # heat pump: rows are sink temperatures, columns source temperatures
    source_c = [20, 30, 40]
    sink_c   = [60, 70, 80]
    cop      = [[3.9, 4.6, 5.6], [3.3, 3.8, 4.5], [2.8, 3.2, 3.7]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from .._jitcache import njit
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._numeric import interp_clamped
from ..scenario.datasheet import DatasheetUnit
from ..scenario.types import check_increasing
from .components import API_VERSION, Component

# --------------------------------------------------------------------------- kernels


@njit(cache=True, fastmath=False, error_model="numpy")
def interp_clamped_many(xs, ys, x):
    """:func:`interp_clamped` over an array of points (one table, many x)."""
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = interp_clamped(xs, ys, x[i])
    return out


@njit(cache=True, fastmath=False, error_model="numpy")
def interp2_clamped(xs, ys, z, x, y):
    """Bilinear interpolation of the grid ``z[j, i]`` (rows ``ys[j]``, columns ``xs[i]``) at
    (x, y), clamped to the grid's edges. Each row is interpolated at x with
    :func:`interp_clamped`, then the column of results at y: linear in x, linear in y.

    For a heat pump: xs = source temperatures, ys = sink temperatures, z = COP.
    """
    ny = ys.shape[0]
    col = np.empty(ny)
    for j in range(ny):
        col[j] = interp_clamped(xs, z[j], x)
    return interp_clamped(ys, col, y)


# --------------------------------------------------------------------------- table models


def _increasing(name: str, values: list[float]) -> None:
    if len(values) < 2:
        raise ValueError(f"{name} needs at least 2 points")
    check_increasing(values, name)


class HeatPumpTable(BaseModel):
    """A heat pump's datasheet: heating COP on a grid of source and sink temperatures."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = "heat pump"
    source_c: list[float]
    sink_c: list[float]
    cop: list[list[float]] = Field(description="One row per sink temperature, one column per source temperature.")

    @model_validator(mode="after")
    def _grid(self) -> HeatPumpTable:
        _increasing("source_c", self.source_c)
        _increasing("sink_c", self.sink_c)
        if len(self.cop) != len(self.sink_c):
            raise ValueError(f"cop needs {len(self.sink_c)} rows (one per sink_c), got {len(self.cop)}")
        for j, row in enumerate(self.cop):
            if len(row) != len(self.source_c):
                raise ValueError(f"cop row {j} needs {len(self.source_c)} values (one per source_c), got {len(row)}")
            if any(v < 1 for v in row):
                raise ValueError(f"cop row {j}: a heating COP is at least 1")
        return self

    def cop_at(self, source_c, sink_c) -> np.ndarray:
        xs = np.asarray(self.source_c, float)
        ys = np.asarray(self.sink_c, float)
        z = np.ascontiguousarray(self.cop, dtype=np.float64)
        src = np.atleast_1d(np.asarray(source_c, float))
        snk = np.broadcast_to(np.asarray(sink_c, float), src.shape)
        return np.array([interp2_clamped(xs, ys, z, float(a), float(b)) for a, b in zip(src, snk)])


# --------------------------------------------------------------------------- built-in component


class DatasheetCoolingUnit(Component):
    """A cooling unit given by its datasheet, in series with the chiller: a scenario patch.

    Its parameters are the scenario section ``cooling.datasheet_unit``
    (:class:`~dcsim.scenario.datasheet.DatasheetUnit`: ``name``, ``units``, ``against``,
    ``outdoor_c``, ``capacity_kw``, ``power_kw`` or ``table_file`` relative to the case file,
    ``water_l_per_kwh``); applied to a proposal it sets that section on the proposal's scenario,
    with the table inline, and the plant runs the unit every physics step: it takes the load the
    free cooling left, up to its capacity at the step's outdoor temperature, and the chiller
    carries the rest (:func:`dcsim.cooling.datasheet_unit.datasheet_unit_step`).
    """

    api_version = API_VERSION
    title = "Cooling unit from its datasheet"
    params_model = DatasheetUnit

    def describe(self, params: DatasheetUnit, lang: str = "en") -> str:
        if lang == "sv":
            against = {"outdoor_drybulb_c": "utomhustemperaturen (torr)", "outdoor_wetbulb_c": "våta temperaturen ute"}
            return (
                f"{params.units} × {params.name}: datablad med {len(params.outdoor_c)} punkter mot "
                f"{against.get(params.against, params.against)}, simulerat i kylanläggningen varje beräkningssteg "
                f"(cooling.datasheet_unit)"
            )
        return (
            f"{params.units} × {params.name}: datasheet table of {len(params.outdoor_c)} points against "
            f"{params.against}, simulated in the plant every physics step (cooling.datasheet_unit)"
        )

    def scenario_patch(self, params: DatasheetUnit, scenario: Mapping[str, Any]) -> dict[str, Any]:
        # the table as read (a table_file is read when the case is loaded): the proposal's
        # resolved scenario, and so its hash, holds the table itself
        return {"cooling.datasheet_unit": params.model_dump(mode="json", exclude_none=True)}
