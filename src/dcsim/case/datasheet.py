"""Concepts without code: products described by datasheet tables.

A company that makes hardware usually has a datasheet, not a Python model. dcsim takes the
datasheet's tables as they are and interpolates them linearly, clamped at the ends, with the
one interpolation every kernel uses (:func:`dcsim._numeric.interp_clamped`):

* **server**: its SPECpower table, ``it.server = { power_w = [11 values] }`` (works in the
  engine today);
* **cooling unit**: capacity and power against outdoor temperature
  (:class:`CoolingUnitTable`; used today by the built-in post-processing component
  ``datasheet-cooling-unit``, and laid out so the facility kernel can take the same arrays);
* **heat pump**: COP against source and sink temperature (:class:`HeatPumpTable`, a 2-D grid
  interpolated bilinearly by :func:`interp2_clamped`; waits for ``heat_reuse`` in the engine).

Table formats (TOML, inline or in a CSV file named by ``table_file``)::

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

from pathlib import Path
from typing import Literal

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .._numeric import interp_clamped
from ..errors import InputError
from .._table import Column, Problems, read_csv
from ..cooling import COOLING_MODES, MODE_FREE, MODE_PARTIAL_FREE
from .components import API_VERSION, Component, RunView

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
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"{name} must be strictly increasing")


#: The columns of a cooling unit's ``table_file``.
UNIT_TABLE_COLUMNS = (
    Column("outdoor_c", unit="°C"),
    Column("capacity_kw", unit="kW", low=0.0, label="capacity"),
    Column("power_kw", unit="kW", low=0.0, label="power"),
)


def _read_csv_table(path: Path, columns: tuple[Column, ...]) -> dict[str, list[float]]:
    """The columns of a datasheet's CSV file. Every problem (file, line, column, value and
    what is allowed) goes into one ValueError, which pydantic reports at the table's key."""
    problems = Problems(path, what="datasheet table")
    try:
        table = read_csv(path, problems, expect=list(columns))
        if not table.require(list(columns)):
            problems.raise_if_any()
        values = table.read(list(columns))
        problems.raise_if_any()
    except InputError as exc:
        raise ValueError("; ".join(p.format() for p in exc.problems)) from None
    return {c.name: values[c.name].tolist() for c in columns}


class CoolingUnitTable(BaseModel):
    """A cooling unit's datasheet: heat it can remove and electric power it draws at full
    duty, against outdoor temperature (dry bulb, or wet bulb for evaporative units)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="cooling unit", description="Product name for the report.")
    against: Literal["outdoor_drybulb_c", "outdoor_wetbulb_c"] = Field(
        default="outdoor_drybulb_c", description="The outdoor temperature the table is given against."
    )
    units: int = Field(default=1, ge=1, le=1000, description="Number of identical units installed.")
    table_file: str | None = Field(default=None, description="CSV with columns outdoor_c, capacity_kw, power_kw.")
    outdoor_c: list[float] | None = None
    capacity_kw: list[float] | None = None
    power_kw: list[float] | None = None
    water_l_per_kwh: float = Field(
        default=0.0,
        ge=0,
        le=10,
        description="Water evaporated per kWh of heat the unit removes (REFERENCES.md: about 1.47 L/kWh "
        "for heat rejected by evaporation; 0 for a dry unit).",
    )

    @model_validator(mode="after")
    def _table(self, info: ValidationInfo) -> CoolingUnitTable:
        cols = tuple(c.name for c in UNIT_TABLE_COLUMNS)
        if self.table_file is not None:
            if any(getattr(self, c) is not None for c in cols):
                raise ValueError("give the table inline (outdoor_c, capacity_kw, power_kw) or as table_file, not both")
            base = Path((info.context or {}).get("base_dir") or ".")
            path = Path(self.table_file)
            data = _read_csv_table(path if path.is_absolute() else base / path, UNIT_TABLE_COLUMNS)
            object.__setattr__(self, "outdoor_c", data["outdoor_c"])
            object.__setattr__(self, "capacity_kw", data["capacity_kw"])
            object.__setattr__(self, "power_kw", data["power_kw"])
        missing = [c for c in cols if getattr(self, c) is None]
        if missing:
            raise ValueError(f"missing {', '.join(missing)} (or give table_file)")
        n = len(self.outdoor_c)
        for c in ("capacity_kw", "power_kw"):
            if len(getattr(self, c)) != n:
                raise ValueError(f"{c} has {len(getattr(self, c))} values but outdoor_c has {n}")
            if any(v < 0 for v in getattr(self, c)):
                raise ValueError(f"{c} values must be >= 0")
        _increasing("outdoor_c", self.outdoor_c)
        return self

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(outdoor_c, capacity_kw, power_kw) for all units, float64 and contiguous: what a
        kernel takes."""
        return (
            np.ascontiguousarray(self.outdoor_c, dtype=np.float64),
            np.ascontiguousarray(self.capacity_kw, dtype=np.float64) * self.units,
            np.ascontiguousarray(self.power_kw, dtype=np.float64) * self.units,
        )


