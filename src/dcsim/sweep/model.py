"""The schema of a sweep file's ``[sweep]`` table (format: :mod:`dcsim.sweep.spec`).

Every table forbids unknown keys. Axis values are a list or a range table (``{start, stop,
step}`` or ``{start, stop, num}``, expanded here); sampled parameters are ``{min, max}``
(``integer = true`` for whole numbers) or a list of choices.
"""

from __future__ import annotations

import difflib
import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..results import KPI_NAMES
from ..scenario.types import FieldError

#: A sweep expands to at most this many runs (each is validated up front, about 1-2 ms a run).
MAX_RUNS = 100_000

RANGE_KEYS = frozenset({"start", "stop", "step", "num"})
SAMPLE_KEYS = frozenset({"min", "max", "integer", "values"})
_MAX_AXIS_VALUES = 100_000


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _clean_float(v: float) -> float:
    """Drop the float noise of ``start + i * step`` (21.000000000000004 -> 21.0)."""
    return float(f"{v:.12g}")


def expand_range(spec: dict[str, Any]) -> list[Any]:
    """Values of a range table: ``{start, stop, step}`` (stop included when a step lands on it)
    or ``{start, stop, num}`` (``num`` evenly spaced values, both ends included)."""
    unknown = sorted(set(spec) - RANGE_KEYS)
    if unknown:
        raise ValueError(
            f"unknown key {', '.join(map(repr, unknown))} in a range; allowed: start, stop and step (or num)"
        )
    missing = [k for k in ("start", "stop") if k not in spec]
    if missing:
        raise ValueError(f"a range needs start and stop (missing {', '.join(missing)}), and step or num")
    start, stop = spec["start"], spec["stop"]
    if not (is_number(start) and is_number(stop)):
        raise ValueError("start and stop of a range must be numbers")
    if ("step" in spec) == ("num" in spec):
        raise ValueError("a range needs exactly one of step (spacing, stop included) or num (number of values)")
    if "step" in spec:
        step = spec["step"]
        if not is_number(step) or step <= 0:
            raise ValueError(f"step must be a number > 0 (got {step!r})")
        if stop < start:
            raise ValueError(f"stop ({stop!r}) must not be below start ({start!r})")
        count = int(math.floor((stop - start) / step + 1e-9)) + 1
        if count > _MAX_AXIS_VALUES:
            raise ValueError(f"gives {count:,} values; at most {_MAX_AXIS_VALUES:,} per axis")
        if all(isinstance(v, int) for v in (start, stop, step)):
            return [start + i * step for i in range(count)]
        return [_clean_float(start + i * step) for i in range(count)]
    num = spec["num"]
    if not isinstance(num, int) or isinstance(num, bool) or num < 1 or num > _MAX_AXIS_VALUES:
        raise ValueError(f"num must be a whole number from 1 to {_MAX_AXIS_VALUES:,} (got {num!r})")
    if num == 1:
        return [start]
    return [_clean_float(start + (stop - start) * i / (num - 1)) for i in range(num)]


def _axis_values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return expand_range(value)
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError("empty list; give at least one value")
        return list(value)
    raise ValueError(
        "expected a list of values, e.g. [18, 22, 26], or a range {start = 18, stop = 26, step = 2}"
    )


AxisValues = Annotated[list[Any], BeforeValidator(_axis_values)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


def _sample_param(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return {"values": list(value)}
    return value


class SampleParam(_Model):
    """One sampled parameter: uniform on ``[min, max]`` (whole numbers if ``integer``), or
    equally likely choices from ``values`` (a list written directly)."""

    min: float | None = None
    max: float | None = None
    integer: bool = False
    values: list[Any] | None = None

    @model_validator(mode="after")
    def _check(self) -> SampleParam:
        if self.values is not None:
            if self.min is not None or self.max is not None or self.integer:
                raise FieldError("values", "give either a list of choices or min and max, not both")
            if not self.values:
                raise FieldError("values", "empty list; give at least one choice")
            return self
        if self.min is None or self.max is None:
            raise FieldError(
                "min" if self.min is None else "max",
                "a sampled parameter needs min and max, e.g. {min = 18, max = 27}, or a list of choices",
            )
        if not self.min < self.max:
            raise FieldError("max", f"must be greater than min ({self.min:g})")
        if self.integer and (self.min != int(self.min) or self.max != int(self.max)):
            raise FieldError("min", "min and max of an integer parameter must be whole numbers")
        return self


class SampleSpec(_Model):
    """Latin-hypercube samples over ``params``: ``n`` points, seeded."""

    n: int = Field(ge=1, le=MAX_RUNS, description="Number of sample points.")
    seed: int = Field(default=0, ge=0, description="Seed of the Latin hypercube.")
    params: dict[str, Annotated[SampleParam, BeforeValidator(_sample_param)]] = Field(
        description="Sampled scenario keys: {min, max[, integer]} or a list of choices."
    )

    @field_validator("params")
    @classmethod
    def _not_empty(cls, value: dict) -> dict:
        if not value:
            raise ValueError("give at least one sampled parameter")
        return value


class SweepSpec(_Model):
    """The ``[sweep]`` table."""

    base: str = Field(description="Base scenario file, relative to the sweep file.")
    name: str | None = Field(default=None, description="Short name; default the sweep file's name.")
    description: str = ""
    replications: int = Field(default=1, ge=1, le=10_000, description="Runs per parameter point.")
    seed: int | None = Field(
        default=None, ge=0, description="Seed of the first replication (default: the base's simulation.seed)."
    )
    kpi: str = Field(default="pue", description="KPI of the tornado chart and rank correlations.")
    set: dict[str, Any] = Field(default_factory=dict, description="Fixed overrides for every run.")
    grid: dict[str, AxisValues] = Field(default_factory=dict, description="Full-factorial axes.")
    zip: dict[str, dict[str, AxisValues]] = Field(
        default_factory=dict, description="Named groups of keys whose values move together."
    )
    sample: SampleSpec | None = None

    @field_validator("kpi")
    @classmethod
    def _known_kpi(cls, value: str) -> str:
        return check_kpi(value)


class SweepFile(_Model):
    sweep: SweepSpec


def check_kpi(value: str) -> str:
    """A KPI name: a contract KPI or one of the extra KPIs runs report."""
    from .. import results

    allowed = (*KPI_NAMES, *getattr(results, "EXTRA_KPI_NAMES", ()))
    if value not in allowed:
        close = difflib.get_close_matches(value, allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown KPI; {hint}allowed: {', '.join(allowed)}")
    return value
