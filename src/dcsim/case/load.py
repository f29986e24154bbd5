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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from ..scenario.load import OVERRIDE_ORIGIN, get_dotted, read_document, validate_scenario_data
from ..scenario.load import set_dotted as scenario_set_dotted  # case.set_dotted words the problems
from ..scenario.schema import Scenario
from ._locate import Index, case_lines, line_of, render_path
from .components import _NOVALUE, LoadedComponent, load_component
from .model import BASELINE_NAME, Assumptions, CaseFile, CaseInfo, Proposal, text_in

#: Scenario keys holding file paths: relative paths are resolved against the file that wrote them.
PATH_KEYS = ("site.climate", "site.grid", "workload.trace.path")

#: Keys a proposal may not change: the comparison is paired over the same period, step and seeds.
PAIRED_PREFIX = "simulation"

Found = tuple[tuple[str, ...], str, Any]  # (path, message, value or _NOVALUE)


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
        if isinstance(value, str) and not value.lower().startswith("builtin:") and not Path(value).is_absolute():
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


def _model_problems(exc: ValidationError, model: type[BaseModel], prefix: tuple[str, ...]) -> list[Found]:
    out: list[Found] = []
    for err in exc.errors(include_url=False):
        loc = tuple(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            allowed = sorted(owner.model_fields) if owner else []
            close = difflib.get_close_matches(loc[-1], allowed, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            out.append((prefix + loc, f"unknown key; {hint}allowed here: {', '.join(allowed)}", err["input"]))
        elif err["type"] == "missing":
            out.append((prefix + loc, "required key is missing", _NOVALUE))
        else:
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
            out.append((prefix + loc, msg, err.get("input")))
    return out


def _model_at(model: type[BaseModel], loc: tuple[str, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if part.isdigit():
            continue
        if not _is_model(current):
            return None
        f = current.model_fields.get(part)
        if f is None:
            return None
        nxt = None
        for alt in _unwrap(f.annotation):
            if _is_model(alt):
                nxt = alt
            for arg in typing.get_args(alt):
                if _is_model(arg):
                    nxt = arg
        current = nxt
    return current if _is_model(current) else None


def _rebase(problems: list[Problem], *, prefix: str, file: str, line: int | None, lead: str = "") -> list[Problem]:
    out = []
    for p in problems:
        path = f"{prefix}.{p.path}" if p.path else prefix
        kwargs = {"value": p.value} if p.has_value else {}
        out.append(Problem(path, lead + p.message, file=file, line=line, **kwargs))
    return out


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
    import hashlib

    case_path = Path(path)
    data, text, fmt = read_document(case_path)
    file = str(case_path)
    case_dir = case_path.resolve().parent
    index: Index = case_lines(text, fmt)
    found: list[Found] = []
    extra: list[Problem] = []  # problems already located in another file

    def emit(items: list[Found]) -> None:
        found.extend(items)

    if not isinstance(data.get("case"), Mapping):
        raise InputError(
            Problem("case", "not a case file: expected a top-level [case] table with name and baseline", file=file)
        )
    allowed_top = list(CaseFile.model_fields)
    for key in data:
        if key not in allowed_top:
            close = difflib.get_close_matches(key, allowed_top, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            emit([((key,), f"unknown key; {hint}allowed at the top of a case file: {', '.join(allowed_top)}", data[key])])

    info: CaseInfo | None = None
    try:
        info = CaseInfo.model_validate(data["case"])
    except ValidationError as exc:
        emit(_model_problems(exc, CaseInfo, ("case",)))

    assumptions = Assumptions()
    raw_assumptions = data.get("assumptions", {})
    if not isinstance(raw_assumptions, Mapping):
        emit([(("assumptions",), "must be a table", raw_assumptions)])
    else:
        try:
            assumptions = Assumptions.model_validate(dict(raw_assumptions))
        except ValidationError as exc:
            emit(_model_problems(exc, Assumptions, ("assumptions",)))
    if replications is not None:
        if isinstance(replications, bool) or not isinstance(replications, int) or not 1 <= replications <= 200:
            extra.append(Problem("replications", "must be a whole number from 1 to 200", value=replications,
                                 file="--replications"))
        else:
            assumptions = assumptions.model_copy(update={"replications": replications})

    raw_proposals = data.get("proposals")
    proposals: list[tuple[int, Proposal | None, Mapping[str, Any]]] = []
    if raw_proposals is None:
        emit([(("proposals",), "required: at least one [[proposals]] table", _NOVALUE)])
    elif not isinstance(raw_proposals, list) or not raw_proposals:
        emit([(("proposals",), "must be a non-empty array of tables ([[proposals]])", raw_proposals)])
    else:
        seen: dict[str, int] = {}
        for i, raw in enumerate(raw_proposals):
            if not isinstance(raw, Mapping):
                emit([(("proposals", str(i)), "must be a table", raw)])
                continue
            prop = None
            try:
                prop = Proposal.model_validate(dict(raw))
            except ValidationError as exc:
                emit(_model_problems(exc, Proposal, ("proposals", str(i))))
            name = raw.get("name")
            if isinstance(name, str):
                if name == BASELINE_NAME:
                    emit([(("proposals", str(i), "name"), f"{BASELINE_NAME!r} names the baseline; choose another name", name)])
                elif name in seen:
                    emit([(("proposals", str(i), "name"), f"proposal names must be unique; proposals[{seen[name]}] has it too", name)])
                else:
                    seen[name] = i
            proposals.append((i, prop, raw))

    # ---- the baseline scenario
    baseline_sc: Scenario | None = None
    baseline_data: dict[str, Any] | None = None
    baseline_dir = case_dir
    raw_case = data["case"]
    baseline_ref = raw_case.get("baseline")
    if isinstance(baseline_ref, str) and baseline_ref:
        bpath = Path(baseline_ref)
        if not bpath.is_absolute():
            bpath = case_dir / bpath
        if not bpath.is_file():
            emit([(("case", "baseline"), f"baseline scenario not found: {bpath}", baseline_ref)])
        else:
            baseline_dir = bpath.resolve().parent
            try:
                bdata, btext, bfmt = read_document(bpath)
            except InputError as exc:
                extra.extend(exc.problems)
            else:
                if "case" in bdata or "sweep" in bdata:
                    emit([(("case", "baseline"), "must name a scenario file, not a case or sweep file", baseline_ref)])
                else:
                    try:  # the baseline as written, located in its own file
                        validate_scenario_data(bdata, base_dir=baseline_dir, file=str(bpath), text=btext, fmt=bfmt)
                    except InputError as exc:
                        extra.extend(exc.problems)
                    else:
                        baseline_data = _absolutize_data(bdata, baseline_dir)
    if baseline_data is not None:
        raw_bpatch = raw_case.get("baseline_patch", {})
        if isinstance(raw_bpatch, Mapping):
            flat, probs = flatten_patch(raw_bpatch)
            emit([(("case", "baseline_patch") + p, m, v) for p, m, v in probs])
            for key, msg, value in set_dotted(baseline_data, _absolutize(flat, case_dir)):
                emit([(("case", "baseline_patch") + tuple(key.split(".")), msg, value)])
        if overrides:
            flat, probs = flatten_patch(dict(overrides))
            for p, m, v in probs:
                kwargs = {} if v is _NOVALUE else {"value": v}
                extra.append(Problem(".".join(p), m, file=OVERRIDE_ORIGIN, **kwargs))
            for key, msg, value in set_dotted(baseline_data, _absolutize(flat, Path.cwd())):
                extra.append(Problem(key, msg, value=value, file=OVERRIDE_ORIGIN))
        try:
            baseline_sc = validate_scenario_data(baseline_data, base_dir=baseline_dir)
        except InputError as exc:
            extra.extend(
                _rebase(exc.problems, prefix="case.baseline_patch", file=file,
                        line=line_of(index, ("case", "baseline_patch")) or line_of(index, ("case",)),
                        lead="after baseline_patch and --set: ")
                if raw_case.get("baseline_patch") or overrides else exc.problems
            )

    # ---- proposals
    variants: list[Variant] = []
    for i, prop, raw in proposals:
        where = ("proposals", str(i))
        flat: dict[str, Any] = {}
        origin: dict[str, tuple[str, ...]] = {}  # dotted key -> path of what set it
        patch_file = raw.get("patch_file")
        if isinstance(patch_file, str):
            ppath = Path(patch_file)
            if not ppath.is_absolute():
                ppath = case_dir / ppath
            if not ppath.is_file():
                emit([(where + ("patch_file",), f"patch file not found: {ppath}", patch_file)])
            else:
                try:
                    pdata, ptext, pfmt = read_document(ppath)
                except InputError as exc:
                    extra.extend(exc.problems)
                else:
                    pflat, probs = flatten_patch(pdata)
                    pindex = case_lines(ptext, pfmt)
                    for p, m, v in probs:
                        kwargs = {} if v is _NOVALUE else {"value": v}
                        extra.append(Problem(".".join(p), m, file=str(ppath), line=line_of(pindex, p), **kwargs))
                    for k, v in _absolutize(pflat, ppath.resolve().parent).items():
                        flat[k] = v
                        origin[k] = where + ("patch_file",)
        loaded: list[LoadedComponent] = []
        raw_components = raw.get("components", [])
        if isinstance(raw_components, list):
            for j, comp in enumerate(raw_components):
                cpath = where + ("components", str(j))
                if not isinstance(comp, Mapping) or not isinstance(comp.get("use"), str):
                    continue  # the model check above reported it
                params = comp.get("params", {})
                if not isinstance(params, Mapping):
                    continue
                lc, probs = load_component(comp["use"], params, base_dir=case_dir, path=cpath)
                emit(probs)
                if lc is None:
                    continue
                loaded.append(lc)
                if lc.has_patch and baseline_data is not None:
                    try:
                        provided = dict(lc.component.scenario_patch(lc.params, copy.deepcopy(baseline_data)) or {})
                    except InputError as exc:
                        extra.extend(_rebase(exc.problems, prefix=render_path(cpath + ("params",)), file=file,
                                             line=line_of(index, cpath)))
                        continue
                    except Exception as exc:  # noqa: BLE001 - a failing plugin is reported, not raised
                        emit([(cpath + ("use",), f"the component failed in scenario_patch: {type(exc).__name__}: {exc}",
                               comp["use"])])
                        continue
                    cflat, probs = flatten_patch(provided)
                    emit([(cpath + p, "the component provides " + m, v) for p, m, v in probs])
                    for k, v in cflat.items():
                        flat[k] = v
                        origin[k] = cpath
        raw_patch = raw.get("patch", {})
        if isinstance(raw_patch, Mapping):
            pflat, probs = flatten_patch(raw_patch)
            emit([(where + ("patch",) + p, m, v) for p, m, v in probs])
            for k, v in _absolutize(pflat, case_dir).items():
                flat[k] = v
                origin[k] = where + ("patch",) + tuple(k.split("."))
        for k in list(flat):
            if k.split(".")[0] == PAIRED_PREFIX:
                emit([(origin[k], "a proposal may not change simulation.* keys: baseline and proposals are compared "
                       "over the same period, step and seeds (set them in case.baseline_patch or with --set)", flat[k])])
                del flat[k]
        if baseline_data is None or baseline_sc is None:
            continue
        merged = copy.deepcopy(baseline_data)
        for key, msg, value in set_dotted(merged, flat):
            emit([(origin.get(key, where + ("patch",)), msg, value)])
        try:
            sc = validate_scenario_data(merged, base_dir=baseline_dir)
        except InputError as exc:
            for p in exc.problems:
                value = p.value if p.has_value else _NOVALUE
                key = next((k for k in flat if p.path == k or p.path.startswith(k + ".")), None)
                src = origin.get(key) if key else None
                if src is not None and src[len(where):len(where) + 1] == ("patch",):
                    found.append((where + ("patch",) + tuple(p.path.split(".")), p.message, value))
                elif src is not None and src[-1] == "patch_file":
                    found.append((src, f"the patch file sets {p.path}: {p.message}", value))
                elif src is not None:
                    found.append((src, f"the component provides {p.path}: {p.message}", value))
                else:
                    found.append((where + ("patch",), f"the patched scenario is invalid at {p.path}: {p.message}", value))
            continue
        if prop is None:
            continue
        name = prop.name
        variants.append(
            Variant(name=name, scenario=sc, proposal=prop, patch=flat, components=loaded,
                    title_text=prop.title, description_text=prop.description)
        )

    problems = [
        Problem(render_path(p), m, file=file, line=line_of(index, p), **({} if v is _NOVALUE else {"value": v}))
        for p, m, v in found
    ] + extra
    if problems:
        n = len(problems)
        raise InputError(problems, title=f"{n} problem{'s' if n > 1 else ''} in the case")
    assert info is not None and baseline_sc is not None
    baseline = Variant(
        name=BASELINE_NAME,
        scenario=baseline_sc,
        title_text=info.baseline_title,
        description_text=info.baseline_description if info.baseline_description is not None else baseline_sc.description,
    )
    return Case(
        path=case_path,
        info=info,
        assumptions=assumptions,
        baseline=baseline,
        proposals=variants,
        overrides=dict(overrides or {}),
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
