"""Loading and checking case files.

Everything wrong in a case is collected before failing, like a scenario: the case's own
tables (unknown keys with suggestions, negative costs, bad names), the baseline scenario
(with its own file and lines), every proposal's patch (each key checked against the scenario
schema, so ``proposals[1].patch.room.supply_air_cc`` is named exactly), the components and
their parameters, and finally each patched scenario as a whole. Problems carry the case file,
the line, the dotted path (``proposals[1].patch.room.supply_air_cc``), the value and what is
allowed; the command line turns them into exit code 2.
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..data.builtin import builtin_name
from ..errors import NO_VALUE, InputError, Problem, raise_problems
from ..scenario.document import Document, Finding, get_dotted, render_path, validation_findings
from ..scenario.load import OVERRIDE_ORIGIN, validate_scenario_data
from ..scenario.load import set_dotted as scenario_set_dotted  # case.set_dotted words the problems
from ..scenario.schema import Scenario
from .components import _NOVALUE, LoadedComponent, load_component
from ..report.strings import text_in
from .model import BASELINE_NAME, Assumptions, CaseFile, CaseInfo, Proposal

#: Scenario keys holding file paths: relative paths are resolved against the file that wrote them.
PATH_KEYS = ("site.climate", "site.grid", "workload.trace.path", "cooling.datasheet_unit.table_file",
             "storage.battery.reserve_price_file", "storage.battery.frequency_file", "heat_reuse.price_file",
             "workload.utilization_trace.path")

#: Keys a proposal may not change: the comparison is paired over the same period, step and seeds.
PAIRED_PREFIX = "simulation"

Found = Finding  # (path, message, value); flatten_patch's problems


# --------------------------------------------------------------------------- schema walking


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an annotation (Union / Optional / Annotated unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _is_mapping(t: Any) -> bool:
    origin = typing.get_origin(t) or t
    return origin in (dict, Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping))


def _field(models: list[type[BaseModel]], name: str):
    for m in models:
        f = m.model_fields.get(name)
        if f is not None:
            return f
    return None


def _leaf_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, f in model.model_fields.items():
        out.append(prefix + (name,))
        for sub in _unwrap(f.annotation):
            if _is_model(sub):
                out.extend(_leaf_paths(sub, prefix + (name,)))
    return out


def _unknown_key_message(models: list[type[BaseModel]], where: tuple[str, ...], key: str) -> str:
    allowed = sorted({name for m in models for name in m.model_fields})
    section = ".".join(where) or "the scenario"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean {'.'.join(where + (close[0],))!r}? "
    else:
        elsewhere = [p for p in _leaf_paths(Scenario) if p[-1] == key]
        hint = f"did you mean {'.'.join(elsewhere[0])!r}? " if elsewhere else ""
    return f"no such key in the scenario schema ({section} has no {key!r}); {hint}allowed in {section}: {', '.join(allowed)}"


def flatten_patch(patch: Mapping[str, Any], *, model: type[BaseModel] = Scenario) -> tuple[dict[str, Any], list[Found]]:
    """Check a patch against the scenario schema and flatten it to dotted keys.

    ``patch`` may use dotted keys (``"room.supply_air_c" = 24``), nested tables (a partial
    scenario) or both. Sections recurse; anything else (a number, a string, a whole inline
    server table) is one value. Returns the dotted keys with their values and the problems,
    each ``(path relative to the patch, message, value)``.
    """
    flat: dict[str, Any] = {}
    problems: list[Found] = []

    def walk(node: Mapping[str, Any], models: list[type[BaseModel]] | None, where: tuple[str, ...]) -> None:
        for raw_key, value in node.items():
            parts = tuple(p.strip() for p in str(raw_key).split("."))
            if any(not p for p in parts):
                problems.append((where + (str(raw_key),), "is not a dotted key path such as room.supply_air_c", value))
                continue
            current = models
            path = where
            for k, part in enumerate(parts):
                path = path + (part,)
                last = k == len(parts) - 1
                if current is None:  # inside a free-form mapping
                    if last:
                        flat[".".join(path)] = value
                    continue
                f = _field(current, part)
                if f is None:
                    problems.append((where + parts, _unknown_key_message(current, path[:-1], part), value))
                    break
                alternatives = [a for a in _unwrap(f.annotation) if a is not type(None)]
                sub_models = [a for a in alternatives if _is_model(a)]
                pure_section = bool(sub_models) and len(sub_models) == len(alternatives)
                if last:
                    if pure_section and isinstance(value, Mapping):
                        walk(value, sub_models, path)
                    elif pure_section:
                        problems.append(
                            (path, f"{'.'.join(path)} is a section; give a table of its keys "
                             f"({', '.join(sorted({n for m in sub_models for n in m.model_fields}))})", value)
                        )
                    else:
                        flat[".".join(path)] = value
                elif sub_models:
                    current = sub_models
                elif any(_is_mapping(a) for a in alternatives):
                    current = None
                else:
                    problems.append(
                        (where + parts, f"{'.'.join(path)} holds a value, not a section, so it has no key {parts[k + 1]!r}", value)
                    )
                    break

    walk(patch, [model], ())
    return flat, problems


def set_dotted(data: dict[str, Any], flat: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """Set dotted keys in ``data`` in place (creating sections). Returns (key, message, value)
    problems where a key would go inside a value."""
    return [
        (dotted, f"the baseline's {where} is a value ({child!r}), not a table: set the whole {where} instead", value)
        for dotted, where, child, value in scenario_set_dotted(data, flat)
    ]


def _absolutize(flat: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    out = dict(flat)
    for key in PATH_KEYS:
        value = out.get(key)
        if isinstance(value, str) and builtin_name(value) is None and not Path(value).is_absolute():
            out[key] = str((base_dir / value).resolve())
    return out


def _absolutize_data(data: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    flat = {k: v for k in PATH_KEYS if (v := get_dotted(data, k, _NOVALUE)) is not _NOVALUE}
    out = copy.deepcopy(data)
    set_dotted(out, _absolutize(flat, base_dir))
    return out


# --------------------------------------------------------------------------- the Case


@dataclass
class Variant:
    """The baseline or one proposal, ready to run."""

    name: str
    scenario: Scenario
    proposal: Proposal | None = None
    patch: dict[str, Any] = field(default_factory=dict)  # dotted keys the variant changes
    components: list[LoadedComponent] = field(default_factory=list)
    title_text: Any = None
    description_text: Any = ""

    @property
    def is_baseline(self) -> bool:
        return self.proposal is None

    def title(self, lang: str = "en") -> str:
        return text_in(self.title_text, lang, self.name) or self.name

    def description(self, lang: str = "en") -> str:
        return text_in(self.description_text, lang, "")


@dataclass
class Case:
    """A validated case: the baseline and its proposals as runnable scenarios."""

    path: Path
    info: CaseInfo
    assumptions: Assumptions
    baseline: Variant
    proposals: list[Variant]
    overrides: dict[str, Any] = field(default_factory=dict)
    source_sha256: str = ""

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def variants(self) -> list[Variant]:
        return [self.baseline, *self.proposals]

    @property
    def base_seed(self) -> int:
        return self.baseline.scenario.simulation.seed

    @property
    def seeds(self) -> list[int]:
        return [self.base_seed + r for r in range(self.assumptions.replications)]

    def title(self, lang: str = "en") -> str:
        return text_in(self.info.title, lang, self.info.name) or self.info.name

    def summary(self) -> str:
        sim = self.baseline.scenario.simulation
        steps = sim.duration // sim.step
        names = ", ".join(p.name for p in self.proposals)
        n = len(self.proposals)
        r = self.assumptions.replications
        return (
            f"valid case {self.name!r}: baseline {self.baseline.scenario.name!r} and {n} proposal{'s' if n > 1 else ''} "
            f"({names}); {r} weather year{'s' if r > 1 else ''} (seeds {self.seeds[0]}-{self.seeds[-1]}), "
            f"{steps:,} steps per run"
        )

    def run(self, **kwargs):
        """Run the case; see :func:`dcsim.case.runner.run_case`."""
        from .runner import run_loaded_case

        return run_loaded_case(self, **kwargs)


def _rebase(problems: list[Problem], *, prefix: str, file: str, line: int | None, lead: str = "") -> list[Problem]:
    """Problems of a scenario built from the case, moved into the case file under ``prefix``."""
    return [replace(p, path=f"{prefix}.{p.path}" if p.path else prefix, message=lead + p.message, file=file, line=line,
                    column=None) for p in problems]


class _Found:
    """What loading a case finds: findings in the case file (located when it fails) and
    problems already located elsewhere (the baseline file, a patch file, --set), listed after."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.here: list[Finding] = []
        self.elsewhere: list[Problem] = []

    def add(self, path: tuple[str, ...], message: str, value: Any = NO_VALUE) -> None:
        self.here.append((path, message, value))

    def extend(self, findings: Iterable[Finding]) -> None:
        self.here.extend(findings)

    def raise_if_any(self) -> None:
        raise_problems(self.doc.problems(self.here) + self.elsewhere, "the case")


