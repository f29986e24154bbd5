"""The ``cooling.datasheet_unit`` section: a cooling unit known only by its datasheet table.

A product whose maker has a datasheet rather than a model (an indirect evaporative unit, a
free-cooling module) is given by its table of capacity and electric power at full duty
against the outdoor dry or wet bulb, inline or as a CSV file. The plant runs it every physics
step on the chilled-water return ahead of the chiller (:mod:`dcsim.cooling.datasheet_unit`;
the build layer, :func:`dcsim.model.plant.build_datasheet_unit`, turns this section into its
kernel parameters). Chilled-water systems only (chiller-crah, dry-cooler, liquid):
:class:`dcsim.scenario.facility.Cooling` refuses the section elsewhere.

Table format (TOML, or the same columns in a CSV file named by ``table_file``)::

    outdoor_c   = [-30, 4, 8, 10, 12, 14, 16]          # strictly increasing
    capacity_kw = [600, 600, 520, 400, 260, 110, 0]     # one unit
    power_kw    = [18, 18, 20, 21, 22, 22, 22]          # one unit, at full duty
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, model_validator

from .._table import Column, Problems, read_csv
from ..errors import InputError
from .types import FieldError, Section, increasing_problem

#: Most points of a datasheet table: the plant keeps its tables as fixed-size float tuples of
#: dcsim.model.tables.TABLE_SIZE points (the schema may not import the build layer; a test
#: checks the two agree).
MAX_POINTS = 16

#: The table's columns, in the order of the TOML keys and of a ``table_file``.
TABLE_KEYS = ("outdoor_c", "capacity_kw", "power_kw")

#: The columns of a ``table_file``.
TABLE_COLUMNS = (
    Column("outdoor_c", unit="°C"),
    Column("capacity_kw", unit="kW", low=0.0, label="capacity"),
    Column("power_kw", unit="kW", low=0.0, label="power"),
)


def read_table_file(path: Path) -> dict[str, list[float]]:
    """The columns of a datasheet's CSV file (located-table reader, :mod:`dcsim._table`). Every
    problem (file, line, column, value and what is allowed) goes into one ValueError, which
    pydantic reports at the ``table_file`` key."""
    problems = Problems(path, what="datasheet table")
    try:
        table = read_csv(path, problems, expect=list(TABLE_COLUMNS))
        if not table.require(list(TABLE_COLUMNS)):
            problems.raise_if_any()
        values = table.read(list(TABLE_COLUMNS))
        problems.raise_if_any()
    except InputError as exc:
        raise FieldError("table_file", "; ".join(p.format() for p in exc.problems)) from None
    return {c.name: values[c.name].tolist() for c in TABLE_COLUMNS}


def _check_points(name: str, values: list[float], n: int | None, *, low: float | None) -> None:
    """One column of the table: its length (``n``: that of outdoor_c), finite values, >= ``low``."""
    if n is not None and len(values) != n:
        raise FieldError(name, f"{name} has {len(values)} values but outdoor_c has {n}: one value per point")
    for i, v in enumerate(values):
        if not math.isfinite(v):
            raise FieldError(name, f"values must be finite numbers; point {i} is {v}")
        if low is not None and v < low:
            raise FieldError(name, f"values must be >= {low:g}; point {i} is {v:g}")


class DatasheetUnit(Section):
    """A cooling unit given by its datasheet, on the chilled-water return in series ahead of the
    chiller (after the dry cooler's free cooling): each step it takes the load left, up to units x
    capacity(outdoor), for units x power(outdoor) x the share of its capacity used, and evaporates
    water_l_per_kwh per kWh it removes; the chiller carries the rest. Chilled-water systems only
    (chiller-crah, dry-cooler, liquid); equations and assumptions in docs/physics.md."""

    name: str = Field(default="cooling unit", description="Product name, for reports.")
    units: int = Field(default=1, ge=1, le=1000, description="Number of identical units installed (the table is one unit's).")
    against: Literal["outdoor_drybulb_c", "outdoor_wetbulb_c"] = Field(
        default="outdoor_drybulb_c",
        description="The outdoor temperature the table is given against: dry bulb, or wet bulb for an evaporative unit.",
    )
    table_file: str | None = Field(
        default=None,
        description=(
            "CSV file with columns outdoor_c, capacity_kw, power_kw, instead of the three lists (relative to the file "
            "that names it). Read when the scenario is loaded: the resolved scenario holds the table inline, so its "
            "hash follows the table's content."
        ),
    )
    outdoor_c: list[float] | None = Field(
        default=None, description=f"Outdoor temperatures of the table, °C, strictly increasing (2-{MAX_POINTS} points)."
    )
    capacity_kw: list[float] | None = Field(
        default=None, description="Heat one unit can remove at each point, kW (>= 0). Linear between points, clamped beyond."
    )
    power_kw: list[float] | None = Field(
        default=None, description="Electric power of one unit at full duty at each point, kW (>= 0)."
    )
    water_l_per_kwh: float = Field(
        default=0.0, ge=0, le=10,
        description=(
            "Water evaporated per kWh of heat the unit removes (REFERENCES.md: about 1.47 L/kWh for heat rejected "
            "by evaporation; 0 for a dry unit)."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _read_table_file(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or data.get("table_file") is None:
            return data
        if not isinstance(data["table_file"], str):
            return data  # the field's own check reports it
        given = [k for k in TABLE_KEYS if data.get(k) is not None]
        if given:
            raise FieldError("table_file", f"give the table inline ({', '.join(TABLE_KEYS)}) or as table_file, not "
                                           f"both (also given: {', '.join(given)})")
        path = Path(data["table_file"])
        if not path.is_absolute():
            path = Path((info.context or {}).get("base_dir") or ".") / path
        out = {k: v for k, v in data.items() if k != "table_file"}
        out.update(read_table_file(path))
        return out

    @model_validator(mode="after")
    def _table(self) -> DatasheetUnit:
        missing = [k for k in TABLE_KEYS if getattr(self, k) is None]
        if missing:
            raise FieldError(missing[0], f"missing {', '.join(missing)}: give {', '.join(TABLE_KEYS)} or table_file")
        xs = self.outdoor_c
        if not 2 <= len(xs) <= MAX_POINTS:
            raise FieldError("outdoor_c", f"needs 2 to {MAX_POINTS} points, got {len(xs)}")
        _check_points("outdoor_c", xs, None, low=None)
        problem = increasing_problem(xs)
        if problem:
            raise FieldError("outdoor_c", problem)
        _check_points("capacity_kw", self.capacity_kw, len(xs), low=0.0)
        _check_points("power_kw", self.power_kw, len(xs), low=0.0)
        return self
