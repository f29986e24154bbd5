"""Plugin components: concepts with code, found through the entry-point group ``dcsim.components``.

A component is what a company writes when its concept is more than a datasheet. In this
version a component can do two things (docs/plugins.md has the full guide):

1. **Provide parameters** (``scenario_patch``): return dotted scenario keys and values that
   are merged into the proposal's scenario, after ``patch_file`` and before the proposal's own
   ``patch``. They are validated against the scenario schema like a patch. Example: a vendor's
   UPS model name resolved to its efficiency.
2. **Post-process a run** (``postprocess``): change the recorded timeseries and KPIs of each run
   of the proposal through a :class:`RunView`, whose methods keep energies, cost, carbon,
   water, the ratios (PUE, WUE, CUE, ERF, ERE) and the energy balance consistent. Examples: on-site
   solar that the facility uses, a different electricity tariff, a free-cooling unit given by
   its datasheet (the built-in ``datasheet-cooling-unit``).

A post-processor works on the recorded timeseries (``simulation.record_step`` rows, hourly by
default), after the compiled physics has run: it cannot change temperatures the engine
computed, and its changes are as accurate as an hourly energy balance. The report says
which components ran on which variant.

Registering a component (in the plugin package's ``pyproject.toml``)::

    [project.entry-points."dcsim.components"]
    acme-solar = "acme_dcsim:Solar"      # a class (instantiated without arguments) or an instance

Using it in a case file::

    [[proposals.components]]
    use = "acme-solar"
    params = { peak_kw = 250 }
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from ..cooling import COOLING_MODES, MODE_FREE, MODE_PARTIAL_FREE
from ..errors import InputError

ENTRY_POINT_GROUP = "dcsim.components"
API_VERSION = 1


class Component:
    """Base class of components (subclassing it is optional: the attributes are what count).

    Attributes
    ----------
    api_version : int
        The component API the component was written for; dcsim refuses other versions.
    title : str
        One line shown in reports ("On-site solar PV").
    params_model : type[pydantic.BaseModel] or None
        Model of the ``params`` table. Use ``ConfigDict(extra="forbid")`` so a typo is an error;
        the model sees ``{"base_dir": Path}`` (the case file's folder) as validation context.
        None: the params table is passed on as a plain dict.
    """

    api_version: ClassVar[int] = API_VERSION
    title: ClassVar[str] = ""
    params_model: ClassVar[type[BaseModel] | None] = None

    def scenario_patch(self, params: Any, scenario: Mapping[str, Any]) -> Mapping[str, Any]:
        """Dotted scenario keys and values to merge into the proposal (default: none).

        ``scenario`` is the baseline scenario as plain data (read only).
        """
        return {}

    def postprocess(self, run: RunView, params: Any) -> None:
        """Change one run's timeseries and KPIs through ``run`` (default: nothing)."""

    def describe(self, params: Any) -> str:
        """One line for the report's provenance (default: the title)."""
        return self.title


@dataclass
class LoadedComponent:
    """A component resolved from its name, with validated parameters."""

    name: str
    component: Any
    params: Any
    origin: str  # "built-in" or "<distribution> <version>"

    @property
    def has_postprocess(self) -> bool:
        return _overrides(self.component, "postprocess")

    @property
    def has_patch(self) -> bool:
        return _overrides(self.component, "scenario_patch")

    def describe(self) -> str:
        fn = getattr(self.component, "describe", None)
        text = ""
        if callable(fn):
            try:
                text = fn(self.params)
            except Exception:  # noqa: BLE001 - a description must never break a report
                text = ""
        return text or getattr(self.component, "title", "") or self.name

    def params_json(self) -> Any:
        if isinstance(self.params, BaseModel):
            return self.params.model_dump(mode="json")
        return self.params


def _overrides(obj: Any, name: str) -> bool:
    fn = getattr(obj, name, None)
    if not callable(fn):
        return False
    base = getattr(Component, name)
    return getattr(fn, "__func__", fn) is not base


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
    version = getattr(obj, "api_version", None)
    if version != API_VERSION:
        problems.append(
            (path + ("use",), f"component written for component API {version!r}; this dcsim supports {API_VERSION}", name)
        )
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


# --------------------------------------------------------------------------- RunView


_RATIO_KPIS = ("pue", "ppue_cooling", "wue_l_per_kwh", "cue_kg_per_kwh", "erf", "ere")


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else 0.0


@dataclass
class RunView:
    """One run of a variant, as a post-processing component sees and changes it.

    ``timeseries`` has one row per ``record_step`` (UTC index); powers are means over the
    row in kW, so energy = power x ``record_step_h``. Change the run only through the
    methods below: each updates the columns, the KPIs that depend on them and the energy
    balance by *difference*, so a change of zero leaves every KPI bit-identical. Columns a
    component adds for its own use are kept in the run folder's timeseries.parquet.
    """

    scenario: Any
    timeseries: pd.DataFrame
    kpis: dict[str, float]
    seed: int
    notes: list[str] = field(default_factory=list)
    touched: bool = False
    _power_delta: np.ndarray | None = None
    _start: tuple[np.ndarray, float] | None = None

    def __post_init__(self) -> None:
        # The energy residual of each row and the facility energy before any component ran:
        # the engine's balance also counts heat stored in thermal masses, which the recorded
        # columns do not show, so the balance is carried forward by difference.
        self._start = (self._residual_rows(), float(self.kpis["energy_facility_kwh"]))

    def _residual_rows(self) -> np.ndarray:
        return self._col("facility_power_kw") - self._col("heat_rejected_kw") - self._col("heat_reused_kw")

    @property
    def record_step_h(self) -> float:
        return self.scenario.simulation.record_step / 3600.0

    # -- helpers
    def _col(self, name: str) -> np.ndarray:
        if name not in self.timeseries.columns:
            self.timeseries[name] = 0.0
        return self.timeseries[name].to_numpy(dtype=np.float64)

    def _series(self, values: Any, what: str) -> np.ndarray:
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim == 0:
            arr = np.full(len(self.timeseries), float(arr))
        if arr.shape != (len(self.timeseries),):
            raise ValueError(f"{what}: expected {len(self.timeseries)} values (one per timeseries row), got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{what}: values must be finite")
        return arr

    def _grid_import_kw(self) -> np.ndarray:
        fac = self._col("facility_power_kw")
        if "onsite_generation_kw" in self.timeseries.columns:
            gen = self._col("onsite_generation_kw")
            return fac - np.minimum(gen, fac)
        return fac

    def _cost_carbon(self) -> tuple[float, float]:
        h = self.record_step_h
        imp = self._grid_import_kw()
        cost = float((imp * self._col("price_sek_per_kwh")).sum() * h)
        carbon = float((imp * self._col("grid_carbon_g_per_kwh")).sum() * h / 1000.0)
        return cost, carbon

    def _update_cost_carbon(self, before: tuple[float, float]) -> None:
        after = self._cost_carbon()
        self.kpis["energy_cost_sek"] += after[0] - before[0]
        self.kpis["carbon_kg"] += after[1] - before[1]

    # -- the API
    def add_power(self, delta_kw: Any, *, column: str, category: str = "cooling", rejected_outdoors: bool = True) -> None:
        """Add electric power (kW per row, negative to save) drawn by the facility.

        ``column`` is the equipment's own column (created at 0 if missing, e.g.
        ``"economiser_power_kw"`` or the existing ``"chiller_power_kw"``); ``category`` is
        ``"cooling"``, ``"electrical"`` (losses) or ``"other"``, and decides which energy KPI
        moves besides ``energy_facility_kwh``. With ``rejected_outdoors`` the same power leaves
        as heat to outdoor air (``heat_rejected_kw``), which keeps the energy balance closed.
        ``peak_facility_kw`` moves by the largest net change of any row over all calls
        (conservative: rows are means, the peak is a physics-step value).
        """
        if category not in ("cooling", "electrical", "other"):
            raise ValueError("category must be 'cooling', 'electrical' or 'other'")
        d = self._series(delta_kw, "add_power")
        h = self.record_step_h
        before = self._cost_carbon()
        self.timeseries[column] = self._col(column) + d
        self.timeseries["facility_power_kw"] = self._col("facility_power_kw") + d
        if category == "cooling":
            self.timeseries["cooling_power_kw"] = self._col("cooling_power_kw") + d
            self.kpis["energy_cooling_kwh"] += float(d.sum() * h)
        elif category == "electrical":
            self.timeseries["electrical_losses_kw"] = self._col("electrical_losses_kw") + d
            self.kpis["energy_electrical_losses_kwh"] += float(d.sum() * h)
        if rejected_outdoors:
            self.timeseries["heat_rejected_kw"] = self._col("heat_rejected_kw") + d
        self.kpis["energy_facility_kwh"] += float(d.sum() * h)
        self._power_delta = d if self._power_delta is None else self._power_delta + d
        self._update_cost_carbon(before)
        self.touched = True

    def add_water(self, l_per_h: Any) -> None:
        """Add site water use (litres per hour per row): ``water_m3`` and WUE follow."""
        w = self._series(l_per_h, "add_water")
        self.timeseries["water_l_per_h"] = self._col("water_l_per_h") + w
        self.kpis["water_m3"] += float(w.sum() * self.record_step_h / 1000.0)
        self.touched = True

    def set_cooling_mode(self, modes: Any) -> None:
        """Set each row's cooling mode (names from ``dcsim.cooling.COOLING_MODES``);
        ``free_cooling_hours`` changes by the difference (free rows count whole, partial half)."""
        new = pd.Categorical(list(modes), categories=list(COOLING_MODES))
        if len(new) != len(self.timeseries) or new.isna().any():
            raise ValueError(f"set_cooling_mode: expected {len(self.timeseries)} names from {COOLING_MODES}")
        old = pd.Categorical(self.timeseries["cooling_mode"], categories=list(COOLING_MODES))

        def hours(c: pd.Categorical) -> float:
            codes = np.asarray(c.codes)
            return float(((codes == MODE_FREE).sum() + 0.5 * (codes == MODE_PARTIAL_FREE).sum()) * self.record_step_h)

        self.kpis["free_cooling_hours"] += hours(new) - hours(old)
        self.timeseries["cooling_mode"] = new
        self.touched = True

    def add_onsite_generation(self, kw: Any) -> None:
        """Electricity generated on site (kW per row, >= 0) and used by the facility: buys less
        from the grid, so ``energy_cost_sek`` and ``carbon_kg`` fall; facility energy and PUE
        do not change (ISO/IEC 30134-2 counts all energy the facility uses). Generation above
        the facility's draw in a row is not sold (curtailed)."""
        g = self._series(kw, "add_onsite_generation")
        if np.any(g < 0):
            raise ValueError("add_onsite_generation: generation must be >= 0 kW")
        before = self._cost_carbon()
        self.timeseries["onsite_generation_kw"] = self._col("onsite_generation_kw") + g
        self.timeseries["grid_import_kw"] = self._grid_import_kw()
        self._update_cost_carbon(before)
        self.touched = True

    def set_price(self, price_sek_per_kwh: Any) -> None:
        """Replace the electricity price (SEK/kWh per row), e.g. another tariff."""
        p = self._series(price_sek_per_kwh, "set_price")
        before = self._cost_carbon()
        self.timeseries["price_sek_per_kwh"] = p
        self._update_cost_carbon(before)
        self.touched = True

    def add_heat_reuse(self, kw: Any, *, revenue_sek_per_kwh: Any = 0.0) -> None:
        """Heat delivered for reuse (kW per row) instead of being rejected outdoors, and what
        it earns: ``heat_reused_kwh``, ``heat_revenue_sek``, ERF and ERE follow."""
        q = self._series(kw, "add_heat_reuse")
        price = self._series(revenue_sek_per_kwh, "revenue_sek_per_kwh")
        h = self.record_step_h
        self.timeseries["heat_reused_kw"] = self._col("heat_reused_kw") + q
        self.timeseries["heat_rejected_kw"] = self._col("heat_rejected_kw") - q
        self.kpis["heat_reused_kwh"] += float(q.sum() * h)
        self.kpis["heat_revenue_sek"] += float((q * price).sum() * h)
        self.touched = True

    def note(self, text: str) -> None:
        """A line for the report's provenance section."""
        self.notes.append(str(text))

    # -- called by dcsim after the components ran
    def finish(self) -> None:
        """Recompute the ratio KPIs and the energy balance after a component changed the run."""
        if not self.touched:
            return
        k = self.kpis
        if self._power_delta is not None and len(self._power_delta):
            k["peak_facility_kw"] += max(0.0, float(self._power_delta.max()))
        e_it, e_fac = k["energy_it_kwh"], k["energy_facility_kwh"]
        k["pue"] = _ratio(e_fac, e_it)
        k["ppue_cooling"] = _ratio(e_it + k["energy_cooling_kwh"], e_it)
        k["wue_l_per_kwh"] = _ratio(k["water_m3"] * 1000.0, e_it)
        k["cue_kg_per_kwh"] = _ratio(k["carbon_kg"], e_it)
        k["erf"] = _ratio(k["heat_reused_kwh"], e_fac)
        k["ere"] = _ratio(e_fac - k["heat_reused_kwh"], e_it)
        rows0, e_fac0 = self._start
        added = float((self._residual_rows() - rows0).sum() * self.record_step_h)
        if added != 0.0 or e_fac != e_fac0:
            # |engine residual + added residual| <= engine residual + |added| (conservative)
            bound = k["energy_balance_rel_error"] * e_fac0 + abs(added)
            k["energy_balance_rel_error"] = bound / e_fac if e_fac > 0 else 0.0
        bad = [name for name, v in k.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"a component left non-finite KPIs: {', '.join(bad)}")


def run_postprocessors(results, components: list[LoadedComponent], seed: int):
    """Apply the post-processing components of a variant to one run; returns (results, notes)."""
    post = [c for c in components if c.has_postprocess]
    if not post:
        return results, []
    from ..results import Results

    view = RunView(scenario=results.scenario, timeseries=results.timeseries.copy(), kpis=dict(results.kpis), seed=seed)
    for c in post:
        try:
            c.component.postprocess(view, c.params)
        except InputError:
            raise
        except Exception as exc:
            raise RuntimeError(f"component {c.name!r} ({c.origin}) failed in postprocess: {type(exc).__name__}: {exc}") from exc
    view.finish()
    manifest = dict(results.manifest)
    manifest["components"] = [
        {"name": c.name, "origin": c.origin, "params": c.params_json(), "description": c.describe()} for c in components
    ]
    manifest["component_notes"] = list(view.notes)
    out = Results(scenario=results.scenario, kpis=view.kpis, timeseries=view.timeseries, racks=results.racks, manifest=manifest)
    return out, view.notes


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
