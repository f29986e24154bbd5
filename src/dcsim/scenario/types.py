"""Building blocks shared by every schema module: the section base class, the duration and
UTC datetime types, the error that names the field at fault and the check that a table's
points increase."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from ..units import DURATION_HELP, format_duration, parse_duration_s


class FieldError(ValueError):
    """Raised by a cross-field validator to name the field at fault (relative to its section),
    so the error path points at the key the user must change."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def increasing_problem(values: list[float]) -> str | None:
    """What is wrong if ``values`` (a table's points) are not strictly increasing, naming the
    first point that is not above the one before; None if they are."""
    for i, (a, b) in enumerate(zip(values, values[1:])):
        if b <= a:
            return f"must be strictly increasing; point {i + 1} ({b:g}) is not above point {i} ({a:g})"
    return None


def check_increasing(values: list[float], name: str) -> None:
    """``ValueError`` unless ``values`` (a table's points) are strictly increasing."""
    problem = increasing_problem(values)
    if problem:
        raise ValueError(f"{name} {problem}")


class Section(BaseModel):
    """A scenario section: unknown keys are errors, values are frozen, defaults validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False, strict=True)


def duration_in(value: object) -> int:
    """A scenario duration: a text with its unit (``"60s"``, ``"1h"``), as whole seconds. A bare
    number is refused, since it does not say its unit (issue 19: ``step = 60`` was taken as 60 s,
    ``duration = 365`` as six minutes)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f'a bare number has no unit; write it with one, e.g. "{_example(value)}"; '
                         f"expected {DURATION_HELP}")
    return parse_duration_s(value)


def _example(value: float) -> str:
    try:
        return f"{int(value)}s" if float(value).is_integer() and value > 0 else "60s"
    except (OverflowError, ValueError):
        return "60s"


Duration = Annotated[
    int,
    BeforeValidator(duration_in),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d+(\.\d+)?\s*(s|sec|min|m|h|d|w)\s*$",
            "description": DURATION_HELP,
        }
    ),
]
"""A duration: written as ``"60s"``/``"1h"``/``"365d"``, held as whole seconds."""


def _datetime_in(value):
    """A date alone (``start = 2025-03-01`` in TOML or YAML) is its midnight, and an ISO 8601
    string (``"2013-01-01T00:00:00Z"``, as JSON must write it) is read as one; anything else
    goes on to the strict datetime check, which refuses it."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


UtcDatetime = Annotated[datetime, BeforeValidator(_datetime_in), AfterValidator(_utc)]
"""A datetime in UTC (a value without an offset is taken as UTC)."""