def load_case(
    path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    replications: int | None = None,
) -> Case:
    """Load and check a case file; raise :class:`~dcsim.InputError` with every problem.

    ``overrides`` are dotted scenario keys applied to the baseline (and so to every
    proposal), e.g. ``{"simulation.duration": "14d"}``; ``replications`` overrides
    ``assumptions.replications``.
    """
    doc = Document.read(path)
    if not isinstance(doc.data.get("case"), Mapping):
        raise InputError(
            Problem("case", "not a case file: expected a top-level [case] table with name and baseline", file=doc.file)
        )
    found = _Found(doc)
    case_dir = doc.path.resolve().parent
    _check_top_keys(doc.data, found)
    info = _validated(CaseInfo, doc.data["case"], ("case",), found)
    assumptions = _assumptions(doc.data, replications, found)
    proposals = _proposals(doc.data, found)
    baseline = _read_baseline(doc.data["case"], case_dir, found)
    if baseline.data is not None:
        baseline.scenario = _patch_baseline(doc, baseline, case_dir, overrides, found)
    variants = [v for i, prop, raw in proposals if (v := _variant(i, prop, raw, baseline, case_dir, found)) is not None]
    found.raise_if_any()
    assert info is not None and baseline.scenario is not None
    baseline_sc = baseline.scenario
    return Case(
        path=doc.path,
        info=info,
        assumptions=assumptions,
        baseline=Variant(
            name=BASELINE_NAME,
            scenario=baseline_sc,
            title_text=info.baseline_title,
            description_text=info.baseline_description if info.baseline_description is not None
            else baseline_sc.description,
        ),
        proposals=variants,
        overrides=dict(overrides or {}),
        source_sha256=doc.sha256,
    )


