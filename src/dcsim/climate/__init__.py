"""Outdoor climate: weather series, file readers, synthetic typical years, psychrometrics.

- :class:`Weather` / :class:`WeatherSample`: a site's weather on a regular UTC grid and its
  resampling to simulation-step midpoints (:mod:`dcsim.climate.weather`);
- :func:`synthetic_year`: a synthetic typical year for the built-in Swedish sites from SMHI
  1991-2020 monthly normals plus stated assumptions (:mod:`dcsim.climate.synthetic`);
- :func:`read_epw`, :func:`read_smhi_csv`, :func:`read_weather_csv`: weather files;
- :func:`load_climate`: what a scenario's ``site.climate`` string names;
- :mod:`dcsim.climate.psychro`: vectorised ASHRAE psychrometrics.
"""

from __future__ import annotations

from pathlib import Path

from dcsim.errors import InputError, Problem

from ..data.builtin import builtin_name
from .sites import BUILTIN_CLIMATES, _unknown_site, normalize_site_key

#: Loaded on first use (PEP 562): the readers and the weather type compile psychrometrics
#: with Numba, which checking a scenario's ``site.climate`` does not need. Name -> module.
_LAZY = {
    "Weather": "weather",
    "WeatherSample": "weather",
    "read_epw": "epw",
    "read_smhi_csv": "smhi",
    "read_weather_csv": "csvfile",
    "synthetic_year": "synthetic",
}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "BUILTIN_CLIMATES",
    "Weather",
    "WeatherSample",
    "load_climate",
    "read_epw",
    "read_smhi_csv",
    "read_weather_csv",
    "synthetic_year",
]



def load_climate(
    spec: str,
    *,
    seed: int,
    year: int = 2025,
    base_dir: Path | None = None,
    fill_gaps_max_h: int = 0,
    humidity_spec: str | None = None,
    path: str = "site.climate",
    **synthetic_overrides,
) -> "Weather":
    """The weather a scenario's ``site.climate`` names.

    Parameters
    ----------
    spec : str
        ``"builtin:<site>"`` (``lulea``, ``umea``, ``stockholm``, ``goteborg``, ``malmo``;
        ``Luleå`` etc. accepted) for a synthetic typical year, or a file path (relative to
        ``base_dir``): ``.epw`` -> :func:`read_epw`; a CSV starting with an SMHI preamble ->
        :func:`read_smhi_csv`; any other CSV -> :func:`read_weather_csv`.
    seed : int
        Seed of the synthetic year (ignored for files).
    year : int
        Calendar year of a synthetic year's time stamps.
    base_dir : Path, optional
        Directory that relative paths are resolved against (the scenario file's folder);
        default the current directory.
    fill_gaps_max_h : int
        Gap-filling limit passed to the file readers (hours; 0 = refuse any gap).
    humidity_spec : str, optional
        For an SMHI temperature file: the SMHI relative-humidity file (relative to
        ``base_dir``).
    path : str
        Field path used in error messages (default ``"site.climate"``).
    **synthetic_overrides
        ``diurnal_range_k``, ``mean_rh_pct``, ``day_to_day_sd_k``, ``monthly_mean_c`` for a
        built-in climate.

    Raises
    ------
    InputError
        Unknown built-in site (listing the allowed names, with a "did you mean"), missing
        file, overrides given for a file, or any problem in the file.
    """
    if not isinstance(spec, (str, Path)) or not str(spec).strip():
        raise InputError(Problem(path, "must be 'builtin:<site>' or a weather file path", value=spec))
    text = str(spec).strip()
    name = builtin_name(text)
    if name is not None:
        if normalize_site_key(name) not in BUILTIN_CLIMATES:
            raise _unknown_site(name, path)
        allowed = {"diurnal_range_k", "mean_rh_pct", "day_to_day_sd_k", "monthly_mean_c"}
        unknown = sorted(set(synthetic_overrides) - allowed)
        if unknown:
            raise InputError(
                [Problem(k, f"unknown option of a built-in climate; allowed: {', '.join(sorted(allowed))}")
                 for k in unknown]
            )
        if humidity_spec is not None:
            raise InputError(Problem("humidity_spec", "only for SMHI files, not built-in climates",
                                     value=humidity_spec))
        from .synthetic import synthetic_year

        return synthetic_year(name, seed=seed, year=year, **synthetic_overrides)

    given = {k: v for k, v in synthetic_overrides.items() if v is not None}
    if given:
        raise InputError(
            [Problem(k, f"applies to built-in climates only, not to the file {text!r}", value=v)
             for k, v in given.items()]
        )
    file = _resolve(text, base_dir, path)
    kind = _detect_kind(file)
    if humidity_spec is not None and kind != "smhi":
        raise InputError(Problem("humidity_spec", f"only for SMHI temperature files; {file.name} "
                                 f"is read as {kind.upper()}", value=humidity_spec))
    from .csvfile import read_weather_csv
    from .epw import read_epw
    from .smhi import read_smhi_csv

    if kind == "epw":
        return read_epw(file, fill_gaps_max_h=fill_gaps_max_h)
    if kind == "smhi":
        hfile = _resolve(humidity_spec, base_dir, "humidity_spec") if humidity_spec else None
        return read_smhi_csv(file, hfile, fill_gaps_max_h=fill_gaps_max_h)
    return read_weather_csv(file, fill_gaps_max_h=fill_gaps_max_h)


def _resolve(text: str, base_dir: Path | None, path: str) -> Path:
    p = Path(text).expanduser()
    if not p.is_absolute():
        p = Path(base_dir if base_dir is not None else Path.cwd()) / p
    if not p.is_file():
        where = f" (relative to {base_dir})" if base_dir is not None and not Path(text).is_absolute() else ""
        what = "is a directory, not a weather file" if p.is_dir() else "not found"
        hint = "" if text.endswith((".epw", ".csv", ".txt")) else (
            f"; built-in climates are written 'builtin:<site>' ({', '.join(sorted(BUILTIN_CLIMATES))})"
        )
        raise InputError(Problem(path, f"weather file {what}: {p}{where}{hint}", value=text))
    return p


def _detect_kind(file: Path) -> str:
    """'epw', 'smhi' or 'csv', by suffix and then by the first bytes of the file."""
    if file.suffix.casefold() == ".epw":
        return "epw"
    with open(file, "rb") as fh:
        head = fh.read(4096).decode("utf-8", errors="replace")
    if head.lstrip("\ufeff").startswith("LOCATION,"):
        return "epw"
    from .smhi import looks_like_smhi_csv

    if looks_like_smhi_csv(head):
        return "smhi"
    return "csv"
