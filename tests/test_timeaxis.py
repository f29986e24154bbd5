"""The time axis shared by the weather and grid series (dcsim._timeaxis), against hand-worked times."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dcsim._timeaxis import check_steps, step_midpoints_ms, time_of_year_ms, utc_frame


def test_midpoints_are_exact_for_odd_steps():
    start = np.datetime64("2025-03-01T00:00:00", "ms")
    t = step_midpoints_ms(start, 7, 3)
    # (k + 0.5) * 7 s = 3.5 s, 10.5 s, 17.5 s: exact in milliseconds
    expected = np.array(["2025-03-01T00:00:03.500", "2025-03-01T00:00:10.500", "2025-03-01T00:00:17.500"],
                        dtype="datetime64[ms]")
    np.testing.assert_array_equal(t, expected)
    assert t.dtype == np.dtype("datetime64[ms]")
    assert step_midpoints_ms(start, 60, 0).size == 0


def test_time_of_year_counts_from_each_times_own_year_and_folds_leap_day_31_december():
    t = np.array(["2023-01-01T00:00:00.500", "2023-02-01T01:00:00", "2024-03-01T00:00:00",
                  "2024-12-31T06:00:00", "2025-12-31T23:00:00"], dtype="datetime64[ms]")
    day_ms = 86_400_000
    expected = [
        500,                                  # half a second into the year
        31 * day_ms + 3_600_000,              # all of January, then one hour
        60 * day_ms,                          # 2024 is a leap year: 31 + 29 days before 1 March
        6 * 3_600_000,                        # leap year's 366th day folds onto 1 January
        364 * day_ms + 23 * 3_600_000,        # a common year's last hour stays the last hour
    ]
    np.testing.assert_array_equal(time_of_year_ms(t), expected)


@pytest.mark.parametrize("step_s, n, message", [(0, 1, "step_s must be > 0, got 0"), (-5, 1, "step_s must be > 0"),
                                                (60, -1, "n must be >= 0, got -1")])
def test_check_steps_refuses_what_cannot_be_a_time_axis(step_s, n, message):
    with pytest.raises(ValueError, match=message):
        check_steps(step_s, n)


def test_check_steps_returns_integers():
    assert check_steps(np.int64(60), 3.0) == (60, 3)
    assert all(type(v) is int for v in check_steps(np.int64(60), np.int32(3)))


def test_utc_frame_has_a_utc_index_named_time_utc():
    t = np.array(["2025-01-01T00:00:00", "2025-01-01T01:00:00"], dtype="datetime64[s]")
    f = utc_frame(t, {"a": np.array([1.0, 2.0]), "b": np.array([3.0, 4.0])})
    assert list(f.columns) == ["a", "b"] and f.index.name == "time_utc"
    assert str(f.index.tz) == "UTC"
    assert f.index[1] == pd.Timestamp("2025-01-01T01:00:00", tz="UTC")
    np.testing.assert_array_equal(f["b"].to_numpy(), [3.0, 4.0])
