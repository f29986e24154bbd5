"""One cell of a user's CSV file read as a number or an ISO 8601 time.

Each parser returns ``(value, None)`` or ``(None, reason)``; the reader that calls it adds the
file, line, column and value to the problem it reports (``dcsim.errors.Problem``). Used by the
located-table reader (``dcsim._table``), so that a bad cell gets the same words in every table
reader (weather, grid series, job traces, server power tables, datasheets).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_number(text: str) -> tuple[float | None, str | None]:
    """A finite float; says so when the cell uses a decimal comma."""
    s = text.strip()
    if not s:
        return None, "empty value"
    try:
        value = float(s)
    except ValueError:
        if "," in s:
            try:
                float(s.replace(",", "."))
                return None, "not a number (use a decimal point, not a comma)"
            except ValueError:
                pass
        return None, "not a number"
    if not math.isfinite(value):
        return None, "must be a finite number"
    return value, None


def parse_time_s(text: str, *, example: str) -> tuple[float | None, str | None]:
    """Seconds since 1970-01-01 UTC of an ISO 8601 time (a time without an offset is UTC);
    ``example`` is shown in the reason when the text is not a time."""
    s = text.strip()
    if not s:
        return None, "empty time"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None, f"not an ISO 8601 time (expected e.g. {example})"
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return (dt - EPOCH).total_seconds(), None
