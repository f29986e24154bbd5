"""Server power models (dcsim.it.power) against plain-Python twins and analytic values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dcsim.it import (
    ServerSpec,
    capped_power_w,
    check_power_table,
    dvfs_power_w,
    dvfs_throughput_fraction,
    fan2007_power_w,
    get_server,
    linear_power_w,
    specpower_power_w,
)
from dcsim.it.power import (
    DEFAULT_BOOT_S,
    DEFAULT_DEEP_SLEEP_WAKE_S,
    DEFAULT_SLEEP_WAKE_S,
    S3_SLEEP_W,
)

RNG_SEED = 20240611


# ---------------------------------------------------------------------------------------
# plain-Python twins
# ---------------------------------------------------------------------------------------
def twin_specpower(xs, ps, u):
    if u <= xs[0]:
        return ps[0]
    for i in range(len(xs) - 1):
        if xs[i] <= u <= xs[i + 1]:
            if u == xs[i + 1]:
                return ps[i + 1]
            return ps[i] + (ps[i + 1] - ps[i]) * (u - xs[i]) / (xs[i + 1] - xs[i])
    return ps[-1]


def twin_cap(xs, ps, u, cap):
    """Brute force: highest u' <= u on a fine grid whose whole path from 0 stays <= cap."""
    if ps[0] > cap:
        return (ps[0], 1.0) if u == 0 else (ps[0], 0.0)
    # exact inverse on each segment, first crossing from below
    u_cap = xs[-1]
    for i in range(len(xs) - 1):
        if ps[i + 1] > cap:
            u_cap = xs[i] + (cap - ps[i]) / (ps[i + 1] - ps[i]) * (xs[i + 1] - xs[i])
            break
    if u <= u_cap:
        return twin_specpower(xs, ps, u), 1.0
    return twin_specpower(xs, ps, u_cap), u_cap / u


def random_table(rng, n=None, monotone=True):
    n = n or int(rng.integers(2, 15))
    inner = np.sort(rng.choice(np.arange(1, 1000), size=n - 2, replace=False)) / 1000.0
    xs = np.concatenate([[0.0], inner, [1.0]])
    if monotone:
        ps = np.cumsum(rng.uniform(0.0, 40.0, size=n)) + rng.uniform(0.0, 100.0)
    else:
        ps = rng.uniform(0.0, 300.0, size=n)
    return xs, ps


# ---------------------------------------------------------------------------------------
# SPECpower interpolation
# ---------------------------------------------------------------------------------------
def test_specpower_kernel_matches_twin_and_numpy_interp():
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(50):
        xs, ps = random_table(rng, monotone=bool(rng.integers(0, 2)))
        u = np.concatenate([rng.uniform(0.0, 1.0, 200), xs])  # include every table point
        got = specpower_power_w(xs, ps, u)
        twin = np.array([twin_specpower(list(xs), list(ps), float(v)) for v in u])
        np.testing.assert_allclose(got, twin, rtol=1e-12, atol=1e-12)  # same formula, fp only
        np.testing.assert_allclose(got, np.interp(u, xs, ps), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(got[-len(xs) :], ps)  # table points exact


def test_specpower_is_not_rounded_to_an_index():
    spec = get_server("ibm-x3550-x5670")  # 156 W at 50 %, 173 W at 60 %
    assert spec.active_power_w(0.55) == pytest.approx(164.5, rel=1e-12)
    assert spec.active_power_w(0.549) == pytest.approx(156 + 17 * 0.49, rel=1e-12)
    assert spec.active_power_w(0.551) == pytest.approx(156 + 17 * 0.51, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    u=st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=50),
    key=st.sampled_from(["hp-ml110-g3", "ibm-x3250-x3480", "ibm-x3650m2-x5570"]),
)
def test_specpower_stays_within_neighbouring_points_and_is_monotone(u, key):
    spec = get_server(key)
    uu = np.sort(np.array(u))
    p = spec.active_power_w(uu)
    assert np.all(np.diff(p) >= 0.0)  # the catalogue tables rise with load
    idx = np.clip(np.searchsorted(spec.load_points, uu, side="right") - 1, 0, 9)
    assert np.all(p >= spec.power_w[idx] - 1e-9)
    assert np.all(p <= spec.power_w[np.minimum(idx + 1, 10)] + 1e-9)


def test_specpower_shapes_scalar_and_out():
    spec = get_server("hp-ml110-g4")
    assert isinstance(spec.active_power_w(0.3), float)
    u = np.linspace(0, 1, 12).reshape(3, 4)
    out = np.empty((3, 4))
    res = specpower_power_w(spec.load_points, spec.power_w, u, out=out)
    assert res is out
    np.testing.assert_array_equal(out, spec.active_power_w(u))
    with pytest.raises(ValueError, match="out"):
        specpower_power_w(spec.load_points, spec.power_w, u, out=np.empty(12))


