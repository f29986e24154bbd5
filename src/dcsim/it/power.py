"""Server power as a function of utilisation, frequency and power cap.

Functions follow the pvlib style: plain functions of NumPy arrays (or scalars), units in
every name, the equation and its source in the docstring. Each public function validates
its inputs, allocates the output and calls a private Numba kernel
(``_<model>_kernel(..., out)``) that loops without allocating. For use inside other
compiled loops, :func:`specpower_value` evaluates one point.

Utilisation ``u`` is the busy fraction of the server in [0, 1]. Idle power is stated
explicitly (``u = 0`` gives the idle power, never 0 W): a server that is on but idle is not
off (REFERENCES.md, "IT equipment": some simulators silently count idle servers as off).
"""

from __future__ import annotations


import numpy as np
from .._jitcache import njit

from .._numeric import interp_clamped
from .spec import (  # noqa: F401 - re-exported: the power-state defaults and the server type
    DEFAULT_BOOT_S,
    DEFAULT_DEEP_SLEEP_FRACTION_OF_MAX,
    DEFAULT_DEEP_SLEEP_WAKE_S,
    DEFAULT_SLEEP_FRACTION_OF_MAX,
    DEFAULT_SLEEP_WAKE_S,
    FAN2007_R,
    S3_SLEEP_W,
    S3_TRANSITION_S_RANGE,
    ServerSpec,
    check_power_table,
)

__all__ = [
    "ServerSpec",
    "check_power_table",
    "specpower_value",
    "specpower_power_w",
    "linear_power_w",
    "fan2007_power_w",
    "dvfs_power_w",
    "dvfs_throughput_fraction",
    "capped_power_w",
    "DEFAULT_SLEEP_FRACTION_OF_MAX",
    "DEFAULT_SLEEP_WAKE_S",
    "DEFAULT_DEEP_SLEEP_FRACTION_OF_MAX",
    "DEFAULT_DEEP_SLEEP_WAKE_S",
    "DEFAULT_BOOT_S",
    "S3_SLEEP_W",
    "S3_TRANSITION_S_RANGE",
    "FAN2007_R",
]

# ---------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------
def _validate_table(load_points, power_points_w) -> tuple[np.ndarray, np.ndarray]:
    problems = check_power_table(load_points, power_points_w)
    if problems:
        raise ValueError("invalid power table: " + "; ".join(problems))
    x = np.ascontiguousarray(load_points, dtype=np.float64)
    p = np.ascontiguousarray(power_points_w, dtype=np.float64)
    return x, p


