"""The servers' power curve as the kernels see it, from ``it.server`` (catalogue name or inline
table), with DVFS and a power cap applied (the build layer: scenario in, kernel arrays out)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..it.catalog import get_server
from ..scenario.it import ServerTable

@dataclass(frozen=True)
class ServerCurve:
    """A server power curve as the kernels see it: load fractions, watts, and off power."""

    name: str
    load_points: np.ndarray
    power_points_w: np.ndarray
    off_w: float = 0.0

    @property
    def max_w(self) -> float:
        return float(self.power_points_w[-1])


def server_curve(server: str | ServerTable) -> ServerCurve:
    """Resolve ``it.server`` (catalogue name or inline table) to a power curve."""
    if isinstance(server, str):
        spec = get_server(server)
        return ServerCurve(spec.name, np.asarray(spec.load_points, float), np.asarray(spec.power_w, float), spec.off_w)
    if server.power_w is not None:
        return ServerCurve(server.name, np.linspace(0.0, 1.0, 11), np.asarray(server.power_w, float))
    return ServerCurve(server.name, np.array([0.0, 1.0]), np.array([server.idle_w, server.max_w], float))


def server_spec(server: str | ServerTable):
    """The dcsim.it.power.ServerSpec (power states included) for ``it.server``."""
    from ..it.power import ServerSpec

    if isinstance(server, str):
        return get_server(server)
    if server.power_w is not None:
        return ServerSpec(server.name, np.linspace(0.0, 1.0, 11), np.asarray(server.power_w, float))
    return ServerSpec.linear(server.name, server.idle_w, server.max_w)


def managed_curve(curve: ServerCurve, frequency_fraction: float, power_cap_w: float | None) -> tuple[ServerCurve, float]:
    """The power curve against *demanded* utilisation under DVFS and a power cap, and the
    highest demanded utilisation the servers can still serve.

    DVFS at frequency fraction f: work that needs u of a server at nominal frequency keeps it
    busy min(u/f, 1), and P = P_idle + (P_table(busy) - P_idle) f^3 (dcsim.it.power.dvfs_power_w,
    REFERENCES.md: dynamic power ~ f^3). Capping: the server runs at most at the utilisation
    where its curve reaches the cap (dcsim.it.power.capped_power_w). Both keep the curve
    piecewise linear, so the new table is exact: breakpoints at f x the old load points and
    at the cap's utilisation.
    """
    lp, pp = curve.load_points, curve.power_points_w
    f = frequency_fraction
    served = 1.0
    if f < 1.0:
        idle = pp[0]
        lp = np.append(lp * f, 1.0)
        pp = np.append(idle + (pp - idle) * f**3, idle + (pp[-1] - idle) * f**3)
        served = f
    if power_cap_w is not None and power_cap_w < pp.max():
        u_cap = _cap_utilisation_of(lp, pp, power_cap_w)
        xs = np.unique(np.append(lp, u_cap))
        ys = np.interp(xs, lp, pp)
        lp, pp = xs, np.where(xs > u_cap, np.interp(u_cap, lp, pp), ys)  # beyond the cap: held at u_cap
        served = min(served, u_cap)
    if lp is curve.load_points:
        return curve, served
    return ServerCurve(curve.name, np.ascontiguousarray(lp), np.ascontiguousarray(pp), curve.off_w), served


def _cap_utilisation_of(lp: np.ndarray, pp: np.ndarray, cap_w: float) -> float:
    """Utilisation where the (non-decreasing from idle) table first reaches ``cap_w``."""
    if pp[0] >= cap_w:
        return 0.0
    for k in range(1, len(lp)):
        if pp[k] >= cap_w:
            return float(lp[k - 1] + (cap_w - pp[k - 1]) / (pp[k] - pp[k - 1]) * (lp[k] - lp[k - 1]))
    return 1.0