@pytest.mark.parametrize("bad_u", [-0.01, 1.01, math.nan, math.inf])
def test_specpower_refuses_utilisation_outside_0_1(bad_u):
    spec = get_server("hp-ml110-g4")
    with pytest.raises(ValueError, match="u must"):
        spec.active_power_w(np.array([0.5, bad_u]))


@pytest.mark.parametrize(
    "xs, ps, message",
    [
        ([0.0, 0.5], [1.0, 2.0], "end at 1"),
        ([0.1, 1.0], [1.0, 2.0], "start at 0"),
        ([0.0, 0.5, 0.5, 1.0], [1, 2, 3, 4], "increase strictly"),
        ([0.0, 1.0], [-1.0, 2.0], ">= 0 W"),
        ([0.0, 1.0], [1.0, math.nan], "finite"),
        ([0.0, 1.0], [1.0], "2 load points but 1"),
        ([1.0], [1.0], "at least two"),
    ],
)
def test_invalid_tables(xs, ps, message):
    assert any(message in m for m in check_power_table(xs, ps))
    with pytest.raises(ValueError, match=message):
        specpower_power_w(xs, ps, 0.5)


# ---------------------------------------------------------------------------------------
# analytic models
# ---------------------------------------------------------------------------------------
def test_linear_fan2007_dvfs_match_twins():
    rng = np.random.default_rng(RNG_SEED + 1)
    n = 500
    idle = rng.uniform(20, 200, n)
    peak = idle + rng.uniform(0, 300, n)
    u = rng.uniform(0, 1, n)
    r = rng.uniform(1.0, 2.0, n)
    f = rng.uniform(0.05, 1.0, n)
    lin = [i + (m - i) * x for i, m, x in zip(idle, peak, u)]
    fan = [i + (m - i) * (2 * x - x**rr) for i, m, x, rr in zip(idle, peak, u, r)]
    dv = [i + (m - i) * x * ff**3 for i, m, x, ff in zip(idle, peak, u, f)]
    # rtol 1e-12: the same arithmetic, up to operation order
    np.testing.assert_allclose(linear_power_w(idle, peak, u), lin, rtol=1e-12)
    np.testing.assert_allclose(fan2007_power_w(idle, peak, u, r), fan, rtol=1e-12)
    np.testing.assert_allclose(dvfs_power_w(idle, peak, u, f), dv, rtol=1e-12)


def test_analytic_models_endpoints_and_broadcasting():
    u = np.array([0.0, 0.5, 1.0])
    np.testing.assert_array_equal(linear_power_w(100.0, 200.0, u), [100.0, 150.0, 200.0])
    fan = fan2007_power_w(100.0, 200.0, u)
    assert fan[0] == 100.0 and fan[2] == 200.0
    # Fan et al. 2007 at u = 0.5, r = 1.4: 100 + 100 (1 - 0.5^1.4) = 162.1 W (hand value)
    assert fan[1] == pytest.approx(100 + 100 * (1 - 0.5**1.4), rel=1e-12)
    assert fan[1] > 150.0  # concave: above the linear model
    # DVFS at nominal frequency is the linear model; at f = 0.5 the dynamic part is 1/8
    np.testing.assert_array_equal(dvfs_power_w(100.0, 200.0, u, 1.0), linear_power_w(100.0, 200.0, u))
    assert dvfs_power_w(100.0, 200.0, 1.0, 0.5) == 112.5
    # per-server idle/max broadcast against a (time, server) utilisation grid
    grid = linear_power_w(np.array([50.0, 100.0]), np.array([150.0, 300.0]), np.full((4, 2), 0.5))
    np.testing.assert_array_equal(grid, np.tile([100.0, 200.0], (4, 1)))


def test_dvfs_throughput_and_energy_per_work():
    assert dvfs_throughput_fraction(0.6) == 0.6
    np.testing.assert_array_equal(dvfs_throughput_fraction(np.array([0.5, 1.0])), [0.5, 1.0])
    # same work (u_full = 0.3 at nominal) at f = 0.6 keeps the server busy 0.5 of the time;
    # dynamic energy per unit of work falls as f^2
    f = 0.6
    u_slow = 0.3 / dvfs_throughput_fraction(f)
    dyn_slow = dvfs_power_w(0.0, 100.0, u_slow, f)
    dyn_nominal = dvfs_power_w(0.0, 100.0, 0.3, 1.0)
    assert dyn_slow / dyn_nominal == pytest.approx(f**2, rel=1e-12)
    with pytest.raises(ValueError):
        dvfs_throughput_fraction(0.0)
    with pytest.raises(ValueError):
        dvfs_power_w(100.0, 200.0, 0.5, 1.2)


def test_analytic_models_validate():
    with pytest.raises(ValueError, match="max_w"):
        linear_power_w(200.0, 100.0, 0.5)
    with pytest.raises(ValueError, match="r must"):
        fan2007_power_w(100.0, 200.0, 0.5, r=3.0)
    with pytest.raises(ValueError, match="u must"):
        fan2007_power_w(100.0, 200.0, 1.5)


