"""A server model's power table and power states (:class:`ServerSpec`), with their
published defaults; apart from :mod:`dcsim.it.power`'s compiled curves so that reading the
server catalogue loads no Numba.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# ---------------------------------------------------------------------------------------
# Power-state defaults (REFERENCES.md "IT equipment", from the GreenDC survey)
# ---------------------------------------------------------------------------------------
#: Shallow sleep draws about 10 % of peak power (GreenDC survey, via REFERENCES.md).
DEFAULT_SLEEP_FRACTION_OF_MAX = 0.10
#: Shallow sleep wakes in about 10 s (GreenDC survey, via REFERENCES.md).
DEFAULT_SLEEP_WAKE_S = 10.0
#: Deep sleep draws about 5 % of peak power (GreenDC survey, via REFERENCES.md).
DEFAULT_DEEP_SLEEP_FRACTION_OF_MAX = 0.05
#: Deep sleep wakes in about 200 s (GreenDC survey, via REFERENCES.md).
DEFAULT_DEEP_SLEEP_WAKE_S = 200.0
#: ACPI S3 (suspend to RAM) draws about 9 W (GreenDC survey, via REFERENCES.md); an
#: absolute alternative to the 10 % default for ``sleep_w``.
S3_SLEEP_W = 9.0
#: S3 transitions take 7-24 s (GreenDC survey, via REFERENCES.md).
S3_TRANSITION_S_RANGE = (7.0, 24.0)
#: Boot time from off. ASSUMPTION: REFERENCES.md gives no boot time, so dcsim uses the
#: deep-sleep wake time (about 200 s); set ``boot_s`` per server where it is known.
DEFAULT_BOOT_S = DEFAULT_DEEP_SLEEP_WAKE_S
#: Exponent of the Fan, Weber and Barroso (2007) empirical power model.
FAN2007_R = 1.4


# ---------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------
def check_power_table(load_points, power_points_w) -> list[str]:
    """Problems with a utilisation -> power table, as messages (empty list if it is valid).

    A valid table has at least two points, load fractions strictly increasing from exactly
    0 to exactly 1, the same number of power values, and finite power values >= 0 W.
    Decreasing power is *allowed* here (readers warn about it).
    """
    problems: list[str] = []
    x = np.asarray(load_points, dtype=np.float64)
    p = np.asarray(power_points_w, dtype=np.float64)
    if x.ndim != 1 or p.ndim != 1:
        return ["load points and power points must be one-dimensional"]
    if x.shape != p.shape:
        return [f"{x.size} load points but {p.size} power points"]
    if x.size < 2:
        return ["a power table needs at least two points (0 and 100 % load)"]
    if not np.all(np.isfinite(x)):
        problems.append("load points must be finite numbers")
    else:
        if x[0] != 0.0:
            problems.append(f"load points must start at 0 (idle), got {x[0]!r}")
        if x[-1] != 1.0:
            problems.append(f"load points must end at 1 (100 % load), got {x[-1]!r}")
        if np.any(np.diff(x) <= 0.0):
            problems.append("load points must increase strictly")
    if not np.all(np.isfinite(p)):
        problems.append("power values must be finite numbers")
    elif np.any(p < 0.0):
        problems.append("power values must be >= 0 W")
    return problems


def _frozen_array(values) -> np.ndarray:
    arr = np.array(values, dtype=np.float64)  # a copy we own
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class ServerSpec:
    """One server model: its utilisation -> power table and its power states.

    ``load_points`` (fractions 0..1) and ``power_w`` (W at each load point) define the
    active power curve, interpolated linearly by :meth:`active_power_w`
    (:func:`specpower_power_w`); both are read-only float64 arrays.
    ``idle_w`` is the table's power at 0 % load (on, idle: not off) and ``max_w`` at 100 %.

    Power-state defaults (``None`` means "use the default", resolved at construction):

    ========================  ===============================  ==================================
    field                     default                          source
    ========================  ===============================  ==================================
    ``sleep_w``               10 % of ``max_w``                GreenDC survey (REFERENCES.md)
    ``sleep_wake_s``          10 s                             GreenDC survey (REFERENCES.md)
    ``deep_sleep_w``          5 % of ``max_w``                 GreenDC survey (REFERENCES.md)
    ``deep_sleep_wake_s``     200 s                            GreenDC survey (REFERENCES.md)
    ``off_w``                 0 W                              off means 0 W (REFERENCES.md)
    ``boot_s``                200 s                            assumption (= deep-sleep wake)
    ``wake_energy_j``         ``max_w * sleep_wake_s``         assumption: peak power while waking
    ``deep_wake_energy_j``    ``max_w * deep_sleep_wake_s``    assumption: peak power while waking
    ``boot_energy_j``         ``max_w * boot_s``               assumption: peak power while booting
    ========================  ===============================  ==================================

    S3 (suspend to RAM) is about 9 W with 7-24 s transitions (:data:`S3_SLEEP_W`): pass
    ``sleep_w=S3_SLEEP_W`` for small servers where that is closer than 10 % of peak.
    "Off" costs 0 W plus the transition energies (REFERENCES.md).
    """

    name: str
    load_points: np.ndarray
    power_w: np.ndarray
    source: str = ""
    sleep_w: float | None = None
    sleep_wake_s: float = DEFAULT_SLEEP_WAKE_S
    deep_sleep_w: float | None = None
    deep_sleep_wake_s: float = DEFAULT_DEEP_SLEEP_WAKE_S
    off_w: float = 0.0
    boot_s: float = DEFAULT_BOOT_S
    wake_energy_j: float | None = None
    deep_wake_energy_j: float | None = None
    boot_energy_j: float | None = None
    _key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = check_power_table(self.load_points, self.power_w)
        if problems:
            raise ValueError(f"server {self.name!r}: " + "; ".join(problems))
        object.__setattr__(self, "load_points", _frozen_array(self.load_points))
        object.__setattr__(self, "power_w", _frozen_array(self.power_w))
        max_w = float(self.power_w[-1])
        defaults = {
            "sleep_w": DEFAULT_SLEEP_FRACTION_OF_MAX * max_w,
            "deep_sleep_w": DEFAULT_DEEP_SLEEP_FRACTION_OF_MAX * max_w,
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        energy_defaults = {
            "wake_energy_j": max_w * self.sleep_wake_s,
            "deep_wake_energy_j": max_w * self.deep_sleep_wake_s,
            "boot_energy_j": max_w * self.boot_s,
        }
        for name, value in energy_defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, float(value))
        bad = []
        for name in (
            "sleep_w",
            "sleep_wake_s",
            "deep_sleep_w",
            "deep_sleep_wake_s",
            "off_w",
            "boot_s",
            "wake_energy_j",
            "deep_wake_energy_j",
            "boot_energy_j",
        ):
            value = float(getattr(self, name))
            object.__setattr__(self, name, value)
            if not math.isfinite(value) or value < 0.0:
                bad.append(f"{name} must be a finite number >= 0, got {value!r}")
        if bad:
            raise ValueError(f"server {self.name!r}: " + "; ".join(bad))
        key = (
            self.name,
            tuple(self.load_points.tolist()),
            tuple(self.power_w.tolist()),
            self.source,
            self.sleep_w,
            self.sleep_wake_s,
            self.deep_sleep_w,
            self.deep_sleep_wake_s,
            self.off_w,
            self.boot_s,
            self.wake_energy_j,
            self.deep_wake_energy_j,
            self.boot_energy_j,
        )
        object.__setattr__(self, "_key", key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSpec):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    @property
    def idle_w(self) -> float:
        """Power at 0 % load while on (W)."""
        return float(self.power_w[0])

    @property
    def max_w(self) -> float:
        """Power at 100 % load (W)."""
        return float(self.power_w[-1])

    def active_power_w(self, u, out=None):
        """Active power (W) at utilisation ``u`` (:func:`specpower_power_w` on this table)."""
        from .power import specpower_power_w  # compiled: loaded on first use

        return specpower_power_w(self.load_points, self.power_w, u, out=out)

    @classmethod
    def linear(cls, name: str, idle_w: float, max_w: float, **kwargs) -> ServerSpec:
        """A server with the linear model P = P_idle + (P_max - P_idle) u (two-point table)."""
        return cls(name, np.array([0.0, 1.0]), np.array([idle_w, max_w], dtype=np.float64), **kwargs)
