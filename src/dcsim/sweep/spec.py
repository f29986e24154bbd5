"""Sweep files: the ``[sweep]`` table, its expansion into runs, and up-front validation.

A sweep file (TOML or YAML) has one top-level table, ``[sweep]``::

    [sweep]
    base = "../lulea-air-1mw.toml"     # the scenario every run starts from (relative to this file)
    replications = 2                   # seeds count up from `seed` (default: the base's simulation.seed)
    kpi = "pue"                        # KPI of the sensitivity view

    [sweep.set]                        # fixed overrides, applied to every run
    "simulation.duration" = "30d"

    [sweep.grid]                       # full factorial: every combination of these axes
    "room.supply_air_c" = { start = 18, stop = 27, step = 3 }   # 18, 21, 24, 27 (stop included)
    "room.containment" = ["none", "cold-aisle", "hot-aisle"]

    [sweep.zip.site]                   # a zipped group: its lists move together, one axis of the product
    "site.climate" = ["builtin:lulea", "builtin:stockholm"]
    "site.grid" = ["builtin:se1", "builtin:se3"]

    [sweep.sample]                     # Latin-hypercube samples, crossed with the grid
    n = 20
    seed = 1
    params."workload.mean_utilization" = { min = 0.3, max = 0.8 }

Keys are scenario keys in dotted form; in TOML they may be quoted (``"room.supply_air_c"``)
or written as nested tables (``[sweep.grid.room] supply_air_c = [...]``). Runs expand in
file order: grid axes, zip groups, samples, then replications (innermost), and every run is
validated against the scenario schema before anything runs; all problems are reported at
once, each naming the sweep file line and the parameters of a run it occurs in.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._version import __version__
from ..data.builtin import builtin_name
from ..errors import NO_VALUE, InputError, Problem, raise_problems
from ..scenario.document import Document, get_dotted, validation_findings
from ..scenario.load import OVERRIDE_ORIGIN, scenario_hash, validate_scenario_data
from ..scenario.schema import Scenario
from .lhs import latin_hypercube
from .model import MAX_RUNS, RANGE_KEYS, SAMPLE_KEYS, SampleParam, SampleSpec, SweepFile, SweepSpec, check_kpi, expand_range
from .model import is_number as _is_number

__all__ = [
    "MAX_RUNS",
    "Axis",
    "PlannedRun",
    "SampleParam",
    "SampleSpec",
    "Sweep",
    "SweepSpec",
    "check_kpi",
    "expand_range",
    "load_sweep",
    "run_key",
]
#: Scenario keys holding file paths: relative paths written in a sweep file are relative to it.
PATH_KEYS = ("site.climate", "site.grid", "cooling.datasheet_unit.table_file")

_DOTTED = re.compile(r"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$")
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")
_MAX_LISTED_RUN_PROBLEMS = 50


# --------------------------------------------------------------------------- the expanded sweep


@dataclass(frozen=True)
class Axis:
    """One axis of the run product: a grid key, a zip group or the sample points."""

    name: str
    kind: str  # "grid" | "zip" | "sample"
    keys: tuple[str, ...]
    levels: tuple[tuple[Any, ...], ...]

    def describe(self) -> str:
        n = len(self.levels)
        if self.kind == "grid":
            return f"{self.name} ({n})"
        if self.kind == "zip":
            return f"{self.name} = zip of {', '.join(self.keys)} ({n})"
        return f"{n} Latin-hypercube samples of {', '.join(self.keys)}"


@dataclass(frozen=True)
class PlannedRun:
    """One run of a sweep: its varied parameters, seed, validated scenario and cache key."""

    run_id: int
    params: dict[str, Any]
    levels: tuple[int, ...]
    replication: int
    seed: int
    scenario: Scenario
    scenario_hash: str
    key: str

    def describe(self) -> str:
        parts = [f"{k}={v!r}" for k, v in self.params.items()]
        return ", ".join(parts + [f"seed={self.seed}"])


def run_key(scenario_sha256: str, version: str = __version__) -> str:
    """Cache key of a run: its resolved scenario and the dcsim version that computes it."""
    return hashlib.sha256(f"{scenario_sha256}|dcsim {version}".encode()).hexdigest()


@dataclass
class Sweep:
    """A validated sweep: where it comes from, its axes and every run."""

    path: Path
    name: str
    description: str
    base_path: Path
    spec: SweepSpec
    axes: list[Axis]
    replications: int
    base_seed: int
    kpi: str
    base_scenario: Scenario
    runs: list[PlannedRun] = field(default_factory=list)

    @property
    def n_runs(self) -> int:
        return len(self.runs)

    @property
    def param_keys(self) -> list[str]:
        return [k for axis in self.axes for k in axis.keys]

    @property
    def sampled(self) -> bool:
        return any(a.kind == "sample" for a in self.axes)

    def reference_levels(self) -> tuple[int, ...]:
        """For each axis, the level of the base scenario: the centre of one-at-a-time
        sensitivity. When the base's value is not among the levels, the level nearest to it
        (a single numeric key), else the middle level."""
        from ..scenario.load import resolved_dict

        base = resolved_dict(self.base_scenario)
        refs = []
        for axis in self.axes:
            ref = len(axis.levels) // 2
            if axis.kind != "sample":
                base_values = tuple(get_dotted(base, k) for k in axis.keys)
                exact = [i for i, level in enumerate(axis.levels) if all(map(_same, level, base_values))]
                numeric = len(axis.keys) == 1 and _is_number(base_values[0]) and all(
                    _is_number(level[0]) for level in axis.levels
                )
                if exact:
                    ref = exact[0]
                elif numeric:
                    ref = min(range(len(axis.levels)), key=lambda i: abs(axis.levels[i][0] - base_values[0]))
            refs.append(ref)
        return tuple(refs)

    def summary(self) -> str:
        """One line: what the sweep is and how many runs it expands to."""
        if self.axes:
            shape = " x ".join(a.describe() for a in self.axes)
        else:
            shape = "no axes (the base scenario only)"
        reps = f" x {self.replications} replications (seeds {self.base_seed}..{self.base_seed + self.replications - 1})" \
            if self.replications > 1 else f", seed {self.base_seed}"
        unique = len({r.key for r in self.runs})
        dup = f" ({unique:,} distinct scenarios)" if unique != self.n_runs else ""
        return (
            f"valid sweep {self.name!r}: {self.n_runs:,} run{'s' if self.n_runs != 1 else ''}{dup} = {shape}{reps}, "
            f"on base scenario {self.base_path}; every run validated"
        )


def _same(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return float(a) == float(b)
    return a == b


# --------------------------------------------------------------------------- loading


def _flatten(mapping: Any, is_leaf, prefix: tuple[str, ...] = ()) -> Any:
    """Nested tables (unquoted dotted TOML keys) to dotted keys. A key that already contains
    a dot is a whole path and keeps its value as written; so does any value ``is_leaf`` accepts."""
    if not isinstance(mapping, dict):
        return mapping
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        path = prefix + (str(key),)
        if isinstance(value, dict) and "." not in str(key) and not is_leaf(value):
            out.update(_flatten(value, is_leaf, path))
        else:
            out[".".join(path)] = value
    return out


def _never(_: Any) -> bool:
    return False


def _is_range(value: dict) -> bool:
    return bool(value) and set(value) <= RANGE_KEYS and not any(isinstance(v, (dict, list)) for v in value.values())


def _is_sample(value: dict) -> bool:
    return bool(value) and set(value) <= SAMPLE_KEYS and not any(isinstance(v, dict) for v in value.values())


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """The document with the key tables of [sweep] flattened to dotted keys."""
    sweep = data.get("sweep")
    if not isinstance(sweep, dict):
        return data
    sweep = dict(sweep)
    if isinstance(sweep.get("set"), dict):
        sweep["set"] = _flatten(sweep["set"], _never)
    if isinstance(sweep.get("grid"), dict):
        sweep["grid"] = _flatten(sweep["grid"], _is_range)
    if isinstance(sweep.get("zip"), dict):
        sweep["zip"] = {g: _flatten(v, _is_range) for g, v in sweep["zip"].items()}
    sample = sweep.get("sample")
    if isinstance(sample, dict) and isinstance(sample.get("params"), dict):
        sweep["sample"] = {**sample, "params": _flatten(sample["params"], _is_sample)}
    return {**data, "sweep": sweep}


def _problem(doc: Document, path: tuple[str, ...], message: str, value: Any = NO_VALUE) -> Problem:
    return doc.problem(path, message, value, shown=".".join(path))


def load_sweep(path: str | Path) -> Sweep:
    """Read, check and expand a sweep file; every run is validated.

    Raises :class:`dcsim.InputError` listing every problem (file, line, dotted path, value and
    what is allowed; run-level problems also name a run's parameters).
    """
    doc = Document.read(path)
    where = f"sweep {doc.file}"
    data = _normalise(doc.data)
    if not isinstance(data.get("sweep"), dict):
        raise_problems([Problem("sweep", "a sweep file needs a top-level [sweep] table", file=doc.file)], where)
    spec, problems = _validate_spec(data, doc)
    if spec is None:
        raise_problems(problems, where)
    origin = _key_origins(spec, doc, problems)
    problems += _zip_problems(spec, doc)
    axes = _axes(spec)
    n_runs = math.prod(len(a.levels) for a in axes) * spec.replications
    too_many = n_runs > MAX_RUNS
    if too_many:
        problems.append(_problem(doc, ("sweep",), f"expands to {n_runs:,} runs; at most {MAX_RUNS:,} per sweep file"))
    base = _read_base(spec, doc, problems)
    if base is None:
        raise_problems(problems, where)
    fixed = {k: _resolve_path(k, v, doc.path.parent) for k, v in spec.set.items()}
    relocate = _Relocate(doc, origin)
    # The base with the fixed overrides: its problems are reported once, not once per run.
    base_sc = None
    base_problems: list[Problem] = []
    try:
        base_sc = validate_scenario_data(base.data, overrides=fixed, base_dir=base.path.parent, document=base)
    except InputError as exc:
        base_problems = [relocate(p, fixed) for p in exc.problems]
        problems += base_problems
    base_seed = _base_seed(spec, base_sc, fixed, base.data)
    if too_many:
        raise_problems(problems, where)
    runs, run_problems = _expand(spec, axes, fixed, base_seed, base, doc.path.parent, relocate, known=base_problems)
    problems += run_problems
    raise_problems(problems, where)
    return Sweep(
        path=doc.path,
        name=spec.name or doc.path.stem,
        description=spec.description,
        base_path=base.path,
        spec=spec,
        axes=axes,
        replications=spec.replications,
        base_seed=base_seed,
        kpi=spec.kpi,
        base_scenario=base_sc,
        runs=runs,
    )


def _key_origins(spec: SweepSpec, doc: Document, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """Where each scenario key was written in the sweep file (for locating problems of its
    values); problems of keys that are not dotted scenario keys or are set twice."""
    origin: dict[str, tuple[str, ...]] = {}
    sections: list[tuple[tuple[str, ...], dict[str, Any]]] = [(("sweep", "set"), spec.set), (("sweep", "grid"), spec.grid)]
    sections += [(("sweep", "zip", g), group) for g, group in spec.zip.items()]
    if spec.sample is not None:
        sections.append((("sweep", "sample", "params"), spec.sample.params))
    for where, keys in sections:
        for key in keys:
            loc = where + (key,)
            if not _DOTTED.match(key):
                problems.append(_problem(doc, loc, "is not a dotted scenario key such as room.supply_air_c"))
                continue
            if key in origin:
                first = ".".join(origin[key][:-1])
                problems.append(_problem(doc, loc, f"is already set in {first}; a key may be set or varied in one place only"))
                continue
            if key == "simulation.seed" and where[1] != "set":
                problems.append(_problem(doc, loc, "seeds are not an axis; use sweep.replications (and sweep.seed for the first)"))
            origin[key] = loc
    return origin


def _zip_problems(spec: SweepSpec, doc: Document) -> list[Problem]:
    problems = []
    for group, keys in spec.zip.items():
        loc = ("sweep", "zip", group)
        if not _NAME.match(group):
            problems.append(_problem(doc, loc, "a zip group name must be a plain name such as 'site'"))
        if not keys:
            problems.append(_problem(doc, loc, "an empty zip group; give two or more keys with lists of equal length"))
        lengths = {k: len(v) for k, v in keys.items()}
        if len(set(lengths.values())) > 1:
            problems.append(_problem(doc, loc, "the lists of a zip group must have equal lengths; got "
                                     + ", ".join(f"{k}: {n}" for k, n in lengths.items())))
    return problems


def _read_base(spec: SweepSpec, doc: Document, problems: list[Problem]) -> Document | None:
    """The base scenario file; None (and the problems) when it cannot be read or is not a scenario."""
    base_path = Path(spec.base)
    if not base_path.is_absolute():
        base_path = Path(os.path.normpath(doc.path.parent / base_path))
    base_loc = ("sweep", "base")
    try:
        base = Document.read(base_path)
    except InputError as exc:
        problems.extend(_problem(doc, base_loc, f"base scenario: {p.format()}", spec.base) for p in exc.problems)
        return None
    if "sweep" in base.data or "case" in base.data:
        kind = "sweep" if "sweep" in base.data else "case"
        problems.append(_problem(doc, base_loc, f"must be a scenario file, not a {kind} file", spec.base))
        return None
    return base


class _Relocate:
    """Points a problem caused by an override at the line of the sweep file that set it."""

    def __init__(self, doc: Document, origin: dict[str, tuple[str, ...]]):
        self.doc, self.origin = doc, origin

    def __call__(self, p: Problem, overrides: dict[str, Any]) -> Problem:
        if p.file != OVERRIDE_ORIGIN:
            return p
        key = max((k for k in overrides if p.path == k or p.path.startswith(k + ".")), key=len, default=None)
        loc = self.origin.get(key) if key else None
        if loc is None:
            loc = ("sweep", "seed") if key == "simulation.seed" else ("sweep",)
        return replace(p, file=self.doc.file, line=self.doc.line(loc))


def _base_seed(spec: SweepSpec, base_sc: Scenario | None, fixed: dict[str, Any], base_data: dict[str, Any]) -> int:
    """The seed of the first replication: sweep.seed, else the base scenario's."""
    if spec.seed is not None:
        return spec.seed
    if base_sc is not None:
        return base_sc.simulation.seed
    seed = fixed.get("simulation.seed", get_dotted(base_data, "simulation.seed"))
    return seed if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 else 42


def _prune_point(loc: tuple[str, ...]) -> tuple[str, ...] | None:
    """The entry to drop so that validation can go on past an invalid one (None: cannot)."""
    if not loc:
        return None
    if loc[0] != "sweep":
        return loc[:1]
    if len(loc) < 2 or loc[1] == "base":
        return None
    depth = {"set": 3, "grid": 3, "zip": 4}.get(loc[1], 2)
    if loc[1] == "sample" and len(loc) >= 4 and loc[2] == "params":
        depth = 4
    return loc[: min(depth, len(loc))]


def _drop(data: Any, loc: tuple[str, ...]) -> bool:
    node = data
    for part in loc[:-1]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if isinstance(node, dict) and loc[-1] in node:
        del node[loc[-1]]
        return True
    return False


def _validate_spec(data: dict[str, Any], doc: Document) -> tuple[SweepSpec | None, list[Problem]]:
    """Validate the [sweep] table. Invalid entries are reported, then dropped so that the rest
    (and the runs it expands to) can still be checked; None when what is left cannot make a
    sweep (no base, say). Only the first pass's problems are reported: later passes only see
    the consequences of dropping entries."""
    import copy

    work = copy.deepcopy(data)
    problems: list[Problem] = []
    for attempt in range(8):
        try:
            return SweepFile.model_validate(work).sweep, problems
        except ValidationError as exc:
            if attempt == 0:
                problems = [_problem(doc, path, message, value)
                            for path, message, value in validation_findings(exc, SweepFile, work)]
            dropped = False
            for err in exc.errors(include_url=False):
                loc = tuple(str(x) for x in err["loc"])
                point = _prune_point(_field_loc(loc))
                if point is None:
                    return None, problems
                dropped |= _drop(work, point)
            if not dropped:
                return None, problems
    return None, problems


def _field_loc(loc: tuple[str, ...]) -> tuple[str, ...]:
    """A pydantic error location without union-branch and validator tags."""
    return tuple(p for p in loc if not (p.startswith("function-") or p in ("SampleParam",)))


def _resolve_path(key: str, value: Any, sweep_dir: Path) -> Any:
    if key in PATH_KEYS and isinstance(value, str) and builtin_name(value) is None:
        p = Path(value)
        if not p.is_absolute():
            return str((sweep_dir / p).resolve())
    return value


def _axes(spec: SweepSpec) -> list[Axis]:
    axes = [Axis(key, "grid", (key,), tuple((v,) for v in values)) for key, values in spec.grid.items()]
    for group, keys in spec.zip.items():
        if not keys:
            continue
        n = min(len(v) for v in keys.values())
        axes.append(Axis(group, "zip", tuple(keys), tuple(tuple(v[i] for v in keys.values()) for i in range(n))))
    if spec.sample is not None:
        s = spec.sample
        names = tuple(s.params)
        u = latin_hypercube(s.n, len(names), s.seed)
        columns = [_sample_values(s.params[k], u[:, j]) for j, k in enumerate(names)]
        axes.append(Axis("sample", "sample", names, tuple(zip(*columns))))
    return axes


def _sample_values(param: SampleParam, u) -> list[Any]:
    if param.values is not None:
        k = len(param.values)
        return [param.values[min(int(x * k), k - 1)] for x in u]
    lo, hi = float(param.min), float(param.max)
    if param.integer:
        a, b = int(lo), int(hi)
        return [min(a + int(x * (b - a + 1)), b) for x in u]
    return [float(f"{lo + float(x) * (hi - lo):.8g}") for x in u]


def _expand(spec, axes, fixed, base_seed, base: Document, sweep_dir: Path, relocate, known=()):
    """Every run's parameters, seed and validated scenario; and the distinct problems of the
    runs that are invalid (those already reported for the base are left out)."""
    already = {(p.path, p.message) for p in known}
    runs: list[PlannedRun] = []
    seen: dict[tuple, list] = {}  # problem -> [count, first run]
    order: list[tuple] = []
    run_id = 0
    for levels in itertools.product(*(range(len(a.levels)) for a in axes)):
        params: dict[str, Any] = {}
        for axis, i in zip(axes, levels):
            params.update(zip(axis.keys, axis.levels[i]))
        for rep in range(spec.replications):
            seed = base_seed + rep
            overrides = {**fixed, **{k: _resolve_path(k, v, sweep_dir) for k, v in params.items()}, "simulation.seed": seed}
            try:
                sc = validate_scenario_data(base.data, overrides=overrides, base_dir=base.path.parent, document=base)
            except InputError as exc:
                for p in exc.problems:
                    if (p.path, p.message) in already:
                        continue
                    p = relocate(p, overrides)
                    key = (p.path, p.message, repr(p.value) if p.has_value else None, p.file, p.line)
                    if key not in seen:
                        seen[key] = [0, run_id, p, dict(params), seed]
                        order.append(key)
                    seen[key][0] += 1
                run_id += 1
                continue
            h = scenario_hash(sc)
            runs.append(PlannedRun(run_id, dict(params), tuple(levels), rep, seed, sc, h, run_key(h)))
            run_id += 1
    problems = []
    for key in order[:_MAX_LISTED_RUN_PROBLEMS]:
        count, first, p, params, seed = seen[key]
        shown = ", ".join([f"{k}={v!r}" for k, v in params.items()] + ([f"seed={seed}"] if spec.replications > 1 else []))
        where = f"in run {first}" if count == 1 else f"in {count:,} runs, first run {first}"
        message = f"{p.message}; {where} ({shown or 'the base scenario'})"
        kwargs = {"value": p.value} if p.has_value else {}
        problems.append(Problem(p.path, message, file=p.file, line=p.line, column=p.column, **kwargs))
    if len(order) > _MAX_LISTED_RUN_PROBLEMS:
        problems.append(Problem("sweep", f"... and {len(order) - _MAX_LISTED_RUN_PROBLEMS} more distinct problems in runs"))
    return runs, problems