# ---------------------------------------------------------------------------------------
# power capping
# ---------------------------------------------------------------------------------------
def test_capped_power_matches_twin_on_random_tables():
    rng = np.random.default_rng(RNG_SEED + 2)
    for _ in range(60):
        xs, ps = random_table(rng, monotone=bool(rng.integers(0, 2)))
        u = rng.uniform(0.0, 1.0, 100)
        u[:3] = [0.0, 1.0, 0.5]
        cap = rng.uniform(0.5 * ps.min(), 1.2 * ps.max(), 100)
        power, thr = capped_power_w(xs, ps, u, cap)
        twin = [twin_cap(list(xs), list(ps), float(a), float(c)) for a, c in zip(u, cap)]
        # tolerance: same formulas, floating-point order only
        np.testing.assert_allclose(power, [t[0] for t in twin], rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(thr, [t[1] for t in twin], rtol=1e-12, atol=1e-12)
        ok = cap >= ps[0]
        assert np.all(power[ok] <= cap[ok] * (1 + 1e-12))  # the cap holds wherever it can


def test_capped_power_linear_inverse_by_hand():
    xs, ps = [0.0, 1.0], [100.0, 200.0]
    # cap 150 W: u_cap = (150 - 100)/(200 - 100) = 0.5
    power, thr = capped_power_w(xs, ps, [0.25, 0.5, 0.8, 1.0, 0.0], 150.0)
    np.testing.assert_allclose(power, [125.0, 150.0, 150.0, 150.0, 100.0], rtol=1e-12)
    np.testing.assert_allclose(thr, [1.0, 1.0, 0.5 / 0.8, 0.5, 1.0], rtol=1e-12)
    # cap below idle: cannot be met, the server idles and serves nothing
    assert capped_power_w(xs, ps, 0.5, 80.0) == (100.0, 0.0)
    # cap above peak: no effect
    assert capped_power_w(xs, ps, 0.7, 500.0) == (170.0, 1.0)


def test_capped_power_on_a_catalogue_server_inverts_between_points():
    spec = get_server("hp-ml110-g5")  # 116 W at 50 %, 121 W at 60 %
    power, thr = capped_power_w(spec.load_points, spec.power_w, 1.0, 120.0)
    assert power == pytest.approx(120.0, rel=1e-12)
    assert thr == pytest.approx(0.58, rel=1e-12)  # u_cap = 0.5 + 0.1 * 4/5


def test_capped_power_validates_cap():
    with pytest.raises(ValueError, match="cap_w"):
        capped_power_w([0.0, 1.0], [1.0, 2.0], 0.5, 0.0)


# ---------------------------------------------------------------------------------------
# ServerSpec
# ---------------------------------------------------------------------------------------
def test_server_spec_power_state_defaults_follow_references():
    spec = get_server("ibm-x3550-x5670")  # 247 W peak
    assert spec.sleep_w == pytest.approx(24.7)  # shallow sleep ~10 % of Pmax (GreenDC)
    assert spec.sleep_wake_s == DEFAULT_SLEEP_WAKE_S == 10.0
    assert spec.deep_sleep_w == pytest.approx(12.35)  # deep sleep ~5 % of Pmax (GreenDC)
    assert spec.deep_sleep_wake_s == DEFAULT_DEEP_SLEEP_WAKE_S == 200.0
    assert spec.off_w == 0.0
    assert spec.boot_s == DEFAULT_BOOT_S
    assert spec.boot_energy_j == pytest.approx(247.0 * DEFAULT_BOOT_S)
    assert spec.wake_energy_j == pytest.approx(247.0 * 10.0)
    assert spec.deep_wake_energy_j == pytest.approx(247.0 * 200.0)
    assert spec.idle_w == 66.0  # idle is stated explicitly, never counted as off
    s3 = ServerSpec("s3", spec.load_points, spec.power_w, sleep_w=S3_SLEEP_W)
    assert s3.sleep_w == 9.0


def test_server_spec_is_immutable_hashable_and_validated():
    spec = ServerSpec.linear("lin", 100.0, 200.0)
    assert spec.active_power_w(0.3) == pytest.approx(130.0, rel=1e-12)
    with pytest.raises(ValueError):
        spec.load_points[0] = 0.5  # read-only array
    with pytest.raises(AttributeError):
        spec.name = "other"  # frozen
    assert spec == ServerSpec.linear("lin", 100.0, 200.0)
    assert hash(spec) == hash(ServerSpec.linear("lin", 100.0, 200.0))
    assert spec != ServerSpec.linear("lin", 100.0, 201.0)
    assert len({spec, ServerSpec.linear("lin", 100.0, 200.0)}) == 1
    with pytest.raises(ValueError, match="start at 0"):
        ServerSpec("bad", [0.5, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="sleep_w"):
        ServerSpec.linear("bad", 100.0, 200.0, sleep_w=-1.0)


def test_server_spec_copies_its_input_arrays():
    xs = np.array([0.0, 1.0])
    ps = np.array([10.0, 20.0])
    spec = ServerSpec("copy", xs, ps)
    ps[1] = 99.0
    assert spec.max_w == 20.0