# --------------------------------------------------------------------------- the case's own tables


def _check_top_keys(data: Mapping[str, Any], found: _Found) -> None:
    allowed_top = list(CaseFile.model_fields)
    for key in data:
        if key not in allowed_top:
            close = difflib.get_close_matches(key, allowed_top, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            found.add((key,), f"unknown key; {hint}allowed at the top of a case file: {', '.join(allowed_top)}", data[key])


def _validated(model: type[BaseModel], raw: Mapping[str, Any], where: tuple[str, ...], found: _Found) -> Any:
    """``raw`` validated as ``model``; None (and its problems, at ``where``) if it is not valid."""
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        found.extend(validation_findings(exc, model, dict(raw), prefix=where, suggest="name"))
        return None


def _assumptions(data: Mapping[str, Any], replications: int | None, found: _Found) -> Assumptions:
    assumptions = Assumptions()
    raw = data.get("assumptions", {})
    if not isinstance(raw, Mapping):
        found.add(("assumptions",), "must be a table", raw)
    else:
        assumptions = _validated(Assumptions, raw, ("assumptions",), found) or assumptions
    if replications is not None:
        if isinstance(replications, bool) or not isinstance(replications, int) or not 1 <= replications <= 200:
            found.elsewhere.append(Problem("replications", "must be a whole number from 1 to 200", value=replications,
                                           file="--replications"))
        else:
            assumptions = assumptions.model_copy(update={"replications": replications})
    return assumptions


def _proposals(data: Mapping[str, Any], found: _Found) -> list[tuple[int, Proposal | None, Mapping[str, Any]]]:
    """Every [[proposals]] table (its index, its model or None if invalid, and as written)."""
    raw_proposals = data.get("proposals")
    if raw_proposals is None:
        found.add(("proposals",), "required: at least one [[proposals]] table")
        return []
    if not isinstance(raw_proposals, list) or not raw_proposals:
        found.add(("proposals",), "must be a non-empty array of tables ([[proposals]])", raw_proposals)
        return []
    proposals = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_proposals):
        if not isinstance(raw, Mapping):
            found.add(("proposals", str(i)), "must be a table", raw)
            continue
        prop = _validated(Proposal, raw, ("proposals", str(i)), found)
        name = raw.get("name")
        if isinstance(name, str):
            if name == BASELINE_NAME:
                found.add(("proposals", str(i), "name"), f"{BASELINE_NAME!r} names the baseline; choose another name", name)
            elif name in seen:
                found.add(("proposals", str(i), "name"), f"proposal names must be unique; proposals[{seen[name]}] has it too",
                          name)
            else:
                seen[name] = i
        proposals.append((i, prop, raw))
    return proposals


