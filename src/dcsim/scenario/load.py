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
from pathlib import Path
from typing import Any

import tomli_w
import yaml
from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from .locate import find_line, toml_key_lines, yaml_key_lines
from .schema import FieldError, Scenario

OVERRIDE_ORIGIN = "--set"


# --------------------------------------------------------------------------- reading files


def read_document(path: str | Path) -> tuple[dict[str, Any], str, str]:
    """Parse a TOML or YAML file into a dict. Returns ``(data, text, fmt)``.

    Raises InputError naming the file, line and column of a syntax error.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Problem("", "file not found", file=str(p)))
    if p.is_dir():
        raise InputError(Problem("", "is a directory, expected a .toml or .yaml file", file=str(p)))
    suffix = p.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise InputError(
            Problem("", f"unsupported file type {suffix or '(none)'!r}; expected .toml, .yaml or .yml", file=str(p))
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem("", f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(p)))
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
            line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
            raise InputError(Problem("", f"TOML syntax error: {msg}", file=str(p), line=line, column=col))
        return data, text, "toml"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            Problem(
                "",
                f"YAML syntax error: {problem}",
                file=str(p),
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(Problem("", f"expected a mapping of sections at the top level, got {type(data).__name__}", file=str(p)))
    return data, text, "yaml"


# --------------------------------------------------------------------------- overrides


def parse_set_option(option: str) -> tuple[str, Any]:
    """Parse ``key.path=value`` from the command line.

    The value is read as a TOML value (``24``, ``true``, ``"text"``, ``[1, 2]``); anything that
    is not valid TOML is taken as a plain string, so ``--set site.climate=builtin:umea`` works.
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
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def get_dotted(data: Any, key: str | tuple[str, ...], missing: Any = None) -> Any:
    """The value at a dotted key (``"room.supply_air_c"``) or a path of keys in nested
    mappings, list items by index; ``missing`` where there is none."""
    node = data
    for part in key.split(".") if isinstance(key, str) else key:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return missing
    return node