class HeatPumpTable(BaseModel):
    """A heat pump's datasheet: heating COP on a grid of source and sink temperatures."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
    """A free-cooling unit given by its datasheet, in series with the chiller.

    Each recorded row: the chiller's load is the heat it moves, ``heat_rejected_kw -
    chiller_power_kw``. The unit takes ``covered = min(load, capacity(T_out))`` of it; the
    chiller keeps the rest at the same COP (the engine's Carnot-fraction chiller has no
    part-load curve), the unit draws ``power(T_out) x covered / capacity(T_out)`` (linear part
    load) and evaporates ``water_l_per_kwh x covered``. The row's mode is free when the unit
    covers the whole load, partial-free when it covers some. The unit's electricity leaves as
    heat outdoors, so the energy balance stays closed.

    A stop-gap at record-step resolution until the engine models economisers itself; the
    kernel-side version interpolates the same ``arrays()`` at every step.
    """

    api_version = API_VERSION
    title = "Free-cooling unit from its datasheet"
    params_model = CoolingUnitTable

    def describe(self, params: CoolingUnitTable) -> str:
        return (
            f"{params.units} x {params.name}: datasheet table of {len(params.outdoor_c)} points against "
            f"{params.against}, applied after the simulation at record-step resolution"
        )

    def postprocess(self, run: RunView, params: CoolingUnitTable) -> None:
        ts = run.timeseries
        for col in ("chiller_power_kw", "heat_rejected_kw", params.against):
            if col not in ts.columns:
                raise ValueError(
                    f"needs the timeseries column {col!r} (a chiller plant: cooling.system = 'chiller-crah')"
                )
        x, cap_tab, pow_tab = params.arrays()
        t_out = ts[params.against].to_numpy(np.float64)
        capacity = interp_clamped_many(x, cap_tab, t_out)
        power_full = interp_clamped_many(x, pow_tab, t_out)
        chiller = ts["chiller_power_kw"].to_numpy(np.float64)
        load = np.maximum(ts["heat_rejected_kw"].to_numpy(np.float64) - chiller, 0.0)
        covered = np.minimum(load, capacity)
        share = np.divide(covered, load, out=np.zeros_like(load), where=load > 0)
        duty = np.divide(covered, capacity, out=np.zeros_like(capacity), where=capacity > 0)
        unit_power = power_full * duty
        run.add_power(-chiller * share, column="chiller_power_kw")
        run.add_power(unit_power, column="cooling_unit_power_kw")
        if params.water_l_per_kwh > 0:
            run.add_water(covered * params.water_l_per_kwh)
        old = np.asarray(run.timeseries["cooling_mode"].cat.codes)
        modes = np.where(share >= 1.0 - 1e-9, MODE_FREE, np.where(share > 0, MODE_PARTIAL_FREE, old))
        run.set_cooling_mode([COOLING_MODES[m] for m in modes])
        run.timeseries["cooling_unit_heat_kw"] = covered
        run.note(
            f"{params.name}: covered {covered.sum() / max(load.sum(), 1e-12):.1%} of the chiller load "
            f"(seed {run.seed})"
        )
