"""Parsing of durations and small unit helpers shared by the scenario schema and the engine."""

from __future__ import annotations

import math

import re

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|min|m|h|d|w)\s*$", re.IGNORECASE)
_FACTORS_S = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "d": 86400, "w": 604800}

DURATION_HELP = 'a duration such as "60s", "15min", "1h", "365d" or "2w" (s, min, h, d, w)'


def parse_duration_s(value: str | int | float) -> int:
    """Parse a duration string (``"60s"``, ``"15min"``, ``"1h"``, ``"365d"``) into whole seconds.

    A bare number is taken as seconds. Raises ``ValueError`` with the allowed forms otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        m = _DURATION_RE.match(str(value))
        if not m:
            raise ValueError(f"expected {DURATION_HELP}")
        seconds = float(m.group(1)) * _FACTORS_S[m.group(2).lower()]
    if not math.isfinite(seconds):
        raise ValueError(f"must be a finite duration; expected {DURATION_HELP}")
    if seconds <= 0 or seconds != int(seconds):
        raise ValueError(f"must be a positive whole number of seconds; expected {DURATION_HELP}")
    return int(seconds)


def format_duration(seconds: int) -> str:
    """Shortest exact duration string for ``seconds`` (inverse of :func:`parse_duration_s`)."""
    for unit, factor in (("w", 604800), ("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % factor == 0 and seconds >= factor:
            return f"{seconds // factor}{unit}"
    return f"{seconds}s"


# Properties of dry air near room conditions used by the air-side model.
# REFERENCES.md "Air side": rho about 1.2 kg/m3, c_p about 1006 J/(kg K).
AIR_DENSITY_KG_PER_M3 = 1.2
AIR_CP_J_PER_KG_K = 1006.0
# Liquid water near 10-40 °C (chilled-water and condenser loops).
WATER_DENSITY_KG_PER_M3 = 998.0
WATER_CP_J_PER_KG_K = 4186.0
KELVIN_OFFSET = 273.15
