"""The built-in Swedish sites: SMHI station, position and 1991-2020 monthly mean temperatures
(``dcsim/data/climate_normals.csv``), their keys and their one-line descriptions.

Apart from :mod:`dcsim.climate.synthetic` (which builds a typical year from them), so that
checking a scenario's ``site.climate`` loads no Numba.
"""

from __future__ import annotations

import csv
import difflib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dcsim.data.monthly_means import MONTHS
from dcsim.errors import InputError, Problem

_ALIASES = {"gothenburg": "goteborg", "gbg": "goteborg", "sthlm": "stockholm", "kallax": "lulea"}


@dataclass(frozen=True)
class SiteNormals:
    """One built-in site: SMHI station and its 1991-2020 monthly mean temperatures."""

    key: str
    site: str
    station: str
    smhi_station_id: int
    latitude: float
    longitude: float
    elevation_m: float
    t_mean_c: tuple[float, ...]  # 12 monthly means, °C
    t_mean_annual_c: float
    period: str
    source: str


@lru_cache(maxsize=1)
def _load_normals() -> dict[str, SiteNormals]:
    text = resources.files("dcsim.data").joinpath("climate_normals.csv").read_text("utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["key"]] = SiteNormals(
            key=row["key"],
            site=row["site"],
            station=row["station"],
            smhi_station_id=int(row["smhi_station_id"]),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            elevation_m=float(row["elevation_m"]),
            t_mean_c=tuple(float(row[f"t_mean_{m}_c"]) for m in MONTHS),
            t_mean_annual_c=float(row["t_mean_annual_c"]),
            period=row["period"],
            source=row["source"],
        )
    return out


def _describe(n: SiteNormals) -> str:
    return (
        f"{n.site}, {n.station} (SMHI {n.smhi_station_id}), {n.latitude:.2f} N {n.longitude:.2f} E, "
        f"{n.elevation_m:g} m: synthetic typical year from SMHI {n.period} monthly normals "
        f"(annual mean {n.t_mean_annual_c:.1f} °C, January {n.t_mean_c[0]:.1f}, July {n.t_mean_c[6]:.1f})"
    )


#: Built-in climates: key -> one-line description (for ``dcsim catalog climates``).
BUILTIN_CLIMATES: dict[str, str] = {k: _describe(v) for k, v in _load_normals().items()}


def normalize_site_key(name: str) -> str:
    """Lower-case ASCII key of a site name: ``"Luleå"`` -> ``"lulea"``, ``"Göteborg"`` -> ``"goteborg"``."""
    s = unicodedata.normalize("NFKD", str(name).strip().casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace(" ", "").replace("-", "").replace("_", "")
    return _ALIASES.get(s, s)


def _unknown_site(name: str, path: str) -> InputError:
    allowed = sorted(BUILTIN_CLIMATES)
    guess = difflib.get_close_matches(normalize_site_key(name), allowed, n=1, cutoff=0.5)
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    return InputError(
        Problem(path, f"unknown built-in climate; allowed: {', '.join(allowed)}{hint}", value=name)
    )


def site_normals(site: str) -> SiteNormals:
    """The built-in normals of ``site`` (any spelling accepted by :func:`normalize_site_key`)."""
    normals = _load_normals()
    key = normalize_site_key(site)
    if key not in normals:
        raise _unknown_site(site, "site.climate")
    return normals[key]
