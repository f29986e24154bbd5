"""Loading scenario files (TOML or YAML), dotted overrides, and error reporting.

Every problem in a file is collected before failing: schema errors from pydantic (wrong
type, out of range, unknown key with a "did you mean"), cross-field checks, and references
to things that must exist (weather and grid files, catalogue names). Each problem names the
file, the line where the parser knows it, the dotted field path, the value and what is
allowed. Overrides (``--set key=value`` or ``overrides={...}``) are validated exactly like
the file and reported as coming from ``--set``.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from ..data.builtin import builtin_name
from ..errors import InputError, Problem, raise_problems
from .document import Document, get_dotted, validation_findings
from .schema import Scenario

__all__ = [
    "OVERRIDE_ORIGIN",
    "UNSET",
    "apply_overrides",
    "check_references",
    "dump_toml",
    "get_dotted",
    "load_scenario",
    "parse_set_option",
    "read_document",
    "resolved_dict",
    "scenario_hash",
    "set_dotted",
    "validate_scenario_data",
]

OVERRIDE_ORIGIN = "--set"


# --------------------------------------------------------------------------- reading files


def read_document(path: str | Path) -> tuple[dict[str, Any], str, str]:
    """Parse a TOML or YAML file into a dict. Returns ``(data, text, fmt)``.

    Raises InputError naming the file, line and column of a syntax error
    (:meth:`dcsim.scenario.document.Document.read`).
    """
    doc = Document.read(path)
    return doc.data, doc.text, doc.fmt


# --------------------------------------------------------------------------- overrides


class _Unset:
    """The value of an override that removes its key (``--unset KEY``, ``--set KEY=null``);
    written back as ``null``."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "null"

    __str__ = __repr__

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (_Unset, ())


#: An override value that removes the key (and so falls back to the schema's default).
UNSET = _Unset()


