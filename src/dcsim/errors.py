"""User-facing input errors.

Every reader and validator in dcsim collects *all* problems it finds as :class:`Problem`
records and raises one :class:`InputError` carrying them, so a user fixes a file in one pass.
The command line turns an ``InputError`` into a message on stderr and exit code 2, never a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_MISSING = object()

#: The ``value`` of a :class:`Problem` that has none (``Problem(path, message, value=NO_VALUE)``
#: is the same as leaving ``value`` out), for code that passes values through.
NO_VALUE = _MISSING


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``path`` is the dotted field path (``room.supply_air_c``) or ``""`` for a whole-file
    problem; ``message`` says what is wrong and what is allowed; ``value`` is the offending
    value when there is one; ``file``, ``line`` (1-based) and ``column`` (1-based) locate it
    where the parser knows.
    """

    path: str
    message: str
    value: Any = field(default=_MISSING, compare=False)
    file: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not _MISSING

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def format(self) -> str:
        loc = self.location()
        head = f"{loc}: " if loc else ""
        where = f"{self.path}: " if self.path else ""
        val = f" (got {_short(self.value)})" if self.has_value else ""
        return f"{head}{where}{self.message}{val}"


class InputError(Exception):
    """Invalid user input: a scenario, case, sweep, weather, grid or trace file.

    Carries every problem found. The CLI maps it to exit code 2.
    """

    def __init__(self, problems: list[Problem] | Problem, *, title: str | None = None):
        if isinstance(problems, Problem):
            problems = [problems]
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems: list[Problem] = list(problems)
        self.title = title
        super().__init__(self.format())

    def __reduce__(self):  # pickled whole (an error raised in a worker process reaches the caller as it was)
        return (_input_error, (self.problems, self.title))

    def format(self) -> str:
        n = len(self.problems)
        title = self.title or ("invalid input" if n == 1 else f"{n} problems in the input")
        lines = [f"{title}:"] + [f"  - {p.format()}" for p in self.problems]
        return "\n".join(lines)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]


def _input_error(problems, title):
    return InputError(problems, title=title)


def raise_problems(problems: list[Problem], where: str) -> None:
    """Raise one :class:`InputError` titled "N problem(s) in ``where``" when ``problems`` is
    not empty (``where``: "the scenario", "grid file data/se3.csv", ...)."""
    if problems:
        n = len(problems)
        raise InputError(problems, title=f"{n} problem{'s' if n != 1 else ''} in {where}")


class SimulationError(Exception):
    """A run reached a non-finite or unphysical state: the step, its time (UTC) and the quantity.

    The CLI maps it to exit code 1 and writes nothing (never a KPI that is NaN, inf or absurd)."""

    def __init__(self, step: int, time_utc: str, quantity: str, value: float, allowed: str):
        self.step, self.time_utc, self.quantity, self.value, self.allowed = step, time_utc, quantity, value, allowed
        super().__init__(
            f"the simulation reached an unphysical state at step {step} ({time_utc} UTC): "
            f"{quantity} = {value!r}, outside {allowed}; nothing was written"
        )

    def __reduce__(self):  # pickled whole (an error raised in a worker process reaches the caller as it was)
        return (SimulationError, (self.step, self.time_utc, self.quantity, self.value, self.allowed))


class OutputError(Exception):
    """The output could not be written (a full disk, no permission): exit 1 with this one line,
    never "internal error"."""
