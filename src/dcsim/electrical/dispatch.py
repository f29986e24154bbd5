"""The battery policies applied to a run: from the facility's load and the grid's hourly price,
carbon and power fees to what the battery does each step (:func:`battery_dispatch`). The
battery's physics and the planners are in :mod:`dcsim.electrical.battery`."""

from __future__ import annotations

import numpy as np

from ..grid._calendar import local_time
from ..grid.tariffs import PowerFee, fee_peak_caps_kw, hourly_mean_kw
from .battery import BatteryParams, BatteryRun, hourly_schedule, peak_shaving_targets, run_battery

_HOUR_S = 3600

#: the policies and what each acts on
POLICIES = ("none", "peak-shaving", "arbitrage", "carbon-shift", "fcr-d", "ffr")


def battery_dispatch(policy: str, params: BatteryParams, load_kw: np.ndarray, start_s: int, step_s: int, *,
                     price_sek_per_kwh: np.ndarray | None = None, carbon_g_per_kwh: np.ndarray | None = None,
                     fees: tuple[PowerFee, ...] = (), horizon_h: int = 24, discharge_cost_sek_per_kwh: float = 0.0,
                     target_kw: float | None = None, outage: np.ndarray | None = None,
                     outage_request_kw: np.ndarray | None = None,
                     activation: np.ndarray | None = None) -> BatteryRun:
    """What the battery does under ``policy`` (one of :data:`POLICIES`) beside the load
    ``load_kw`` (kW per step of ``step_s`` seconds from UTC ``start_s``).

    ``peak-shaving`` holds the grid import under ``target_kw`` or each local month's lowest
    holdable target (:func:`~dcsim.electrical.battery.peak_shaving_targets`). ``arbitrage``
    and ``carbon-shift`` follow the hourly schedule (:func:`~dcsim.electrical.battery.hourly_schedule`)
    on the hourly price (with ``discharge_cost_sek_per_kwh`` per kWh discharged) or carbon
    intensity, discharging at most the hour's lowest load (no export) and charging at most up
    to the lowest billed peak of the power ``fees`` whose hours the hour is in (so no power
    fee rises); they need steps that divide an hour.

    ``fcr-d`` holds the battery at the FCR-D up set point (:func:`fcr_d_up_offer`); with
    ``activation`` (the share of the offer activated in each step, 0-1, from a frequency
    record: :func:`step_mean_activation`) it discharges the offer times the activation in the
    steps the grid frequency called for it and recharges at full power to the set point after.

    In the steps of ``outage`` (the grid is down) the battery discharges ``outage_request_kw``
    (the load the generator does not carry) instead, down to empty; the policies plan as if
    there were no outage.
    """
    load = np.ascontiguousarray(load_kw, dtype=np.float64)
    n = load.size
    down = np.zeros(n, dtype=bool) if outage is None else np.asarray(outage, dtype=bool)

    def run(request: np.ndarray, **kw) -> BatteryRun:
        if down.any():
            request = np.where(down, np.zeros(n) if outage_request_kw is None else outage_request_kw, request)
        return run_battery(params, request, load, step_s, outage=down, **kw)

    if policy not in POLICIES:
        raise ValueError(f"unknown battery policy {policy!r}; known: {', '.join(POLICIES)}")
    if policy in ("none", "ffr") or n == 0:  # kept full (it recharges after an outage)
        return run(np.full(n, -params.power_kw))
    if policy == "fcr-d":  # held below full for the opposite 20 %
        offer_kw, held_kwh = fcr_d_up_offer(params)
        request = np.full(n, -params.power_kw)
        if activation is not None:
            a = np.asarray(activation, dtype=np.float64)
            request = np.where(a > 0.0, offer_kw * a, request)
        return run(request, ceiling_kwh=held_kwh)
    if policy == "peak-shaving":
        if target_kw is not None:
            target = np.full(n, float(target_kw))
        else:
            t = (start_s + np.arange(n, dtype=np.int64) * step_s).astype("datetime64[s]")
            month = local_time(t).astype("datetime64[M]").astype(np.int64)
            target = peak_shaving_targets(params, load, month, step_s)
        return run(load - target)
    if step_s > _HOUR_S or _HOUR_S % step_s:
        raise ValueError(f"battery policy {policy!r} plans by the hour: the step must divide an hour, got {step_s} s")
    signal = price_sek_per_kwh if policy == "arbitrage" else carbon_g_per_kwh
    if signal is None:
        raise ValueError(f"battery policy {policy!r} needs its hourly signal")
    # the clock hours the run touches (steps divide an hour, so every hour holds steps)
    hour_s, mean_load, _ = hourly_mean_kw(load, start_s, step_s)
    mean_signal = hourly_mean_kw(signal, start_s, step_s)[1]
    idx = (start_s + np.arange(n, dtype=np.int64) * step_s) // _HOUR_S - hour_s[0] // _HOUR_S
    min_load = np.full(hour_s.size, np.inf)
    np.minimum.at(min_load, idx, load)
    cap = fee_peak_caps_kw(hour_s, mean_load, fees)
    max_charge = np.where(np.isfinite(cap), np.maximum(cap - mean_load, 0.0), params.power_kw)
    cost = discharge_cost_sek_per_kwh if policy == "arbitrage" else 0.0
    plan = hourly_schedule(params, mean_signal, min_load, max_charge, int(horizon_h), cost)
    return run(plan[idx])


