"""Psychrometrics over a year of one-minute outdoor states (525,600 values).

Each value: humidity ratio from dry bulb and relative humidity, then wet bulb (iterative),
dew point (Newton) and enthalpy, through the public vectorised functions of
``dcsim.climate.psychro`` (argument checks, allocation and the compiled loops).
"""

from __future__ import annotations

import numpy as np

from dcsim.climate import psychro

N = 525_600  # one year of one-minute steps
PRESSURE_PA = 101_325.0


def year_of_states():
    """A deterministic Luleå-like year: -25..+27 °C, 35..100 % RH, daily and yearly swings."""
    minute = np.arange(N, dtype=np.float64)
    year = 2 * np.pi * minute / N
    day = 2 * np.pi * minute / 1440.0
    drybulb_c = 1.0 - 14.0 * np.cos(year) + 5.0 * np.sin(day) + 6.0 * np.sin(37.0 * year)
    rh_pct = np.clip(75.0 + 12.0 * np.cos(year) - 15.0 * np.sin(day) + 8.0 * np.sin(53.0 * year), 35.0, 100.0)
    return drybulb_c, rh_pct


def test_bench_psychrometrics_year(perf):
    """W, wet bulb, dew point and enthalpy of 525,600 states. Unit: states/s."""
    t_c, rh = year_of_states()

    def run():
        w = psychro.humidity_ratio_from_rh(t_c, rh, PRESSURE_PA)
        twb = psychro.wetbulb_c_from_humidity_ratio(t_c, w, PRESSURE_PA)
        tdp = psychro.dewpoint_c_from_humidity_ratio(w, PRESSURE_PA)
        h = psychro.moist_air_enthalpy_j_per_kg(t_c, w)
        return w, twb, tdp, h

    w, twb, tdp, h = perf.run(run, work=N, unit="states/s", calibration="numeric")

    for a in (w, twb, tdp, h):
        assert a.shape == (N,) and np.isfinite(a).all()
    # dew point <= wet bulb <= dry bulb (equal at saturation)
    assert np.all(tdp <= twb + 1e-6) and np.all(twb <= t_c + 1e-6)
    # enthalpy inverts to the dry bulb
    np.testing.assert_allclose(psychro.drybulb_c_from_enthalpy(h, w), t_c, atol=1e-9)
