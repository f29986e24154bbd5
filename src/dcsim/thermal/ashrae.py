"""ASHRAE TC 9.9 thermal guidelines: the inlet envelopes and the X-factor.

Source: ASHRAE TC 9.9, *Thermal Guidelines for Data Processing Environments*, 5th ed.
(REFERENCES.md, "ASHRAE"). Recommended inlet range 18-27 °C dry bulb; the allowable upper
dry-bulb limit depends on the equipment class (A1 32 °C, A2 35 °C, A3 40 °C, A4 45 °C). The
X-factor is the relative failure rate of volume servers against their inlet temperature,
1.00 for continuous operation at 20 °C, tabulated every 2.5 K from 15 to 45 °C (REFERENCES.md:
15, 20 and 45 °C read, the others recalled).
"""

from __future__ import annotations

import numpy as np
from .._jitcache import njit

from .._numeric import FASTMATH, hinge_form, hinge_value

ASHRAE_RECOMMENDED_MAX_C = 27.0
ASHRAE_ALLOWABLE_MAX_C = {"A1": 32.0, "A2": 35.0, "A3": 40.0, "A4": 45.0}

XFACTOR_T0_C = 15.0
XFACTOR_DT_K = 2.5
XFACTOR = np.array([0.72, 0.87, 1.00, 1.13, 1.24, 1.34, 1.42, 1.48, 1.55, 1.61, 1.66, 1.71, 1.76])
XFACTOR_INLET_C = XFACTOR_T0_C + XFACTOR_DT_K * np.arange(XFACTOR.size)
#: The X-factor table in hinge form (:func:`dcsim._numeric.hinge_form`). A module-level tuple,
#: so compiled code holds it as constants: a rack loop evaluating it keeps no table in
#: registers (LLVM folds the knots into the instructions as broadcast constants).
XFACTOR_HINGES = hinge_form(XFACTOR_INLET_C, XFACTOR)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def xfactor_relative_failure_rate(inlet_c):
    """ASHRAE X-factor at inlet temperature ``inlet_c`` (°C), dimensionless.

    Linear interpolation in the table (15-45 °C every 2.5 K, 1.00 at 20 °C), held at its end
    values outside it: x(T) = c + sum_k d_k max(T_c, T_k) with T_c = T clamped to 15-45 °C (the
    hinge form of the interpolation, equal to it to rounding). Branch-free, so a rack loop that
    calls it vectorises. Time-weighted over a period it gives the period's relative failure
    rate (ASHRAE TC 9.9, 5th ed.).
    """
    c, t_min_c, t_max_c, hinges = XFACTOR_HINGES
    return hinge_value(c, t_min_c, t_max_c, hinges, inlet_c)


#: ASHRAE TC9.9 (Thermal Guidelines, 5th ed.) allowable humidity per class (REFERENCES.md):
#: (min dew point °C, min RH %, max dew point °C, max RH %).
ASHRAE_HUMIDITY = {
    "A1": (-12.0, 8.0, 17.0, 80.0),
    "A2": (-12.0, 8.0, 21.0, 80.0),
    "A3": (-12.0, 8.0, 24.0, 85.0),
    "A4": (-12.0, 8.0, 24.0, 90.0),
}


def ashrae_humidity_limits(ashrae_class: str) -> tuple[float, float, float, float]:
    """(min dew point °C, min RH %, max dew point °C, max RH %) of an ASHRAE class A1-A4."""
    return ASHRAE_HUMIDITY[ashrae_class]
