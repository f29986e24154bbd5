"""Built-in equipment catalogue (data, no physics: the schema validates names against it and
the build layer reads it): chiller performance curves (``dcsim/data/equipment_chillers.csv``)
and UPS loss presets (``dcsim/data/equipment_ups.csv``), each row with its source."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["CONDENSER_TYPES", "DEFAULT_CHILLER_CURVE", "ChillerCurves", "chiller_catalog", "chiller_curve_key", "get_chiller",
           "equipment_catalog", "equipment_rows"]

#: Condenser types a chiller curve set can be measured on (EnergyPlus "WaterCooled" / "AirCooled").
CONDENSER_TYPES = ("air", "water")

#: The curve set a chiller uses when ``cooling.chiller.curve`` is empty, by condenser type: the
#: ASHRAE 90.1-2010 Appendix G baseline air-cooled chiller, and the McQuay PFH centrifugal of
#: REFERENCES.md "Cooling plant" (both with their sources in equipment_chillers.csv).
DEFAULT_CHILLER_CURVE = {"air": "ashrae901-2010-air-cooled", "water": "mcquay-pfh-2124kw"}


@dataclass(frozen=True)
class ChillerCurves:
    """One DOE-2 EIR chiller: reference point, validity range and the three curves."""

    key: str
    name: str
    condenser: str  # "water" or "air"
    capacity_kw: float
    cop_ref: float
    t_chw_ref_c: float
    t_cond_ref_c: float
    t_chw_min_c: float
    t_chw_max_c: float
    t_cond_min_c: float
    t_cond_max_c: float
    plr_min: float
    plr_min_unloading: float
    plr_max: float
    capft: tuple[float, ...]
    eirft: tuple[float, ...]
    eirfplr: tuple[float, ...]
    source: str


def equipment_rows(filename: str) -> list[dict[str, str]]:
    """The rows of a package data CSV (``#`` lines are comments), as dicts of strings."""
    text = resources.files("dcsim.data").joinpath(filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@lru_cache(maxsize=1)
def chiller_catalog() -> dict[str, ChillerCurves]:
    """All built-in chiller curve sets by key."""
    out = {}
    for r in equipment_rows("equipment_chillers.csv"):
        if r["condenser"] not in CONDENSER_TYPES:  # package data: a broken row is a bug, not user input
            raise ValueError(f"equipment_chillers.csv row {r['key']!r}: condenser {r['condenser']!r} is not one of {CONDENSER_TYPES}")
        f = {k: float(v) for k, v in r.items() if k not in ("key", "name", "condenser", "source")}
        out[r["key"]] = ChillerCurves(
            key=r["key"], name=r["name"], condenser=r["condenser"], capacity_kw=f["capacity_kw"],
            cop_ref=f["cop_ref"], t_chw_ref_c=f["t_chw_ref_c"], t_cond_ref_c=f["t_cond_ref_c"],
            t_chw_min_c=f["t_chw_min_c"], t_chw_max_c=f["t_chw_max_c"], t_cond_min_c=f["t_cond_min_c"],
            t_cond_max_c=f["t_cond_max_c"], plr_min=f["plr_min"], plr_min_unloading=f["plr_min_unloading"],
            plr_max=f["plr_max"],
            capft=tuple(f[f"capft_{i}"] for i in range(1, 7)),
            eirft=tuple(f[f"eirft_{i}"] for i in range(1, 7)),
            eirfplr=tuple(f[f"eirfplr_{i}"] for i in range(1, 4)),
            source=r["source"],
        )
    return out


def get_chiller(key: str) -> ChillerCurves:
    """A chiller curve set by key; KeyError naming the close matches otherwise."""
    cat = chiller_catalog()
    if key in cat:
        return cat[key]
    close = difflib.get_close_matches(key, list(cat), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise KeyError(f"unknown chiller curve {key!r}{hint} (known: {', '.join(sorted(cat))})")


def chiller_curve_key(curve: str | None, condenser: str) -> str:
    """The catalogue key a chiller uses: ``curve`` when given, else the default of its condenser
    type (:data:`DEFAULT_CHILLER_CURVE`)."""
    return curve if curve is not None else DEFAULT_CHILLER_CURVE[condenser]


def equipment_catalog() -> list[dict[str, str]]:
    """Rows for ``dcsim catalog equipment``: kind, key, name, key figures, source."""
    rows = []
    for c in chiller_catalog().values():
        rows.append({"kind": "chiller", "key": c.key, "name": c.name,
                     "summary": f"{c.condenser}-cooled, COP {c.cop_ref:g} at {c.t_chw_ref_c:g} °C chw / {c.t_cond_ref_c:g} °C "
                                f"{'outdoor air' if c.condenser == 'air' else 'condenser water'}",
                     "source": c.source})
    for r in equipment_rows("equipment_ups.csv"):
        rows.append({"kind": "ups", "key": r["key"], "name": r["name"],
                     "summary": f"efficiency {float(r['eta_25pct']):.1%} / {float(r['eta_50pct']):.1%} / {float(r['eta_100pct']):.1%} at 25/50/100 % load",
                     "source": r["source"]})
    for r in equipment_rows("generator_fuels.csv"):
        rows.append({"kind": "generator fuel", "key": r["fuel"], "name": f"standby generator on {r['fuel']}",
                     "summary": f"{float(r['fuel_l_per_kwh']):g} L/kWh, {float(r['lifecycle_kg_co2e_per_l']):g} kg CO2e/L "
                                f"lifecycle, {float(r['lhv_mj_per_l']):g} MJ/L",
                     "source": r["source"]})
    return rows