# ---------------------------------------------------------------------- frequency reserves
#: FCR-D with a limited energy reservoir (a battery) must hold the energy for 20 minutes of full
#: activation and keep 20 % of the bid power in the opposite direction (Svenska kraftnät, LER
#: questions and answers; /work/notes research, docs/physics.md "Storage")
FCR_D_ENDURANCE_H = 20.0 / 60.0
FCR_D_OPPOSITE_SHARE = 0.2
#: bids are in steps of 0.1 MW, the smallest bid (svk.se, FCR-D pages); the step is taken as the
#: bid resolution too (an assumption)
FCR_BID_STEP_KW = 100.0


def _whole_bids_kw(p_kw: float) -> float:
    """``p_kw`` rounded down to whole bid steps of 0.1 MW (1e-9 of a step spared round-off)."""
    return float(np.floor(p_kw / FCR_BID_STEP_KW + 1e-9) * FCR_BID_STEP_KW)


def fcr_d_up_offer(params: BatteryParams) -> tuple[float, float]:
    """The FCR-D up capacity a battery offers every hour above its UPS reserve, kW, and the
    stored energy it is held at, kWh: the largest multiple of 0.1 MW that the converter can
    deliver, whose 20 minutes of full activation fit above the reserve and whose 20 % in the
    opposite direction (charging) fit below full::

        P = floor_0.1MW( min(power_kw, (capacity - reserve) / (endurance (1 + opposite share))) )
        E_held = capacity - opposite share x P x endurance
    """
    usable = params.capacity_kwh - params.reserve_kwh
    p = _whole_bids_kw(min(params.power_kw, usable / (FCR_D_ENDURANCE_H * (1.0 + FCR_D_OPPOSITE_SHARE))))
    return p, params.capacity_kwh - FCR_D_OPPOSITE_SHARE * p * FCR_D_ENDURANCE_H


#: FCR-D up's static droop: no activation above 49.9 Hz, linear to full activation at 49.5 Hz
#: (Nordic TSOs, "Technical Requirements for Frequency Containment Reserve Provision in the Nordic
#: Synchronous Area", 26 May 2023: FCR-D upwards covers 49.9-49.5 Hz)
FCR_D_UP_START_HZ = 49.9
FCR_D_UP_FULL_HZ = 49.5


def fcr_d_up_activation(frequency_hz):
    """Share of the offered FCR-D up capacity activated at a grid frequency, 0-1 (the steady
    state of the static droop; the dynamic response within seconds is not modelled)::

        a(f) = clip((49.9 - f) / (49.9 - 49.5), 0, 1)

    Source: Nordic TSOs, Technical Requirements for FCR Provision (2023), FCR-D upwards."""
    f = np.asarray(frequency_hz, dtype=np.float64)
    return np.clip((FCR_D_UP_START_HZ - f) / (FCR_D_UP_START_HZ - FCR_D_UP_FULL_HZ), 0.0, 1.0)


def step_mean_activation(time_s: np.ndarray, frequency_hz: np.ndarray, start_s: int, step_s: int, n: int, *,
                         file: str, field_path: str) -> np.ndarray:
    """The mean FCR-D up activation (:func:`fcr_d_up_activation`) of each of ``n`` steps of
    ``step_s`` seconds from UTC ``start_s``, over the frequency samples whose time falls in the
    step (each sample holds until the next, on the record's constant step). The record must
    cover the simulated period and sample every step."""
    from ..errors import InputError, Problem

    t = np.asarray(time_s, dtype=np.int64)
    end_s = start_s + n * step_s
    rec_step = int(t[1] - t[0])
    if t[0] > start_s or t[-1] + rec_step < end_s:
        raise InputError(Problem(field_path, f"the frequency record of {file} covers {np.datetime64(int(t[0]), 's')}Z to "
                                 f"{np.datetime64(int(t[-1]) + rec_step, 's')}Z, not the simulated period "
                                 f"{np.datetime64(int(start_s), 's')}Z to {np.datetime64(int(end_s), 's')}Z; give a "
                                 "record covering it", file=file))
    if rec_step > step_s:
        raise InputError(Problem(field_path, f"the frequency record of {file} has a step of {rec_step} s, longer than "
                                 f"the simulation step of {step_s} s: give at least one sample per step (a "
                                 "coarse record averages away the dips that activate FCR-D)", file=file))
    i0, i1 = np.searchsorted(t, [start_s, end_s])
    k = (t[i0:i1] - start_s) // step_s
    a = fcr_d_up_activation(frequency_hz[i0:i1])
    total = np.bincount(k, weights=a, minlength=n)
    count = np.bincount(k, minlength=n)
    return total / count
