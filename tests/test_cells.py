"""dcsim._cells: one CSV cell as a number or an ISO 8601 time, with the reason when it is not."""

from __future__ import annotations

import pytest

from dcsim._cells import parse_number, parse_time_s


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 12.5 ", (12.5, None)),
        ("-3e2", (-300.0, None)),
        ("", (None, "empty value")),
        ("12,5", (None, "not a number (use a decimal point, not a comma)")),
        ("1,2,3", (None, "not a number")),
        ("abc", (None, "not a number")),
        ("nan", (None, "must be a finite number")),
        ("-inf", (None, "must be a finite number")),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_parse_time_reads_utc_and_offsets():
    assert parse_time_s("1970-01-02T00:00:00Z", example="x") == (86400.0, None)
    assert parse_time_s("1970-01-02T01:00:00+01:00", example="x") == (86400.0, None)
    assert parse_time_s("1970-01-02 00:00:00", example="x") == (86400.0, None)  # no offset: UTC
    assert parse_time_s("1970-01-01T00:00:00.5Z", example="x") == (0.5, None)
    assert parse_time_s(" ", example="x") == (None, "empty time")
    assert parse_time_s("yesterday", example="2024-01-01T08:30:00Z") == (
        None, "not an ISO 8601 time (expected e.g. 2024-01-01T08:30:00Z)")