# --------------------------------------------------------------------------- the baseline


@dataclass
class _Baseline:
    """The baseline scenario as written (paths absolute), then patched, and its folder."""

    data: dict[str, Any] | None
    dir: Path
    scenario: Scenario | None = None


def _read_baseline(raw_case: Mapping[str, Any], case_dir: Path, found: _Found) -> _Baseline:
    """The baseline file, checked as written and located in its own file."""
    ref = raw_case.get("baseline")
    if not (isinstance(ref, str) and ref):
        return _Baseline(None, case_dir)
    bpath = Path(ref)
    if not bpath.is_absolute():
        bpath = case_dir / bpath
    if not bpath.is_file():
        found.add(("case", "baseline"), f"baseline scenario not found: {bpath}", ref)
        return _Baseline(None, case_dir)
    baseline_dir = bpath.resolve().parent
    try:
        bdoc = Document.read(bpath)
    except InputError as exc:
        found.elsewhere.extend(exc.problems)
        return _Baseline(None, baseline_dir)
    if "case" in bdoc.data or "sweep" in bdoc.data:
        found.add(("case", "baseline"), "must name a scenario file, not a case or sweep file", ref)
        return _Baseline(None, baseline_dir)
    try:
        validate_scenario_data(bdoc.data, base_dir=baseline_dir, document=bdoc)
    except InputError as exc:
        found.elsewhere.extend(exc.problems)
        return _Baseline(None, baseline_dir)
    return _Baseline(_absolutize_data(bdoc.data, baseline_dir), baseline_dir)


def _patch_baseline(doc: Document, baseline: _Baseline, case_dir: Path, overrides: Mapping[str, Any] | None,
                    found: _Found) -> Scenario | None:
    """Apply case.baseline_patch and --set to the baseline's data; the validated scenario."""
    assert baseline.data is not None
    raw_case = doc.data["case"]
    raw_bpatch = raw_case.get("baseline_patch", {})
    where = ("case", "baseline_patch")
    if isinstance(raw_bpatch, Mapping):
        flat, probs = flatten_patch(raw_bpatch)
        found.extend((where + p, m, v) for p, m, v in probs)
        for key, msg, value in set_dotted(baseline.data, _absolutize(flat, case_dir)):
            found.add(where + tuple(key.split(".")), msg, value)
    if overrides:
        flat, probs = flatten_patch(dict(overrides))
        found.elsewhere.extend(Problem(".".join(p), m, value=v, file=OVERRIDE_ORIGIN) for p, m, v in probs)
        for key, msg, value in set_dotted(baseline.data, _absolutize(flat, Path.cwd())):
            found.elsewhere.append(Problem(key, msg, value=value, file=OVERRIDE_ORIGIN))
    try:
        return validate_scenario_data(baseline.data, base_dir=baseline.dir)
    except InputError as exc:
        if raw_case.get("baseline_patch") or overrides:
            line = doc.line(where) or doc.line(("case",))
            found.elsewhere.extend(_rebase(exc.problems, prefix="case.baseline_patch", file=doc.file, line=line,
                                           lead="after baseline_patch and --set: "))
        else:
            found.elsewhere.extend(exc.problems)
        return None


# --------------------------------------------------------------------------- proposals


@dataclass
class _Patch:
    """The dotted keys a proposal sets, and for each the path in the case of what set it."""

    flat: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def set(self, flat: Mapping[str, Any], origin: Any) -> None:
        for k, v in flat.items():
            self.flat[k] = v
            self.origin[k] = origin(k) if callable(origin) else origin


def _variant(i: int, prop: Proposal | None, raw: Mapping[str, Any], baseline: _Baseline, case_dir: Path,
             found: _Found) -> Variant | None:
    """One proposal: its patch file, components and patch on the baseline, validated."""
    where = ("proposals", str(i))
    patch = _Patch()
    _read_patch_file(raw, where, case_dir, patch, found)
    loaded = _components(raw, where, baseline, case_dir, patch, found)
    raw_patch = raw.get("patch", {})
    if isinstance(raw_patch, Mapping):
        pflat, probs = flatten_patch(raw_patch)
        found.extend((where + ("patch",) + p, m, v) for p, m, v in probs)
        patch.set(_absolutize(pflat, case_dir), lambda k: where + ("patch",) + tuple(k.split(".")))
    for k in list(patch.flat):
        if k.split(".")[0] == PAIRED_PREFIX:
            found.add(patch.origin[k], "a proposal may not change simulation.* keys: baseline and proposals are compared "
                      "over the same period, step and seeds (set them in case.baseline_patch or with --set)", patch.flat[k])
            del patch.flat[k]
    if baseline.data is None or baseline.scenario is None:
        return None
    sc = _patched_scenario(baseline, patch, where, found)
    if sc is None or prop is None:
        return None
    return Variant(name=prop.name, scenario=sc, proposal=prop, patch=patch.flat, components=loaded,
                   title_text=prop.title, description_text=prop.description)