#: FFR: a full activation is held 30 s (Svenska kraftnät FFR rules, Fingrid), so its energy is small
FFR_HOLD_H = 30.0 / 3600.0


def ffr_offer(params: BatteryParams) -> float:
    """The FFR capacity a battery offers above its UPS reserve, kW: the largest multiple of
    0.1 MW the converter carries whose 30-second full activation fits above the reserve (held
    full; FFR is up-regulation only)."""
    return _whole_bids_kw(min(params.power_kw, (params.capacity_kwh - params.reserve_kwh) / FFR_HOLD_H))


def _revenue_sek(offer: np.ndarray, eur_per_mw_h: np.ndarray, price_time_s: np.ndarray, step_s: int,
                 field_path: str, file: str | None) -> float:
    """Offered MW x capacity price (EUR/MW/h, NaN: not procured, earns nothing) x the EUR/SEK
    rate of the price hour's month x the step's share of an hour, summed, SEK."""
    from ..grid.hourly import sek_per_eur_monthly

    rate = sek_per_eur_monthly(price_time_s.astype("datetime64[s]"), field_path=field_path, file=file)
    return float((offer / 1000.0 * np.nan_to_num(eur_per_mw_h, nan=0.0) * rate).sum() * step_s / _HOUR_S)


def file_reserve_revenue_sek(offer_kw, start_s: int, step_s: int, n: int, time_s: np.ndarray, price: np.ndarray,
                             file: str, field_path: str) -> tuple[float, str]:
    """What ``offer_kw`` (kW, one value or one per step) earns at a user's hourly capacity
    prices (:func:`dcsim.grid.reserves.read_reserve_price_csv`; dated: the file must cover the
    simulated hours), at the month's EUR/SEK rate; an hour without a price earns nothing."""
    from ..errors import InputError, Problem
    from ..grid._tables import eur_sek_monthly

    offer = np.broadcast_to(np.asarray(offer_kw, dtype=np.float64), (n,))
    mid_s = start_s + np.arange(n, dtype=np.int64) * step_s + step_s // 2
    idx = (mid_s - int(time_s[0])) // _HOUR_S
    if n and (idx[0] < 0 or idx[-1] >= time_s.size):
        raise InputError(Problem(field_path, f"the reserve prices of {file} cover "
                                 f"{np.datetime64(int(time_s[0]), 's')}Z to {np.datetime64(int(time_s[-1]) + 3600, 's')}Z, "
                                 f"not the simulated period from {np.datetime64(int(start_s), 's')}Z; give prices for "
                                 "every simulated hour", file=file))
    revenue = _revenue_sek(offer, price[idx], mid_s, step_s, field_path, file)
    return revenue, (f"{offer.max() / 1000.0:g} MW offered every hour the grid is up at the hourly capacity prices of "
                     f"{file}, every bid taken as accepted, at the monthly EUR/SEK rate ({eur_sek_monthly()[1]})")


def reserve_revenue_sek(offer_kw, start_s: int, step_s: int, n: int, price_year: int,
                        product: str = "fcr-d-up") -> tuple[float, str]:
    """What ``offer_kw`` of ``product`` (kW, one value or one per step) earns, SEK: offered MW x the hour's
    capacity price (EUR/MW per hour, :func:`dcsim.grid.reserves.reserve_prices_eur_per_mw_h` of
    ``price_year``, read onto the simulated hours with the weekdays kept as prices are) x the
    step's share of the hour x the EUR/SEK rate of the price hour's month; an hour without a
    price earns nothing.
    Every offer is taken as accepted (an upper bound: a bid above the clearing price is not, and
    until 2024-01-31 the price is the mean accepted bid). Returns the revenue and a sentence of
    its source."""
    from ..grid._calendar import map_onto_year_ms
    from ..grid._tables import eur_sek_monthly
    from ..grid.reserves import reserve_prices_eur_per_mw_h, reserve_prices_source

    offer = np.broadcast_to(np.asarray(offer_kw, dtype=np.float64), (n,))
    if n == 0 or not np.any(offer > 0.0):
        return 0.0, "no reserve capacity offered"
    time_s, price = reserve_prices_eur_per_mw_h(product, price_year)
    mid_ms = (start_s * 1000 + (np.arange(n, dtype=np.int64) * step_s + step_s // 2) * 1000)
    mapped_s = map_onto_year_ms(mid_ms, price_year) // 1000
    idx = (mapped_s - int(time_s[0].astype(np.int64))) // _HOUR_S
    # the rate of the price hour's own month (as the built-in spot prices are converted), so a
    # simulated year beyond the exchange-rate table still reads a rate that was published
    revenue = _revenue_sek(offer, price[idx], mapped_s, step_s, "storage.battery.reserve_price_year", None)
    note = (f"{product} capacity {offer.max() / 1000.0:g} MW offered every hour the grid is up at the {price_year} hourly prices "
            f"(mean {np.nanmean(price):.2f} EUR/MW/h; {reserve_prices_source()}), every bid taken as accepted, "
            f"at the monthly EUR/SEK rate ({eur_sek_monthly()[1]})")
    return revenue, note
