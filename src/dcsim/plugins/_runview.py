"""The run as a post-processing component sees it: read only, changed only through methods.

A component gets a :class:`RunView`. Reading is free: ``run.timeseries[column]`` is a pandas
Series over read-only memory, ``run.kpis`` a read-only mapping, ``run.scenario`` the frozen
scenario (the component's own copy). Writing to any of them raises (``ValueError:
assignment destination is read-only``, ``TypeError``, pydantic's frozen-instance error).
The run changes only through the methods (``add_power``, ``add_water``, ...), each of which
keeps the columns, the KPIs that depend on them and the energy balance consistent; a
component may add columns of its own (``run.timeseries["x_kw"] = values``), not overwrite
recorded ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..cooling import COOLING_MODES, MODE_FREE_WEIGHT
from ..results import grid_cost_kpis, peak_hourly_kw

_CHANGE_METHODS = "add_power, add_water, set_cooling_mode, add_onsite_generation, set_price, add_heat_reuse"


def _read_only_series(col: pd.Series) -> pd.Series:
    """A copy of ``col`` whose values cannot be written in place (every write raises)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().copy()
        codes.flags.writeable = False
        values: Any = pd.Categorical.from_codes(codes, dtype=col.dtype)
    else:
        values = col.to_numpy(copy=True)
        values.flags.writeable = False
    return pd.Series(values, index=col.index, name=col.name, copy=False)


class TimeseriesView:
    """The recorded rows of a run, read only (what ``run.timeseries`` is).

    Like a DataFrame for reading: ``ts[column]`` (a pandas Series on the UTC ``ts.index``,
    whose values cannot be written), ``ts.index``, ``ts.columns``, ``column in ts``,
    ``len(ts)`` (rows), ``ts.to_frame()`` (a DataFrame copy, free to change, that changes
    nothing in the run). ``ts[name] = values`` adds a column of the component's own (kept
    in the run folder's timeseries.parquet); a recorded column cannot be assigned.
    """

    __slots__ = ("_frame", "_own")

    def __init__(self, frame: pd.DataFrame, own: set[str]):
        self._frame = frame
        self._own = own

    @property
    def index(self) -> pd.DatetimeIndex:
        return self._frame.index

    @property
    def columns(self) -> pd.Index:
        return self._frame.columns

    @property
    def shape(self) -> tuple[int, int]:
        return self._frame.shape

    def __len__(self) -> int:
        return len(self._frame)

    def __contains__(self, name: object) -> bool:
        return name in self._frame.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame.columns)

    def __getitem__(self, name: str) -> pd.Series:
        return _read_only_series(self._frame[name])

    def __setitem__(self, name: str, values: Any) -> None:
        if name in self._frame.columns and name not in self._own:
            raise TypeError(
                f"run.timeseries[{name!r}] is a recorded column and read only: change the run through "
                f"the RunView methods ({_CHANGE_METHODS}); a column of the component's own needs a new name"
            )
        self._frame[name] = values
        self._own.add(name)

    def __delitem__(self, name: str) -> None:
        raise TypeError(f"run.timeseries is read only: column {name!r} cannot be deleted")

    def to_frame(self) -> pd.DataFrame:
        """A copy of the rows as a DataFrame (changing it changes nothing in the run)."""
        return self._frame.copy()

    def __repr__(self) -> str:
        return f"<read-only timeseries: {len(self._frame)} rows x {len(self._frame.columns)} columns>"


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else 0.0


