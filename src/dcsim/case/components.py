"""Loading components for a case: found by name, checked, validated, run on each variant's runs.

This is dcsim's side of the plugin interface. What a component author uses (the base class,
the entry-point group, ``requires_dcsim``, :class:`~dcsim.plugins.RunView`) is
:mod:`dcsim.plugins`, documented in docs/plugins.md; the names that used to be imported
from here (``API_VERSION``, ``ENTRY_POINT_GROUP``, ``Component``, ``RunView``) still are.

- :func:`available_components` / :func:`resolve_component`: the built-in components and
  those of installed packages (entry-point group ``dcsim.components``; built-in names are
  reserved);
- :func:`load_component`: a case file's ``use`` and ``params`` to a :class:`LoadedComponent`,
  or problems located under the component's path: unknown name, a package that fails to
  import, a component outside its ``requires_dcsim`` range, parameters its
  ``params_model`` refuses;
- :func:`run_postprocessors`: one run of a variant through its post-processors, each given
  a read-only :class:`~dcsim.plugins.RunView`; the manifest records which ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from ..plugins import API_VERSION, ENTRY_POINT_GROUP, Component, RunView
from ..plugins._component import compatibility_problem, overrides_hook
from ..results import Results


@dataclass
class LoadedComponent:
    """A component resolved from its name, with validated parameters."""

    name: str
    component: Any
    params: Any
    origin: str  # "built-in" or "<distribution> <version>"

    @property
    def has_postprocess(self) -> bool:
        return overrides_hook(self.component, "postprocess")

    @property
    def has_patch(self) -> bool:
        return overrides_hook(self.component, "scenario_patch")

    def describe(self, lang: str = "en") -> str:
        """The component's one line in ``lang``: its ``describe(params, lang=...)`` when it
        takes the language, else its ``describe(params)``; its title, else its name."""
        fn = getattr(self.component, "describe", None)
        text = ""
        if callable(fn):
            try:
                text = fn(self.params, lang=lang) if _takes_lang(fn) else fn(self.params)
            except Exception:  # noqa: BLE001 - a description must never break a report
                text = ""
        return text or getattr(self.component, "title", "") or self.name

    def params_json(self) -> Any:
        if isinstance(self.params, BaseModel):
            return self.params.model_dump(mode="json")
        return self.params


def _takes_lang(fn) -> bool:
    import inspect

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "lang" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _builtin_components() -> dict[str, Any]:
    from .datasheet import DatasheetCoolingUnit

    return {"datasheet-cooling-unit": DatasheetCoolingUnit}


def available_components() -> dict[str, str]:
    """Component names and where they come from ("built-in" or the plugin distribution)."""
    out = {name: "built-in" for name in _builtin_components()}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in out:
            continue  # built-in names are reserved
        dist = getattr(ep, "dist", None)
        out[ep.name] = f"{dist.name} {dist.version}" if dist is not None else ep.value
    return out


def _instantiate(obj: Any) -> Any:
    return obj() if isinstance(obj, type) else obj


def resolve_component(name: str) -> tuple[Any, str]:
    """The component object for ``name`` and its origin. Raises KeyError when unknown,
    ImportError/other errors when the plugin cannot be loaded."""
    builtins = _builtin_components()
    if name in builtins:
        return _instantiate(builtins[name]), "built-in"
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            dist = getattr(ep, "dist", None)
            origin = f"{dist.name} {dist.version}" if dist is not None else ep.value
            return _instantiate(ep.load()), origin
    raise KeyError(name)


def load_component(name: str, params: Mapping[str, Any], *, base_dir, path: tuple[str, ...]) -> tuple[LoadedComponent | None, list[tuple[tuple[str, ...], str, Any]]]:
    """Resolve ``name`` and validate ``params``. Returns (component or None, problems).

    Problems are ``(path, message, value)`` with paths relative to the case file:
    ``path + ("use",)`` for the name, ``path + ("params", ...)`` for parameters.
    """
    import difflib

    problems: list[tuple[tuple[str, ...], str, Any]] = []
    try:
        obj, origin = resolve_component(name)
    except KeyError:
        known = available_components()
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        allowed = ", ".join(known) or "(none)"
        problems.append(
            (
                path + ("use",),
                f"unknown component; {hint}installed: {allowed}. A plugin package registers its components "
                f"under the entry-point group {ENTRY_POINT_GROUP!r} (pip install it into the same environment)",
                name,
            )
        )
        return None, problems
    except Exception as exc:  # noqa: BLE001 - a broken plugin is an input problem of the case
        problems.append((path + ("use",), f"the component could not be loaded: {type(exc).__name__}: {exc}", name))
        return None, problems
    refusal = compatibility_problem(obj, who=f"component {name!r} ({origin})")
    if refusal is not None:
        problems.append((path + ("use",), refusal, name))
        return None, problems
    model = getattr(obj, "params_model", None)
    value: Any = dict(params)
    if model is not None:
        try:
            value = model.model_validate(dict(params), context={"base_dir": base_dir})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(str(p) for p in err["loc"])
                msg = err["msg"]
                if msg.startswith("Value error, "):
                    msg = msg[len("Value error, "):]
                if err["type"] == "extra_forbidden":
                    allowed = ", ".join(model.model_fields)
                    msg = f"unknown parameter; allowed: {allowed}"
                if err["type"] == "missing":
                    problems.append((path + ("params",) + loc, "required parameter is missing", _NOVALUE))
                else:
                    problems.append((path + ("params",) + loc, msg, err.get("input")))
            return None, problems
        except InputError as exc:
            for p in exc.problems:
                sub = tuple(p.path.split(".")) if p.path else ()
                problems.append((path + ("params",) + sub, p.message, p.value if p.has_value else _NOVALUE))
            return None, problems
    return LoadedComponent(name=name, component=obj, params=value, origin=origin), problems


_NOVALUE = object()


def run_postprocessors(results, components: list[LoadedComponent], seed: int):
    """Apply the post-processing components of a variant to one run; returns (results, notes)."""
    post = [c for c in components if c.has_postprocess]
    if not post:
        return results, []
    view = RunView(scenario=results.scenario, timeseries=results.timeseries, kpis=results.kpis, seed=seed)
    for c in post:
        try:
            c.component.postprocess(view, c.params)
        except InputError:
            raise
        except Exception as exc:
            raise RuntimeError(f"component {c.name!r} ({c.origin}) failed in postprocess: {type(exc).__name__}: {exc}") from exc
    timeseries, kpis = view.finish()
    manifest = dict(results.manifest)
    manifest["components"] = [
        {"name": c.name, "origin": c.origin, "params": c.params_json(), "description": c.describe()} for c in components
    ]
    notes = list(view.notes)
    manifest["component_notes"] = notes
    out = Results(scenario=results.scenario, kpis=kpis, timeseries=timeseries, racks=results.racks, manifest=manifest)
    return out, notes


__all__ = [
    "API_VERSION",
    "ENTRY_POINT_GROUP",
    "Component",
    "LoadedComponent",
    "RunView",
    "available_components",
    "load_component",
    "resolve_component",
]