def set_dotted(data: dict[str, Any], flat: Mapping[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """Set dotted keys in ``data`` in place, creating sections, each value a deep copy.

    Returns, for every key that would go inside a value rather than a section,
    ``(dotted_key, blocking_key, blocking_value, value)``; that key is left unset. Callers
    word the problem for where the keys came from (--set, a case patch)."""
    blocked = []
    for dotted, value in flat.items():
        parts = dotted.split(".")
        node = data
        for i, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            elif not isinstance(child, dict):
                blocked.append((dotted, ".".join(parts[: i + 1]), child, value))
                break
            node = child
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


def _model_fields_at(model: type[BaseModel], path: tuple[str, ...]) -> type[BaseModel] | None:
    """The pydantic model class describing the mapping at ``path`` (None if not a section)."""
    current: Any = model
    for part in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _section_type(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _section_type(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def _all_leaf_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, field in model.model_fields.items():
        sub = _section_type(field.annotation)
        paths.append(prefix + (name,))
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            paths.extend(_all_leaf_paths(sub, prefix + (name,)))
    return paths


def _suggest(model: type[BaseModel], parent: tuple[str, ...], key: str) -> str:
    section = _model_fields_at(model, parent)
    allowed = sorted(section.model_fields) if section else []
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {'.'.join(parent + (close[0],))!r}? allowed here: {', '.join(allowed)}"
    elsewhere = [p for p in _all_leaf_paths(model) if p[-1] == key]
    if elsewhere:
        return f"unknown key here; did you mean {'.'.join(elsewhere[0])!r}? allowed here: {', '.join(allowed)}"
    return f"unknown key; allowed here: {', '.join(allowed)}"


_BRANCH_TAG = re.compile(r"^(str|int|float|bool|list\[.*\]|dict\[.*\]|function-.*|[A-Z][A-Za-z]+|literal\[.*\])$")


def _pydantic_problems(exc: ValidationError, model: type[BaseModel], data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        loc: list[str] = []
        skip = False
        for part in err["loc"]:
            part = str(part)
            section = _model_fields_at(model, tuple(loc))
            is_field = section is not None and part in section.model_fields
            if not is_field and _BRANCH_TAG.match(part) and not part.isdigit():
                # A union branch tag (it.server is `str | ServerTable`): keep only the errors
                # of the branch matching the kind of value the user wrote.
                here = get_dotted(data, tuple(loc))
                if (part == "str") == isinstance(here, dict):
                    skip = True
                continue
            loc.append(part)
        if skip:
            continue
        path = tuple(loc)
        ctx_error = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_error, FieldError):
            extra = tuple(ctx_error.field.split("."))
            path = extra if "." in ctx_error.field else path + extra
            message = str(ctx_error)
            value = get_dotted(data, path)
        elif err["type"] == "extra_forbidden":
            message = _suggest(model, path[:-1], path[-1])
            value = err["input"]
        elif err["type"] == "missing":
            message = "required key is missing"
            value = None
        else:
            message = err["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, "):]
            value = err["input"]
        key = (".".join(path), message)
        if key in seen:
            continue
        seen.add(key)
        kwargs = {} if err["type"] == "missing" else {"value": value}
        problems.append(Problem(".".join(path), message, **kwargs))
    return problems


def check_references(scenario_data: dict[str, Any], base_dir: Path) -> list[Problem]:
    """Check that names and files the scenario refers to exist (weather, grid, server)."""
    from ..climate import BUILTIN_CLIMATES
    from ..grid import BUILTIN_GRIDS
    from ..it.catalog import server_catalog

    problems = []
    site = scenario_data.get("site") if isinstance(scenario_data.get("site"), dict) else {}
    for key, builtins, what in (
        ("climate", BUILTIN_CLIMATES, "weather"),
        ("grid", BUILTIN_GRIDS, "grid"),
    ):
        value = site.get(key)
        if not isinstance(value, str):
            continue
        if value.lower().startswith("builtin:"):
            name = value.split(":", 1)[1].lower()
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
                problems.append(
                    Problem(f"site.{key}", f"{what} file not found: {path}", value=value)
                )
    workload = scenario_data.get("workload") if isinstance(scenario_data.get("workload"), dict) else {}
    trace = workload.get("trace") if isinstance(workload.get("trace"), dict) else {}
    if isinstance(trace.get("path"), str) and workload.get("kind") == "trace":
        path = Path(trace["path"])
        if not path.is_absolute():
            path = base_dir / path
        if not path.is_file():
            problems.append(Problem("workload.trace.path", f"trace file not found: {path}", value=trace["path"]))
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


def _locate(problems: list[Problem], *, file: str | None, text: str | None, fmt: str | None,
            override_paths: list[str]) -> list[Problem]:
    index: dict[tuple[str, ...], int] = {}
    if text is not None:
        index = toml_key_lines(text) if fmt == "toml" else yaml_key_lines(text)
    located = []
    for p in problems:
        if p.file is not None:
            located.append(p)
            continue
        from_override = any(p.path == o or p.path.startswith(o + ".") for o in override_paths)
        if from_override or file is None:
            origin = OVERRIDE_ORIGIN if from_override else None
            located.append(Problem(p.path, p.message, p.value, file=origin) if p.has_value else Problem(p.path, p.message, file=origin))
            continue
        line = find_line(index, p.path.split(".")) if p.path else None
        kwargs = {"value": p.value} if p.has_value else {}
        located.append(Problem(p.path, p.message, file=file, line=line, **kwargs))
    return located


def _absolute_paths(sc: Scenario, base_dir: Path) -> Scenario:
    updates = {}
    for key in ("climate", "grid"):
        value = getattr(sc.site, key)
        if not value.lower().startswith("builtin:") and not Path(value).is_absolute():
            updates[key] = str((base_dir / value).resolve())
    if updates:
        sc = sc.model_copy(update={"site": sc.site.model_copy(update=updates)})
    trace = getattr(sc.workload, "trace", None)
    if trace is not None and getattr(trace, "path", None) and not Path(trace.path).is_absolute():
        new_trace = trace.model_copy(update={"path": str((base_dir / trace.path).resolve())})
        sc = sc.model_copy(update={"workload": sc.workload.model_copy(update={"trace": new_trace})})
    return sc


def validate_scenario_data(
    data: dict[str, Any],
    *,
    overrides: Mapping[str, Any] | None = None,
    base_dir: str | Path = ".",
    file: str | None = None,
    text: str | None = None,
    fmt: str | None = None,
) -> Scenario:
    """Validate a scenario given as a dict (plus overrides); raise InputError with every problem."""
    base = Path(base_dir)
    merged = apply_overrides(data, overrides)
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, Scenario, merged))
    problems.extend(check_references(merged, base))
    if problems:
        located = _locate(problems, file=file, text=text, fmt=fmt, override_paths=list(overrides or {}))
        located.sort(key=lambda p: (p.file or "", p.line if p.line is not None else 1 << 30))
        raise InputError(located, title=f"{len(located)} problem{'s' if len(located) > 1 else ''} in the scenario")
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
    path = Path(source)
    data, text, fmt = read_document(path)
    return validate_scenario_data(
        data, overrides=overrides, base_dir=path.parent, file=str(path), text=text, fmt=fmt
    )


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