def parse_set_option(option: str) -> tuple[str, Any]:
    """Parse ``key.path=value`` from the command line.

    The value is read as a TOML value (``24``, ``true``, ``"text"``, ``[1, 2]``); anything that
    is not valid TOML is taken as a plain string, so ``--set site.climate=builtin:umea`` works.
    ``null`` (TOML has no null) is :data:`UNSET`: the key is removed, as with ``--unset``.
    """
    if "=" not in option:
        raise InputError(
            Problem(option, "expected key.path=value, e.g. room.supply_air_c=24", file=OVERRIDE_ORIGIN)
        )
    key, _, raw = option.partition("=")
    key = key.strip()
    if not re.fullmatch(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*", key):
        raise InputError(Problem(key, "is not a dotted key path such as room.supply_air_c", file=OVERRIDE_ORIGIN))
    raw = raw.strip()
    if raw == "null":
        return key, UNSET
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def set_dotted(data: dict[str, Any], flat: Mapping[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """Set dotted keys in ``data`` in place, creating sections, each value a deep copy; a
    value of :data:`UNSET` removes its key instead (nothing to remove is no problem).

    Returns, for every key that would go inside a value rather than a section,
    ``(dotted_key, blocking_key, blocking_value, value)``; that key is left unset. Callers
    word the problem for where the keys came from (--set, a case patch)."""
    blocked = []
    for dotted, value in flat.items():
        parts = dotted.split(".")
        node = data
        for i, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is None and value is UNSET:
                break  # nothing there to remove
            if child is None:
                child = node[part] = {}
            elif not isinstance(child, dict):
                blocked.append((dotted, ".".join(parts[: i + 1]), child, value))
                break
            node = child
        else:
            if value is UNSET:
                node.pop(parts[-1], None)
            else:
                node[parts[-1]] = copy.deepcopy(value)
    return blocked


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return a deep copy of ``data`` with dotted-key overrides set (creating sections as needed)."""
    out = copy.deepcopy(data)
    problems = [
        Problem(dotted, f"cannot set a key inside {where}, which holds a value, not a section", value=child,
                file=OVERRIDE_ORIGIN)
        for dotted, where, child, _ in set_dotted(out, overrides or {})
    ]
    if problems:
        raise InputError(problems)
    return out


# --------------------------------------------------------------------------- validation


def _why_not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as an input file, in a few words."""
    if path.is_dir():
        return "is a directory"
    return "is not a regular file (a FIFO, socket or device)" if path.exists() else "not found"


def check_references(scenario_data: dict[str, Any], base_dir: Path) -> list[Problem]:
    """Check that names and files the scenario refers to exist (weather, grid, server)."""
    from ..climate import BUILTIN_CLIMATES, normalize_site_key
    from ..grid import BUILTIN_GRIDS
    from ..it.catalog import server_catalog

    problems = []
    site = scenario_data.get("site") if isinstance(scenario_data.get("site"), dict) else {}
    for key, builtins, what, fold in (
        ("climate", BUILTIN_CLIMATES, "weather", normalize_site_key),
        ("grid", BUILTIN_GRIDS, "grid", str.casefold),
    ):
        value = site.get(key)
        if not isinstance(value, str):
            continue
        builtin = builtin_name(value)
        if builtin is not None:
            name = fold(builtin)
            if name not in builtins:
                close = difflib.get_close_matches(name, list(builtins), n=1)
                hint = f"did you mean 'builtin:{close[0]}'? " if close else ""
                problems.append(
                    Problem(
                        f"site.{key}",
                        f"unknown built-in {what}; {hint}allowed: "
                        + ", ".join(f"builtin:{b}" for b in builtins)
                        + f", or a path to a {what} file",
                        value=value,
                    )
                )
        else:
            path = Path(value)
            if not path.is_absolute():
                path = base_dir / path
            if not path.is_file():
                problems.append(Problem(f"site.{key}", f"{what} file {_why_not_a_file(path)}: {path}", value=value))
    workload = scenario_data.get("workload") if isinstance(scenario_data.get("workload"), dict) else {}
    trace = workload.get("trace") if isinstance(workload.get("trace"), dict) else {}
    if isinstance(trace.get("path"), str) and workload.get("kind") == "trace":
        path = Path(trace["path"])
        if not path.is_absolute():
            path = base_dir / path
        if not path.is_file():
            problems.append(Problem("workload.trace.path", f"trace file {_why_not_a_file(path)}: {path}",
                                    value=trace["path"]))
    it = scenario_data.get("it") if isinstance(scenario_data.get("it"), dict) else {}
    server = it.get("server")
    if isinstance(server, str):
        catalog = server_catalog()
        if server not in catalog:
            close = difflib.get_close_matches(server, list(catalog), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                Problem(
                    "it.server",
                    f"unknown server; {hint}allowed: {', '.join(catalog)} (see `dcsim catalog servers`), "
                    "or an inline table with idle_w and max_w or power_w",
                    value=server,
                )
            )
    return problems


def _locate(problems: list[Problem], doc: Document | None, override_paths: list[str]) -> list[Problem]:
    """Give each problem not yet located its origin: ``--set`` when an override wrote the key,
    else the scenario file and the line of the key (or of its nearest written parent)."""
    located = []
    for p in problems:
        if p.file is not None:
            located.append(p)
        elif any(p.path == o or p.path.startswith(o + ".") for o in override_paths):
            located.append(replace(p, file=OVERRIDE_ORIGIN))
        elif doc is not None:
            located.append(replace(p, file=doc.file, line=doc.line(p.path) if p.path else None))
        else:
            located.append(p)
    return located


def _absolute_paths(sc: Scenario, base_dir: Path) -> Scenario:
    updates = {}
    for key in ("climate", "grid"):
        value = getattr(sc.site, key)
        if builtin_name(value) is None and not Path(value).is_absolute():
            updates[key] = str((base_dir / value).resolve())
    if updates:
        sc = sc.model_copy(update={"site": sc.site.model_copy(update=updates)})
    trace = getattr(sc.workload, "trace", None)
    if trace is not None and getattr(trace, "path", None) and not Path(trace.path).is_absolute():
        new_trace = trace.model_copy(update={"path": str((base_dir / trace.path).resolve())})
        sc = sc.model_copy(update={"workload": sc.workload.model_copy(update={"trace": new_trace})})
    ut = sc.workload.utilization_trace
    if ut.path and not Path(ut.path).is_absolute():
        new_ut = ut.model_copy(update={"path": str((base_dir / ut.path).resolve())})
        sc = sc.model_copy(update={"workload": sc.workload.model_copy(update={"utilization_trace": new_ut})})
    hr = sc.heat_reuse
    if hr.price_file and not Path(hr.price_file).is_absolute():
        sc = sc.model_copy(update={"heat_reuse": hr.model_copy(update={"price_file": str((base_dir / hr.price_file).resolve())})})
    battery = sc.storage.battery
    if battery is not None:
        paths = {key: str((base_dir / value).resolve()) for key in ("reserve_price_file", "frequency_file")
                 if (value := getattr(battery, key)) and not Path(value).is_absolute()}
        if paths:
            new_battery = battery.model_copy(update=paths)
            sc = sc.model_copy(update={"storage": sc.storage.model_copy(update={"battery": new_battery})})
    return sc


def validate_scenario_data(
    data: dict[str, Any],
    *,
    overrides: Mapping[str, Any] | None = None,
    base_dir: str | Path = ".",
    file: str | None = None,
    text: str | None = None,
    fmt: str | None = None,
    document: Document | None = None,
) -> Scenario:
    """Validate a scenario given as a dict (plus overrides); raise InputError with every problem.

    Problems are located in ``document`` (the file ``data`` was read from; or give ``file``,
    ``text`` and ``fmt``), those of overridden keys at ``--set``.
    """
    if document is None and file is not None:
        document = Document(Path(file), data, text or "", fmt or "toml")
    base = Path(base_dir)
    merged = apply_overrides(data, overrides)
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        # base_dir: files the schema reads itself (cooling.datasheet_unit.table_file) are relative to it
        scenario = Scenario.model_validate(merged, context={"base_dir": base})
    except ValidationError as exc:
        problems.extend(Problem(".".join(path), message, value=value)
                        for path, message, value in validation_findings(exc, Scenario, merged))
    problems.extend(check_references(merged, base))
    if problems:
        located = _locate(problems, document, override_paths=list(overrides or {}))
        located.sort(key=lambda p: (p.file or "", p.line if p.line is not None else 1 << 30))
        raise_problems(located, "the scenario")
    assert scenario is not None
    return _absolute_paths(scenario, base)


def load_scenario(
    source: str | Path | Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """Load and validate a scenario from a TOML/YAML file (or a dict), applying dotted overrides.

    >>> sc = load_scenario("scenarios/lulea-air-1mw.toml", overrides={"room.supply_air_c": 24})
    """
    if isinstance(source, Mapping):
        return validate_scenario_data(dict(source), overrides=overrides)
    doc = Document.read(source)
    return validate_scenario_data(doc.data, overrides=overrides, base_dir=doc.path.parent, document=doc)


# --------------------------------------------------------------------------- output


def resolved_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario with every default filled in, as plain JSON-compatible data (no None)."""
    return scenario.model_dump(mode="json", exclude_none=True)


def dump_toml(scenario: Scenario) -> str:
    """TOML text of the fully resolved scenario; loading it gives an equal scenario."""
    header = "# Resolved scenario written by dcsim: every default filled in.\n"
    return header + tomli_w.dumps(resolved_dict(scenario))


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the canonical JSON of the resolved scenario (equal scenarios, equal hash)."""
    canonical = json.dumps(resolved_dict(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def scenario_grid(sc: Scenario):
    """The grid series (:class:`dcsim.grid.GridSeries`) of a scenario's ``site.grid`` with its
    ``site.grid_options`` (:func:`dcsim.grid.load_grid`; every problem named by its
    ``site.grid_options.*`` path). Here rather than in the engine so that ``dcsim validate``
    checks the options the schema's types cannot (a tax year with a rate, ...) without loading
    the engine's pandas and Numba."""
    from ..grid import load_grid

    return load_grid(sc.site.grid, options_path="site.grid_options",
                     **sc.site.grid_options.model_dump(exclude_none=True))