class RunView:
    """One run of a variant, as a post-processing component sees and changes it.

    ``timeseries`` has one row per ``record_step`` (UTC index); powers are means over the
    row in kW, so energy = power x ``record_step_h``. ``scenario``, ``timeseries`` and
    ``kpis`` are read only; change the run only through the methods below: each updates
    the columns, the KPIs that depend on them and the energy balance by *difference*, so a
    change of zero leaves every KPI bit-identical.

    dcsim makes the view from a run (its own copies of the timeseries and KPIs) and calls
    :meth:`finish` after the components ran.
    """

    __slots__ = ("_scenario", "_frame", "_ts", "_kpis", "_kpis_view", "_seed", "_notes", "_touched",
                 "_power_delta", "_start", "_finished", "_import0", "_fees")

    def __init__(self, scenario: Any, timeseries: pd.DataFrame, kpis: Mapping[str, float], seed: int):
        self._scenario = scenario.model_copy(deep=True) if hasattr(scenario, "model_copy") else scenario
        self._frame = timeseries.copy()
        self._ts = TimeseriesView(self._frame, set())
        self._kpis = dict(kpis)
        self._kpis_view = MappingProxyType(self._kpis)
        self._seed = int(seed)
        self._notes: list[str] = []
        self._touched = False
        self._power_delta: np.ndarray | None = None
        self._finished = False
        # The energy residual of each row and the facility energy before any component ran:
        # the engine's balance also counts heat stored in thermal masses, which the recorded
        # columns do not show, so the balance is carried forward by difference.
        self._start = (self._residual_rows(), float(self._kpis["energy_facility_kwh"]))
        # the grid import as the engine recorded it (a run recorded before it was: the draw)
        self._import0 = self._col("grid_import_kw" if "grid_import_kw" in self._frame.columns else "facility_power_kw")
        self._fees = None

    # -- what a component reads
    @property
    def scenario(self) -> Any:
        """The run's scenario (frozen; a copy, so nothing done to it reaches the run)."""
        return self._scenario

    @property
    def timeseries(self) -> TimeseriesView:
        """The recorded rows, read only (:class:`TimeseriesView`)."""
        return self._ts

    @property
    def kpis(self) -> Mapping[str, float]:
        """The run's KPIs as they stand (read-only mapping; the methods keep it up to date)."""
        return self._kpis_view

    @property
    def seed(self) -> int:
        """The seed of this run (one per weather year)."""
        return self._seed

    @property
    def notes(self) -> tuple[str, ...]:
        """The lines given to :meth:`note` so far."""
        return tuple(self._notes)

    @property
    def touched(self) -> bool:
        """Whether a method has changed the run."""
        return self._touched

    @property
    def record_step_h(self) -> float:
        return self._scenario.simulation.record_step / 3600.0

    # -- helpers
    def _residual_rows(self) -> np.ndarray:
        return self._col("facility_power_kw") - self._col("heat_rejected_kw") - self._col("heat_reused_kw")

    def _col(self, name: str) -> np.ndarray:
        if name not in self._frame.columns:
            self._frame[name] = 0.0
        return self._frame[name].to_numpy(dtype=np.float64)

    def _series(self, values: Any, what: str) -> np.ndarray:
        n = len(self._frame)
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim == 0:
            arr = np.full(n, float(arr))
        if arr.shape != (n,):
            raise ValueError(f"{what}: expected {n} values (one per timeseries row), got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{what}: values must be finite")
        return arr

    def _grid_import_kw(self) -> np.ndarray:
        """What the site buys in each row: the engine's grid import (the facility's draw, less
        what storage or a generator gave) plus every power a component added, less on-site
        generation up to that (generation beyond it is curtailed, not sold)."""
        imp = self._import0 if self._power_delta is None else self._import0 + self._power_delta
        if "onsite_generation_kw" in self._frame.columns:
            imp = imp - np.minimum(self._col("onsite_generation_kw"), np.maximum(imp, 0.0))
        return imp

    def _power_fees(self):
        """The grid's power fees (loaded from the scenario once, when a change needs them)."""
        if self._fees is None:
            from ..scenario.load import scenario_grid

            self._fees = scenario_grid(self._scenario)
        return self._fees

    def _cost_carbon(self) -> dict[str, float]:
        """The bill's parts and the carbon of the current grid import, at the rows' resolution
        (the power fee on hourly peaks of the rows: exact when a row is an hour or a whole part
        of one; rows are means, so longer rows bill a mean, and the change is what counts)."""
        h = self.record_step_h
        imp = self._grid_import_kw()
        price = self._col("price_sek_per_kwh")
        if "spot_sek_per_kwh" in self._frame.columns:
            parts = {name: self._col(name) for name in ("spot_sek_per_kwh", "tax_sek_per_kwh", "network_sek_per_kwh")}
        else:  # a run recorded before the price parts were: the whole price as spot
            parts = {"spot_sek_per_kwh": price, "tax_sek_per_kwh": 0.0 * price, "network_sek_per_kwh": 0.0 * price}
        fee = 0.0
        grid = self._power_fees()
        start = self._frame.index[0].tz_convert(None).to_datetime64()
        step_s = int(round(h * 3600))
        if grid.power_fees:
            fee = sum(grid.power_fee_sek(imp, start, step_s).values())
        out = grid_cost_kpis(imp, parts["spot_sek_per_kwh"], parts["tax_sek_per_kwh"], parts["network_sek_per_kwh"],
                             h=h, power_fee_sek=fee)
        out["carbon_kg"] = float((imp * self._col("grid_carbon_g_per_kwh")).sum() * h / 1000.0)
        out["peak_grid_kw"] = peak_hourly_kw(imp, int(np.datetime64(start, "s").astype(np.int64)), step_s)
        return out

    def _update_cost_carbon(self, before: dict[str, float]) -> None:
        self._frame["grid_import_kw"] = self._grid_import_kw()
        after = self._cost_carbon()
        for name, value in after.items():
            if name in self._kpis:
                self._kpis[name] += value - before[name]

    # -- what a component changes
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
        ts, k = self._frame, self._kpis
        ts[column] = self._col(column) + d
        ts["facility_power_kw"] = self._col("facility_power_kw") + d
        if category == "cooling":
            ts["cooling_power_kw"] = self._col("cooling_power_kw") + d
            k["energy_cooling_kwh"] += float(d.sum() * h)
        elif category == "electrical":
            ts["electrical_losses_kw"] = self._col("electrical_losses_kw") + d
            k["energy_electrical_losses_kwh"] += float(d.sum() * h)
        if rejected_outdoors:
            ts["heat_rejected_kw"] = self._col("heat_rejected_kw") + d
        k["energy_facility_kwh"] += float(d.sum() * h)
        self._power_delta = d if self._power_delta is None else self._power_delta + d
        self._update_cost_carbon(before)
        self._touched = True

    def add_water(self, l_per_h: Any) -> None:
        """Add site water use (litres per hour per row): ``water_m3`` and WUE follow."""
        w = self._series(l_per_h, "add_water")
        self._frame["water_l_per_h"] = self._col("water_l_per_h") + w
        self._kpis["water_m3"] += float(w.sum() * self.record_step_h / 1000.0)
        self._touched = True

    def set_cooling_mode(self, modes: Any) -> None:
        """Set each row's cooling mode (names from ``COOLING_MODES``); ``free_cooling_hours``
        changes by the difference, each row weighted as the engine's KPI weights it
        (``dcsim.cooling.MODE_FREE_WEIGHT``: free and evaporative whole, partial-free half)."""
        new = pd.Categorical(list(modes), categories=list(COOLING_MODES))
        if len(new) != len(self._frame) or new.isna().any():
            raise ValueError(f"set_cooling_mode: expected {len(self._frame)} names from {COOLING_MODES}")
        old = pd.Categorical(self._frame["cooling_mode"], categories=list(COOLING_MODES))

        def hours(c: pd.Categorical) -> float:
            return float(np.asarray(MODE_FREE_WEIGHT)[np.asarray(c.codes)].sum() * self.record_step_h)

        self._kpis["free_cooling_hours"] += hours(new) - hours(old)
        self._frame["cooling_mode"] = new
        self._touched = True

    def add_onsite_generation(self, kw: Any) -> None:
        """Electricity generated on site (kW per row, >= 0) and used by the facility: buys less
        from the grid, so ``energy_cost_sek`` and ``carbon_kg`` fall; facility energy and PUE
        do not change (ISO/IEC 30134-2 counts all energy the facility uses). Generation above
        the facility's draw in a row is not sold (curtailed)."""
        g = self._series(kw, "add_onsite_generation")
        if np.any(g < 0):
            raise ValueError("add_onsite_generation: generation must be >= 0 kW")
        before = self._cost_carbon()
        self._frame["onsite_generation_kw"] = self._col("onsite_generation_kw") + g
        self._update_cost_carbon(before)
        self._touched = True

    def set_price(self, price_sek_per_kwh: Any) -> None:
        """Replace the electricity price per kWh (SEK/kWh per row), e.g. another tariff. The
        change from the recorded price is booked on the spot part (``energy_cost_spot_sek``; the
        tax and network fee per kWh stay); the power fee stays the grid's."""
        p = self._series(price_sek_per_kwh, "set_price")
        before = self._cost_carbon()
        spot = self._col("spot_sek_per_kwh") if "spot_sek_per_kwh" in self._frame.columns else self._col("price_sek_per_kwh")
        self._frame["spot_sek_per_kwh"] = spot + (p - self._col("price_sek_per_kwh"))
        self._frame["price_sek_per_kwh"] = p
        self._update_cost_carbon(before)
        self._touched = True

    def add_heat_reuse(self, kw: Any, *, revenue_sek_per_kwh: Any = 0.0) -> None:
        """Heat delivered for reuse (kW per row) instead of being rejected outdoors, and what
        it earns: ``heat_reused_kwh``, ``heat_revenue_sek``, ERF and ERE follow."""
        q = self._series(kw, "add_heat_reuse")
        price = self._series(revenue_sek_per_kwh, "revenue_sek_per_kwh")
        h = self.record_step_h
        self._frame["heat_reused_kw"] = self._col("heat_reused_kw") + q
        self._frame["heat_rejected_kw"] = self._col("heat_rejected_kw") - q
        self._kpis["heat_reused_kwh"] += float(q.sum() * h)
        self._kpis["heat_revenue_sek"] += float((q * price).sum() * h)
        self._touched = True

    def note(self, text: str) -> None:
        """A line for the report's provenance section."""
        self._notes.append(str(text))

    # -- called by dcsim after the components ran
    def finish(self) -> tuple[pd.DataFrame, dict[str, float]]:
        """Recompute the ratio KPIs and the energy balance after the components changed the
        run, and hand back the run's timeseries and KPIs. Called once, by dcsim."""
        if self._finished:
            raise RuntimeError("RunView.finish() was already called")
        self._finished = True
        k = self._kpis
        if self._touched:
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
        return self._frame, dict(k)