def _read_patch_file(raw: Mapping[str, Any], where: tuple[str, ...], case_dir: Path, patch: _Patch,
                     found: _Found) -> None:
    patch_file = raw.get("patch_file")
    if not isinstance(patch_file, str):
        return
    ppath = Path(patch_file)
    if not ppath.is_absolute():
        ppath = case_dir / ppath
    if not ppath.is_file():
        found.add(where + ("patch_file",), f"patch file not found: {ppath}", patch_file)
        return
    try:
        pdoc = Document.read(ppath)
    except InputError as exc:
        found.elsewhere.extend(exc.problems)
        return
    pflat, probs = flatten_patch(pdoc.data)
    found.elsewhere.extend(pdoc.problem(p, m, v, shown=".".join(p)) for p, m, v in probs)
    patch.set(_absolutize(pflat, ppath.resolve().parent), where + ("patch_file",))


def _components(raw: Mapping[str, Any], where: tuple[str, ...], baseline: _Baseline, case_dir: Path, patch: _Patch,
                found: _Found) -> list[LoadedComponent]:
    """The proposal's components, loaded, and the scenario patches they provide."""
    loaded: list[LoadedComponent] = []
    raw_components = raw.get("components", [])
    if not isinstance(raw_components, list):
        return loaded
    for j, comp in enumerate(raw_components):
        cpath = where + ("components", str(j))
        if not isinstance(comp, Mapping) or not isinstance(comp.get("use"), str):
            continue  # the model check reported it
        params = comp.get("params", {})
        if not isinstance(params, Mapping):
            continue
        lc, probs = load_component(comp["use"], params, base_dir=case_dir, path=cpath)
        found.extend((p, m, NO_VALUE if v is _NOVALUE else v) for p, m, v in probs)
        if lc is None:
            continue
        loaded.append(lc)
        if lc.has_patch and baseline.data is not None:
            try:
                provided = dict(lc.component.scenario_patch(lc.params, copy.deepcopy(baseline.data)) or {})
            except InputError as exc:
                found.elsewhere.extend(_rebase(exc.problems, prefix=render_path(cpath + ("params",)), file=found.doc.file,
                                               line=found.doc.line(cpath)))
                continue
            except Exception as exc:  # noqa: BLE001 - a failing plugin is reported, not raised
                found.add(cpath + ("use",), f"the component failed in scenario_patch: {type(exc).__name__}: {exc}",
                          comp["use"])
                continue
            cflat, probs = flatten_patch(provided)
            found.extend((cpath + p, "the component provides " + m, v) for p, m, v in probs)
            patch.set(cflat, cpath)
    return loaded


def _patched_scenario(baseline: _Baseline, patch: _Patch, where: tuple[str, ...], found: _Found) -> Scenario | None:
    """The baseline with the proposal's patch, validated; each problem blamed on what set the key."""
    merged = copy.deepcopy(baseline.data)
    for key, msg, value in set_dotted(merged, patch.flat):
        found.add(patch.origin.get(key, where + ("patch",)), msg, value)
    try:
        return validate_scenario_data(merged, base_dir=baseline.dir)
    except InputError as exc:
        for p in exc.problems:
            # the key that set the value at fault, or one inside the section at fault
            key = next((k for k in patch.flat if p.path == k or p.path.startswith(k + ".")
                        or k.startswith(p.path + ".")), None)
            src = patch.origin.get(key) if key else None
            if src is not None and src[len(where):len(where) + 1] == ("patch",):
                found.add(where + ("patch",) + tuple(p.path.split(".")), p.message, p.value)
            elif src is not None and src[-1] == "patch_file":
                found.add(src, f"the patch file sets {p.path}: {p.message}", p.value)
            elif src is not None:
                found.add(src, f"the component provides {p.path}: {p.message}", p.value)
            else:
                found.add(where + ("patch",), f"the patched scenario is invalid at {p.path}: {p.message}", p.value)
        return None
