"""The report's short account of the weather and the electricity grid a case ran on, in the
report's language: built from the scenario and the baseline's timeseries, so that a Swedish
report reads Swedish. The runs' own records of their sources (long, with every reference,
written in English by the loaders) are quoted in the provenance section, labelled as such."""

from __future__ import annotations

import math
from pathlib import Path

from ..climate.sites import site_normals
from ..data.builtin import builtin_name
from .fmt import Fmt
from .strings import t_in

TEXTS: dict[str, tuple[str, str]] = {
    "weather_builtin": (
        "synthetic typical years for {site} from SMHI's {period} monthly normals ({station}, SMHI station {id}), "
        "one per weather year, each from its seed; generated, not measured weather",
        "syntetiska typår för {site} ur SMHI:s månadsnormaler {period} ({station}, SMHI-station {id}), ett per "
        "väderår, vart och ett ur sitt slumptalsfrö; genererat väder, inte uppmätt",
    ),
    "weather_file": ("the weather file {name} ({kind}), the same in every weather year",
                     "väderfilen {name} ({kind}), samma i alla väderår"),
    "grid_zone": (
        "bidding zone {zone}: the real hourly day-ahead prices of {year} (ENTSO-E) with energy tax and network "
        "fees, {price} SEK/kWh excl. VAT on average over the period; carbon intensity hour by hour, "
        "{carbon} gCO₂e/kWh on average",
        "elområde {zone}: verkliga timpriser från dagen före-marknaden {year} (ENTSO-E) med energiskatt och "
        "nätavgifter, i medel {price} kr/kWh exkl. moms under perioden; koldioxidintensitet timme för timme, "
        "i medel {carbon} g CO₂e/kWh",
    ),
    "grid_typical": (
        "bidding zone {zone}: a typical hourly price profile built from published yearly, monthly and hour-of-day "
        "means (not a measured series) with energy tax and network fees, {price} SEK/kWh excl. VAT on average "
        "over the period; carbon intensity hour by hour, {carbon} gCO₂e/kWh on average",
        "elområde {zone}: en typisk timprisprofil byggd av publicerade års-, månads- och timmedelvärden (inte en "
        "uppmätt serie) med energiskatt och nätavgifter, i medel {price} kr/kWh exkl. moms under perioden; "
        "koldioxidintensitet timme för timme, i medel {carbon} g CO₂e/kWh",
    ),
    "grid_other": (
        "{grid}: {price} SEK/kWh excl. VAT on average over the period; carbon intensity {carbon} gCO₂e/kWh on "
        "average",
        "{grid}: i medel {price} kr/kWh exkl. moms under perioden; koldioxidintensitet i medel {carbon} g CO₂e/kWh",
    ),
    "sources_title": ("The runs' records of their data sources", "Körningarnas egna uppgifter om datakällorna"),
    "sources_intro": (
        "As the baseline's first run recorded them, with every reference.",
        "Som utgångslägets första körning registrerade dem, med alla referenser (på engelska, som källorna).",
    ),
    "src_weather": ("Weather", "Väder"),
    "src_grid": ("Electricity price and carbon intensity", "Elpris och koldioxidintensitet"),
    "src_storage": ("Battery", "Batteri"),
}


def source_text(fmt: Fmt, key: str, **kw) -> str:
    """One of :data:`TEXTS` in the report's language."""
    return t_in(TEXTS, fmt.lang, key, **kw)


def energy_weighted_mean(timeseries, column: str) -> float:
    """The mean of ``column`` weighted by the facility's electricity use (its plain mean when
    none was used; NaN without the column): what a kWh of the period was priced or emitted at."""
    if column not in timeseries.columns:
        return math.nan
    w = timeseries["facility_power_kw"].to_numpy()
    v = timeseries[column].to_numpy()
    return float((w * v).sum() / w.sum()) if w.sum() > 0 else float(v.mean())


def weather_text(fmt: Fmt, scenario) -> str:
    """The weather a case ran on, in one phrase."""
    climate = scenario.site.climate
    name = builtin_name(climate)
    if name is not None:
        n = site_normals(name)
        return source_text(fmt, "weather_builtin", site=n.site, period=n.period.replace("-", "–"), station=n.station,
                  id=n.smhi_station_id)
    path = Path(str(climate))
    kind = {".epw": "EPW", ".csv": "CSV", ".parquet": "Parquet"}.get(path.suffix.lower(), path.suffix.lstrip(".") or "–")
    return source_text(fmt, "weather_file", name=path.name, kind=kind)


def grid_text(fmt: Fmt, scenario, timeseries) -> str:
    """The electricity prices and carbon intensity a case ran on, with their means over the
    baseline's period (weighted by the facility's electricity use)."""
    price = fmt.num(energy_weighted_mean(timeseries, "price_sek_per_kwh"), 2)
    carbon = fmt.num(energy_weighted_mean(timeseries, "grid_carbon_g_per_kwh"), 0)
    grid = scenario.site.grid
    name = builtin_name(grid)
    if name is not None and name.strip().upper().startswith("SE"):
        year = scenario.site.grid_options.price_year
        key = "grid_zone" if isinstance(year, int) else "grid_typical"
        return source_text(fmt, key, zone=name.strip().upper(), year=year, price=price, carbon=carbon)
    label = f"builtin:{name}" if name is not None else Path(str(grid)).name
    return source_text(fmt, "grid_other", grid=label, price=price, carbon=carbon)


def source_records(fmt: Fmt, manifest: dict) -> list[tuple[str, str]]:
    """The run's own source records (English), each with its label in the report's language."""
    rows = []
    for key, label in (("weather_source", "src_weather"), ("grid_source", "src_grid"), ("storage_source", "src_storage")):
        text = manifest.get(key)
        if text:
            rows.append((source_text(fmt, label), str(text)))
    return rows
