"""Twelve monthly mean temperatures as a scenario or a caller gives them (data, no physics): the
month keys, the allowed range and the check. The scenario schema checks
``site.synthetic.monthly_mean_c`` with it and :mod:`dcsim.climate.synthetic` its
``monthly_mean_c`` argument and the columns of ``climate_normals.csv`` (the schema may not
import the climate package, so what both need lives here)."""

from __future__ import annotations

import math

from dcsim.errors import Problem

__all__ = ["MONTHLY_MEAN_RANGE_C", "MONTHS", "check_monthly_means"]

#: Month keys, January first (the columns ``t_mean_<month>_c`` of climate_normals.csv and the
#: names in the check's messages).
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: Allowed monthly mean temperatures, °C: the coldest monthly means on Earth's inhabited land are
#: about -46 °C (Oymyakon, January) and the warmest about 39 °C (Death Valley, July); recalled
#: climatology, not read from a source.
MONTHLY_MEAN_RANGE_C = (-50.0, 40.0)


def check_monthly_means(value, problems: list[Problem]) -> tuple[float, ...] | None:
    """``value`` as 12 floats if it is 12 finite numbers within :data:`MONTHLY_MEAN_RANGE_C`
    (°C); else None and a Problem at ``monthly_mean_c`` (appended to ``problems``) saying what
    is allowed."""
    if value is None:
        return None
    lo, hi = MONTHLY_MEAN_RANGE_C
    allowed = f"12 finite monthly mean temperatures in °C (January first), each within [{lo:g}, {hi:g}]"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        problems.append(Problem("monthly_mean_c", f"must be a list of {allowed}", value=value))
        return None
    if len(value) != 12:
        problems.append(Problem("monthly_mean_c", f"needs {allowed}; got {len(value)} values", value=value))
        return None
    try:
        out = tuple(float(v) for v in value)
        if any(isinstance(v, bool) for v in value):
            raise TypeError
    except (TypeError, ValueError):
        problems.append(Problem("monthly_mean_c", f"must be {allowed}; not all are numbers", value=value))
        return None
    bad = [i for i, v in enumerate(out) if not (math.isfinite(v) and lo <= v <= hi)]
    if bad:
        which = ", ".join(f"{MONTHS[i]} {out[i]:g}" for i in bad)
        problems.append(Problem("monthly_mean_c", f"must be {allowed}; outside the range or not finite: {which}",
                                value=value))
        return None
    return out
