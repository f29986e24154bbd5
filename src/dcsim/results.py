"""Results of a run: KPIs, timeseries, per-rack table, provenance; saving and loading.

KPI definitions follow ISO/IEC 30134 (PUE, WUE, CUE, ERF, ERE) and ASHRAE TC9.9 (inlet
envelopes), as listed in REFERENCES.md. Energies integrate every physics step; the saved
timeseries is an aggregate at ``simulation.record_step``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .cooling import COOLING_MODES, MODE_FREE_WEIGHT
from .eu_reporting import EU_SECTION as REPORTING_SECTION
from .grid.tariffs import hourly_mean_kw

#: The contract KPI names (DESIGN.md section 3), in report order.
KPI_NAMES = (
    "energy_it_kwh",
    "energy_facility_kwh",
    "energy_cooling_kwh",
    "energy_electrical_losses_kwh",
    "pue",
    "ppue_cooling",
    "water_m3",
    "wue_l_per_kwh",
    "carbon_kg",
    "cue_kg_per_kwh",
    "heat_reused_kwh",
    "erf",
    "ere",
    "energy_cost_sek",
    "heat_revenue_sek",
    "peak_facility_kw",
    "max_inlet_c",
    "rack_hours_above_recommended",
    "rack_hours_above_allowable",
    "free_cooling_hours",
    "jobs_completed",
    "wait_mean_s",
    "wait_p95_s",
    "deadline_miss_rate",
    "energy_balance_rel_error",
    "sim_wall_s",
)

#: KPIs dcsim reports beyond the contract (added after it, never replacing a contract name).
EXTRA_KPI_NAMES = (
    "energy_it_fans_kwh",
    "unmet_cooling_kwh",
    "xfactor_failure_rate",
    "it_work_shortfall_pct",
    "unmet_cooling_hours",
    "it_work_not_done_pct",
    "server_hours_shut_down",
    "condensation_risk_hours",
    "heat_pump_uneconomic_hours",
    "energy_cost_spot_sek",
    "energy_cost_network_sek",
    "energy_cost_power_fee_sek",
    "energy_cost_tax_sek",
    "peak_grid_kw",
    "battery_cycles",
    "flex_revenue_sek",
    "flex_activated_kwh",
    "battery_degradation_cost_sek",
    "battery_balance_rel_error",
    "generator_kwh",
    "generator_fuel_l",
    "generator_fuel_cost_sek",
    "generator_carbon_kg",
    "unserved_energy_kwh",
    "unserved_hours",
    "heat_delivered_kwh",
    "energy_heat_pump_kwh",
    "ppue_heat_reuse",
    "heat_pump_inside_boundary",
    "heat_pump_held_on_hours",
)

#: Timeseries columns aggregated by maximum rather than mean.
_MAX_COLUMNS = ("max_inlet_c",)

#: Timeseries columns that are a ratio of two step series, in %: each recorded row is the ratio
#: of the interval's sums (the work not done over the work asked for), never a mean of per-step
#: ratios, which would weigh an idle step like a busy one. The two inputs are step columns that
#: the KPIs read; the timeseries holds the ratio in the numerator's place, not the inputs.
_RATIO_COLUMNS = {"it_work_not_done_pct": ("work_not_done", "work_demand")}
_RATIO_AT = {num: ratio for ratio, (num, _) in _RATIO_COLUMNS.items()}
_RATIO_INPUTS = frozenset(name for pair in _RATIO_COLUMNS.values() for name in pair)


def _ratio(num: float, den: float) -> float:
    """num/den, or 0 when the denominator is 0 (a KPI that does not apply is 0, never missing)."""
    return float(num / den) if den > 0 else 0.0


def grid_cost_kpis(grid_kw: np.ndarray, spot: np.ndarray, tax: np.ndarray, network: np.ndarray, *,
                   h: float, power_fee_sek: float) -> dict[str, float]:
    """The electricity bill of a grid import ``grid_kw`` (kW per row of ``h`` hours) at the
    price parts (SEK/kWh excl. VAT per row) plus the power fee (SEK, billed on the peaks by
    :meth:`dcsim.grid.GridSeries.power_fee_sek`): ``energy_cost_sek`` and its four parts,
    which sum to it."""
    parts = {
        "energy_cost_spot_sek": float((grid_kw * spot).sum() * h),
        "energy_cost_network_sek": float((grid_kw * network).sum() * h),
        "energy_cost_power_fee_sek": float(power_fee_sek),
        "energy_cost_tax_sek": float((grid_kw * tax).sum() * h),
    }
    return {"energy_cost_sek": sum(parts.values()), **parts}


def compute_kpis(columns: dict[str, np.ndarray], *, dt_s: float, step_s: int, racks,
                 heat_price_sek_per_mwh=0.0, work_shortfall_pct: float = 0.0,
                 power_fee_sek: float = 0.0, start_s: int = 0,
                 heat_pump_inside_boundary: bool = True) -> dict[str, float]:
    """Contract KPIs from full-resolution step series (kW, °C) and per-rack accumulators.

    Heat reused is paid ``heat_price_sek_per_mwh`` (one price, or one per step); free-cooling hours weigh each step by its
    mode (dcsim.cooling.MODE_FREE_WEIGHT: free, evaporative and free-dry 1, partial-free 0.5,
    mechanical 0), and only the
    steps whose cooling load was met: a step with unmet cooling counts towards
    ``unmet_cooling_hours`` instead (a room that overheats on outdoor air is not free cooling).
    ``it_work_not_done_pct`` is the share of the work asked for over the run (server-equivalents
    x steps, the step columns ``work_demand`` and ``work_not_done``) that throttled or shut-down
    servers did not do."""
    h = dt_s / 3600.0
    e_it = float(columns["it_power_kw"].sum() * h)
    e_fac = float(columns["facility_power_kw"].sum() * h)
    e_cool = float(columns["cooling_power_kw"].sum() * h)
    e_loss = float(columns["electrical_losses_kw"].sum() * h)
    e_reused = float(columns["heat_reused_kw"].sum() * h)
    e_hp = float(columns["heat_pump_power_kw"].sum() * h)
    water_l = float(columns["water_l_per_h"].sum() * h)
    grid_kw = columns["grid_import_kw"]
    carbon_kg = float((grid_kw * columns["grid_carbon_g_per_kwh"]).sum() * h / 1000.0)
    costs = grid_cost_kpis(grid_kw, columns["spot_sek_per_kwh"], columns["tax_sek_per_kwh"],
                           columns["network_sek_per_kwh"], h=h, power_fee_sek=power_fee_sek)
    modes = columns["cooling_mode"]
    unmet_kw = columns["unmet_cooling_kw"]
    # met: what is left is round-off, not a shortfall (below a millionth of the IT load, or 1 W)
    unmet_steps = unmet_kw > 1e-6 * np.maximum(columns["it_power_kw"], 1000.0)
    free_h = float((np.asarray(MODE_FREE_WEIGHT)[modes] * ~unmet_steps).sum() * h)
    # Energy balance (first law over the period): electricity in = heat rejected outdoors
    # + heat reused + the change of heat stored in racks, room air, structure and buffer tank.
    # The kernel books the stored heat from the same flows as the nodes' temperature changes
    # (tests/test_facility.py checks it against C dT of every node), and the plant builds the
    # heat rejected from the coil and liquid heat plus each kW it and the electrical chain
    # draw: so this checks the plant's and the chain's bookkeeping, that every kW of
    # electricity leaves as heat somewhere, not the air-side node model itself.
    e_rejected = float(columns["heat_rejected_kw"].sum() * h)
    e_stored = float(columns["stored_heat_kw"].sum() * h)
    balance = _ratio(abs(e_fac - e_rejected - e_reused - e_stored), e_fac)
    erf = _ratio(e_reused, e_fac)
    kpis = {
        "energy_it_kwh": e_it,
        "energy_facility_kwh": e_fac,
        "energy_cooling_kwh": e_cool,
        "energy_electrical_losses_kwh": e_loss,
        "pue": _ratio(e_fac, e_it),
        "ppue_cooling": _ratio(e_it + e_cool, e_it),
        "water_m3": water_l / 1000.0,
        "wue_l_per_kwh": _ratio(water_l, e_it),
        "carbon_kg": carbon_kg,
        "cue_kg_per_kwh": _ratio(carbon_kg, e_it),
        "heat_reused_kwh": e_reused,
        "erf": erf,
        "ere": _ratio(e_fac - e_reused, e_it),
        "energy_cost_sek": costs["energy_cost_sek"],
        "heat_revenue_sek": float((columns["heat_reused_kw"] * np.asarray(heat_price_sek_per_mwh, dtype=np.float64)).sum()
                                  * h / 1000.0),
        "peak_facility_kw": float(columns["facility_power_kw"].max()),
        "max_inlet_c": float(columns["max_inlet_c"].max()),
        "rack_hours_above_recommended": float(racks.seconds_above_recommended.sum() / 3600.0),
        "rack_hours_above_allowable": float(racks.seconds_above_allowable.sum() / 3600.0),
        "free_cooling_hours": free_h,
        "jobs_completed": 0.0,
        "wait_mean_s": 0.0,
        "wait_p95_s": 0.0,
        "deadline_miss_rate": 0.0,
        "energy_balance_rel_error": balance,
        "sim_wall_s": 0.0,
        "energy_it_fans_kwh": float(columns["it_fan_power_kw"].sum() * h),
        "unmet_cooling_kwh": float(columns["unmet_cooling_kw"].sum() * h),
        # ASHRAE X-factor averaged over racks and time: failure rate relative to 20 °C inlets
        "xfactor_failure_rate": float(racks.xfactor_seconds.sum() / (len(racks.xfactor_seconds) * len(modes) * dt_s)),
        "it_work_shortfall_pct": float(work_shortfall_pct),
        "unmet_cooling_hours": float(unmet_steps.sum() * h),
        "it_work_not_done_pct": 100.0 * _ratio(float(columns["work_not_done"].sum()), float(columns["work_demand"].sum())),
        "server_hours_shut_down": float(columns["servers_shut_down"].sum() * h),
        "condensation_risk_hours": float(columns["condensation_risk"].sum() * h),
        "heat_pump_uneconomic_hours": float(columns["heat_pump_uneconomic"].sum() * h),
        **{k: v for k, v in costs.items() if k != "energy_cost_sek"},
        "peak_grid_kw": peak_hourly_kw(grid_kw, start_s, step_s),
        # the battery's (dcsim.engine.apply_storage fills them; 0 without one)
        "battery_cycles": 0.0,
        "flex_revenue_sek": 0.0,
        "flex_activated_kwh": 0.0,
        "battery_degradation_cost_sek": 0.0,
        "battery_balance_rel_error": 0.0,
        # the standby generator's and the outages' (dcsim.engine.apply_storage; 0 without them)
        "generator_kwh": 0.0,
        "generator_fuel_l": 0.0,
        "generator_fuel_cost_sek": 0.0,
        "generator_carbon_kg": 0.0,
        "unserved_energy_kwh": 0.0,
        "unserved_hours": 0.0,
        # heat reuse's boundary (ISO/IEC 30134-6): heat_reused_kwh, ERF and ERE count the heat
        # leaving the datacenter's boundary; the network gets heat_delivered_kwh, which includes a
        # utility-owned heat pump's electricity. ppue_heat_reuse is the heat pump's own partial
        # PUE, (E_IT + E_heat_pump) / E_IT (ISO/IEC 30134-2's pPUE of a subsystem), inside the
        # boundary or not; heat_pump_inside_boundary says whether energy_facility_kwh and PUE hold it
        "heat_delivered_kwh": float(columns["heat_delivered_kw"].sum() * h),
        "energy_heat_pump_kwh": e_hp,
        "ppue_heat_reuse": _ratio(e_it + e_hp, e_it),
        "heat_pump_inside_boundary": 1.0 if heat_pump_inside_boundary else 0.0,
        # hours the heat pump ran at a loss only to meet heat_reuse.min_run_time_s
        "heat_pump_held_on_hours": float(columns["heat_pump_held_on"].sum() * h),
    }
    return kpis


def peak_hourly_kw(power_kw: np.ndarray, start_s: int, step_s: int) -> float:
    """The highest mean of ``power_kw`` over a clock hour of the run: the peak a network power
    fee bills, by the same hourly mean (:func:`dcsim.grid.tariffs.hourly_mean_kw`; a step that
    does not divide an hour, or is longer, counts on its own; an hour the run covers in part
    is the mean of the steps it has)."""
    p = np.asarray(power_kw, dtype=np.float64)
    return float(hourly_mean_kw(p, int(start_s), int(step_s))[1].max()) if p.size else 0.0


def record_timeseries(columns: dict[str, np.ndarray], *, start: np.datetime64, step_s: int,
                      record_step_s: int) -> pd.DataFrame:
    """Aggregate step series to ``record_step_s`` rows: means, maxima for ``max_`` columns, and
    the cooling mode in effect for most of each interval. Index: UTC start of each interval."""
    n = len(columns["it_power_kw"])
    per = record_step_s // step_s
    starts = np.arange(0, n, per)
    data: dict[str, Any] = {}
    lengths = np.diff(np.append(starts, n))
    for name, values in columns.items():
        if name in _RATIO_AT:
            ratio = _RATIO_AT[name]
            num, den = (np.add.reduceat(columns[c], starts, dtype=np.float64) for c in _RATIO_COLUMNS[ratio])
            data[ratio] = np.divide(100.0 * num, den, out=np.zeros(len(starts)), where=den > 0)
        elif name in _RATIO_INPUTS:
            continue
        elif name == "cooling_mode":
            counts = np.stack([np.add.reduceat(values == k, starts, dtype=np.int64) for k in range(len(COOLING_MODES))])
            data[name] = pd.Categorical.from_codes(counts.argmax(axis=0), categories=list(COOLING_MODES))
        elif name in _MAX_COLUMNS:
            data[name] = np.maximum.reduceat(values, starts)
        else:
            sums = np.add.reduceat(values, starts, dtype=np.float64)  # no float64 copy of the column first
            data[name] = sums / lengths
    index = pd.DatetimeIndex(start + starts.astype("timedelta64[s]") * step_s, name="time").tz_localize("UTC")
    return pd.DataFrame(data, index=index)


def rack_table(racks, seconds: float) -> pd.DataFrame:
    """Per-rack summary: energy, hottest inlet, hours outside the ASHRAE envelopes and the
    X-factor-weighted relative failure rate over ``seconds`` of simulated time."""
    return pd.DataFrame(
        {
            "rack": np.arange(len(racks.energy_kwh)),
            "energy_kwh": racks.energy_kwh,
            "max_inlet_c": racks.max_inlet_c,
            "hours_above_recommended": racks.seconds_above_recommended / 3600.0,
            "hours_above_allowable": racks.seconds_above_allowable / 3600.0,
            "xfactor_failure_rate": racks.xfactor_seconds / max(float(seconds), 1.0),
        }
    )


@dataclass
class Results:
    """What one run produced. ``save(dir)`` writes the same files as ``dcsim run``."""

    scenario: Any
    kpis: dict[str, float]
    timeseries: pd.DataFrame
    racks: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    #: the indicators of EU 2024/1364 (dcsim.eu_reporting), kpis.json's "eu_2024_1364" section
    reporting: dict[str, Any] = field(default_factory=dict)

    OUTPUT_FILES = ("kpis.json", "timeseries.parquet", "racks.parquet", "scenario.resolved.toml", "manifest.json")

    def save(self, directory: str | os.PathLike, *, force: bool = False) -> Path:
        """Write kpis.json, timeseries.parquet, racks.parquet, scenario.resolved.toml and
        manifest.json as the folder ``directory``: into a fresh sibling folder first, swapped in
        whole (:func:`dcsim._outdir.fresh_folder`), so an interrupted save never leaves
        half-written files and no file of an earlier output survives. A non-empty folder that
        is not a dcsim output is refused unless ``force``."""
        from ._outdir import fresh_folder
        from .scenario.load import dump_toml

        with fresh_folder(Path(directory), force=force) as tmp:
            doc = {**self.kpis, **({REPORTING_SECTION: self.reporting} if self.reporting else {})}
            # allow_nan=False: a NaN or inf is refused rather than written as JSON that is not JSON
            (tmp / "kpis.json").write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
            self.timeseries.to_parquet(tmp / "timeseries.parquet")
            self.racks.to_parquet(tmp / "racks.parquet", index=False)
            (tmp / "scenario.resolved.toml").write_text(dump_toml(self.scenario), encoding="utf-8")
            (tmp / "manifest.json").write_text(json.dumps(self.manifest, indent=2) + "\n", encoding="utf-8")
        return Path(directory)


def load_results(directory: str | os.PathLike) -> Results:
    """Read a run folder written by :meth:`Results.save`."""
    from .scenario.load import load_scenario

    d = Path(directory)
    kpis = json.loads((d / "kpis.json").read_text(encoding="utf-8"))
    reporting = kpis.pop(REPORTING_SECTION, {})  # a section, not a KPI (a folder written before it has none)
    return Results(
        scenario=load_scenario(d / "scenario.resolved.toml"),
        kpis=kpis,
        reporting=reporting,
        timeseries=pd.read_parquet(d / "timeseries.parquet"),
        racks=pd.read_parquet(d / "racks.parquet"),
        manifest=json.loads((d / "manifest.json").read_text(encoding="utf-8")),
    )