def _as_utilisation(u, name: str = "u") -> np.ndarray:
    arr = np.asarray(u, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers (no NaN or inf)")
    if np.any(arr < 0.0) or np.any(arr > 1.0):
        raise ValueError(f"{name} must lie in [0, 1]; got values from {arr.min()} to {arr.max()}")
    return arr


def _flat(*arrays) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """Broadcast to a common shape and return C-contiguous flat float64 copies."""
    b = np.broadcast_arrays(*[np.asarray(a, dtype=np.float64) for a in arrays])
    shape = b[0].shape
    return shape, [np.ascontiguousarray(a).ravel() for a in b]


def _prepare_out(out, shape) -> np.ndarray:
    if out is None:
        return np.empty(int(np.prod(shape, dtype=np.int64)), dtype=np.float64)
    if not isinstance(out, np.ndarray) or out.dtype != np.float64 or out.shape != shape:
        raise ValueError(f"out must be a float64 array of shape {shape}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError("out must be C-contiguous and writeable")
    return out.reshape(-1)


def _result(flat: np.ndarray, shape, out):
    if out is not None:
        return out
    return float(flat[0]) if shape == () else flat.reshape(shape)


def _check_idle_max(idle_w: np.ndarray, max_w: np.ndarray) -> None:
    if not (np.all(np.isfinite(idle_w)) and np.all(np.isfinite(max_w))):
        raise ValueError("idle_w and max_w must be finite")
    if np.any(idle_w < 0.0):
        raise ValueError("idle_w must be >= 0 W")
    if np.any(max_w < idle_w):
        raise ValueError("max_w must be >= idle_w")


def _check_freq_fraction(f: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(f)) or np.any(f <= 0.0) or np.any(f > 1.0):
        raise ValueError("freq_fraction must lie in (0, 1]")
    return f


def _idle_max_inputs(idle_w, max_w, u, *more) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """The analytic models' inputs checked (utilisation, idle and full-load power) and broadcast
    with ``more`` to one shape: ``(shape, [idle_w, max_w, u, *more])`` as flat float64 arrays."""
    _as_utilisation(u)
    shape, flat = _flat(idle_w, max_w, u, *more)
    _check_idle_max(flat[0], flat[1])
    return shape, flat


def _run_kernel(kernel, shape, out, *args):
    """``kernel(*args, result)`` with ``result`` the flat view of ``out`` (or a new array) of
    ``shape``; returns what the public function returns (``out``, an array or a float)."""
    flat = _prepare_out(out, shape)
    kernel(*args, flat)
    return _result(flat, shape, out)


# ---------------------------------------------------------------------------------------
# SPECpower table interpolation
# ---------------------------------------------------------------------------------------
@njit(cache=True, fastmath=False, error_model="numpy")
def specpower_value(load_points, power_points_w, u):
    """Power (W) at utilisation ``u`` by linear interpolation in a SPECpower-style table.

    P(u) = P_i + (P_{i+1} - P_i) (u - u_i) / (u_{i+1} - u_i) for u_i <= u < u_{i+1};
    exact table values at the table's load points. Never rounds ``u`` to a table index
    (REFERENCES.md: another simulator had that bug). ``u`` is clamped to [0, 1].
    """
    return interp_clamped(load_points, power_points_w, u)


@njit(cache=True, fastmath=False, error_model="numpy")
def _specpower_kernel(load_points, power_points_w, u, out):
    for i in range(u.shape[0]):
        out[i] = specpower_value(load_points, power_points_w, u[i])


def specpower_power_w(load_points, power_points_w, u, out=None):
    """Server power (W) from a SPECpower-style table by linear interpolation.

    P(u) = P_i + (P_{i+1} - P_i) (u - u_i) / (u_{i+1} - u_i),  u_i <= u <= u_{i+1}

    Source: SPECpower_ssj2008 reports average power at active idle and at 10 %, 20 %, ...,
    100 % of the calibrated throughput; interpolate linearly between the points
    (REFERENCES.md "IT equipment"; CloudSim ``PowerModelSpecPower``). The utilisation is
    never rounded to a table index.

    Parameters
    ----------
    load_points : array_like
        Load fractions, strictly increasing from 0 to 1 (for SPECpower: 0, 0.1, ..., 1).
    power_points_w : array_like
        Power (W) at each load point, >= 0.
    u : array_like or float
        Utilisation in [0, 1].
    out : numpy.ndarray, optional
        float64 array of ``u``'s shape to write into.

    Returns
    -------
    numpy.ndarray or float
        Power (W), same shape as ``u`` (a float for a scalar ``u``).
    """
    x, p = _validate_table(load_points, power_points_w)
    uu = _as_utilisation(u)
    shape = uu.shape
    return _run_kernel(_specpower_kernel, shape, out, x, p, np.ascontiguousarray(uu).ravel())


# ---------------------------------------------------------------------------------------
# Analytic models
# ---------------------------------------------------------------------------------------
@njit(cache=True, fastmath=False, error_model="numpy")
def _linear_power_kernel(idle_w, max_w, u, out):
    for i in range(u.shape[0]):
        out[i] = idle_w[i] + (max_w[i] - idle_w[i]) * u[i]


def linear_power_w(idle_w, max_w, u, out=None):
    """Linear server power model (W).

    P = P_idle + (P_max - P_idle) u

    Source: REFERENCES.md "IT equipment" (the standard linear model, e.g. CloudSim
    ``PowerModelLinear``). Equivalent to a two-point table (0, P_idle), (1, P_max).

    Parameters
    ----------
    idle_w, max_w : array_like or float
        Idle and full-load power (W), broadcast against ``u``; ``max_w >= idle_w >= 0``.
    u : array_like or float
        Utilisation in [0, 1].
    out : numpy.ndarray, optional
        float64 array of the broadcast shape to write into.

    Returns
    -------
    numpy.ndarray or float
        Power (W).
    """
    shape, inputs = _idle_max_inputs(idle_w, max_w, u)
    return _run_kernel(_linear_power_kernel, shape, out, *inputs)


@njit(cache=True, fastmath=False, error_model="numpy")
def _fan2007_power_kernel(idle_w, max_w, u, r, out):
    for i in range(u.shape[0]):
        out[i] = idle_w[i] + (max_w[i] - idle_w[i]) * (2.0 * u[i] - u[i] ** r[i])


def fan2007_power_w(idle_w, max_w, u, r=FAN2007_R, out=None):
    """Empirical server power model of Fan, Weber and Barroso (2007) (W).

    P = P_idle + (P_max - P_idle) (2u - u^r),  r = 1.4 fitted by the authors

    Source: X. Fan, W.-D. Weber, L. A. Barroso, "Power provisioning for a warehouse-sized
    computer", ISCA 2007 (REFERENCES.md "IT equipment"). Gives P_idle at u = 0 and P_max
    at u = 1, concave in between (power rises faster than linearly at low load).

    Parameters
    ----------
    idle_w, max_w : array_like or float
        Idle and full-load power (W), broadcast against ``u``.
    u : array_like or float
        Utilisation in [0, 1].
    r : array_like or float, default 1.4
        Calibration exponent, in [1, 2] so that power stays within [P_idle, P_max].
    out : numpy.ndarray, optional
        float64 array of the broadcast shape to write into.

    Returns
    -------
    numpy.ndarray or float
        Power (W).
    """
    shape, inputs = _idle_max_inputs(idle_w, max_w, u, r)
    rf = inputs[3]
    if not np.all(np.isfinite(rf)) or np.any(rf < 1.0) or np.any(rf > 2.0):
        raise ValueError("r must lie in [1, 2]")
    return _run_kernel(_fan2007_power_kernel, shape, out, *inputs)


@njit(cache=True, fastmath=False, error_model="numpy")
def _dvfs_power_kernel(idle_w, max_w, u, freq_fraction, out):
    for i in range(u.shape[0]):
        f = freq_fraction[i]
        out[i] = idle_w[i] + (max_w[i] - idle_w[i]) * u[i] * f * f * f


def dvfs_power_w(idle_w, max_w, u, freq_fraction, out=None):
    """Server power (W) under dynamic voltage and frequency scaling (DVFS).

    P = P_idle + (P_max - P_idle) u f^3,  f = frequency / nominal frequency

    Dynamic CMOS power is C V^2 f; with the supply voltage scaled in proportion to the
    frequency (V ~ f) it goes as f^3 (REFERENCES.md "IT equipment"). The idle part is held
    constant (static and platform power). Simplifications: real voltage has a floor, so
    below it the dynamic power falls only about linearly with f.

    ``u`` is the busy fraction *at the reduced frequency*. Work that keeps the server busy
    a fraction ``u_full`` at nominal frequency keeps it busy ``min(1, u_full / f)`` at
    frequency ``f``, because throughput scales with ``f``
    (:func:`dvfs_throughput_fraction`).

    Parameters
    ----------
    idle_w, max_w : array_like or float
        Idle and full-load power (W) at nominal frequency.
    u : array_like or float
        Utilisation in [0, 1] at the current frequency.
    freq_fraction : array_like or float
        Frequency as a fraction of nominal, in (0, 1].
    out : numpy.ndarray, optional
        float64 array of the broadcast shape to write into.

    Returns
    -------
    numpy.ndarray or float
        Power (W).
    """
    shape, inputs = _idle_max_inputs(idle_w, max_w, u, freq_fraction)
    _check_freq_fraction(inputs[3])
    return _run_kernel(_dvfs_power_kernel, shape, out, *inputs)


def dvfs_throughput_fraction(freq_fraction):
    """Throughput (work per second) at reduced frequency, as a fraction of nominal.

    throughput / throughput_nominal = f

    The workload side of :func:`dvfs_power_w`: a CPU-bound job runs ``1/f`` times longer at
    frequency fraction ``f`` (REFERENCES.md "IT equipment"; memory-bound work slows less,
    so this is the conservative case).
    """
    f = _check_freq_fraction(np.asarray(freq_fraction, dtype=np.float64))
    return float(f) if f.shape == () else f.copy()


# ---------------------------------------------------------------------------------------
# Power capping
# ---------------------------------------------------------------------------------------
@njit(cache=True, fastmath=False, error_model="numpy")
def _cap_utilisation(load_points, power_points_w, cap_w):
    """Highest utilisation reachable from 0 without the table's power exceeding ``cap_w``.

    For a non-decreasing table this is the inverse P^-1(cap). Returns -1.0 when even idle
    power exceeds the cap.
    """
    n = load_points.shape[0]
    if power_points_w[0] > cap_w:
        return -1.0
    for i in range(n - 1):
        if power_points_w[i + 1] > cap_w:
            frac = (cap_w - power_points_w[i]) / (power_points_w[i + 1] - power_points_w[i])
            return load_points[i] + frac * (load_points[i + 1] - load_points[i])
    return load_points[n - 1]


@njit(cache=True, fastmath=False, error_model="numpy")
def _capped_power_kernel(load_points, power_points_w, u, cap_w, out_power_w, out_throughput):
    for i in range(u.shape[0]):
        u_cap = _cap_utilisation(load_points, power_points_w, cap_w[i])
        if u_cap < 0.0:  # cap below idle power: the server can only idle
            u_run = 0.0
        elif u[i] <= u_cap:
            u_run = u[i]
        else:
            u_run = u_cap
        if u[i] <= u_run:  # demand met (also covers u = 0)
            out_power_w[i] = specpower_value(load_points, power_points_w, u[i])
            out_throughput[i] = 1.0
        else:
            out_power_w[i] = specpower_value(load_points, power_points_w, u_run)
            out_throughput[i] = u_run / u[i]


def capped_power_w(load_points, power_points_w, u, cap_w):
    """Server power (W) under a power cap, and the fraction of the demanded work served.

    u_cap = P^-1(cap_w);  u_run = min(u, u_cap);  P = P(u_run);  throughput = u_run / u

    The cap is met by running the server at the utilisation ``u_cap`` where its power
    curve reaches the cap (found by inverting the piecewise-linear table, exactly, never
    by rounding to a table index), so the demanded work ``u`` is served only in the
    fraction ``u_run / u`` (1 when the demand is within the cap or ``u = 0``). For a
    table whose power falls somewhere, ``u_cap`` is the highest load reachable from idle
    without exceeding the cap. A cap below idle power cannot be met by capping: the server
    idles (throughput 0) and the returned power is the idle power, above the cap.

    Source: inversion of the SPECpower interpolation of :func:`specpower_power_w`
    (REFERENCES.md "IT equipment"). For the linear model, pass the two-point table
    ``([0, 1], [idle_w, max_w])``.

    Parameters
    ----------
    load_points, power_points_w : array_like
        The server's table, as for :func:`specpower_power_w`.
    u : array_like or float
        Demanded utilisation in [0, 1].
    cap_w : array_like or float
        Power cap (W), > 0, broadcast against ``u``.

    Returns
    -------
    (power_w, throughput_fraction) : tuple of numpy.ndarray or floats
        Power drawn (W) and served / demanded work, each of the broadcast shape.
    """
    x, p = _validate_table(load_points, power_points_w)
    _as_utilisation(u)
    shape, (uf, cf) = _flat(u, cap_w)
    if not np.all(np.isfinite(cf)) or np.any(cf <= 0.0):
        raise ValueError("cap_w must be finite and > 0 W")
    power = np.empty_like(uf)
    thr = np.empty_like(uf)
    _capped_power_kernel(x, p, uf, cf, power, thr)
    if shape == ():
        return float(power[0]), float(thr[0])
    return power.reshape(shape), thr.reshape(shape)


# ---------------------------------------------------------------------------------------
# ServerSpec
