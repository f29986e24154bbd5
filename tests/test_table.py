"""dcsim._table: CSV and Parquet tables read against declared columns, every problem located."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dcsim.errors import InputError
from dcsim._table import Column, Problems, parse_csv, read_csv, read_parquet

LOAD = Column("load_pct", unit="%", low=0, high=100, label="load")
POWER = Column("power_w", unit="W", low=0, label="power")
SHARE = Column("share", low=0, low_open=True, high=1, label="CPU share", required=False, empty_ok=True)


def located(problems: Problems) -> list[tuple]:
    return [(p.line, p.column, p.path, p.message) for p in problems.items]


def test_values_and_every_problem_in_file_order():
    problems = Problems("t.csv", what="test table", path="it.server")
    text = "# a comment\nLoad_PCT,power_w,share,other\n0,50,,x\n120,abc,0.5,\n50,-1,2,\n100,60\n"
    table = parse_csv(text, problems, expect=[LOAD, POWER])
    assert table.comments == [(1, " a comment")] and table.header_line == 2
    values = table.read([LOAD, POWER, SHARE])
    np.testing.assert_array_equal(values["load_pct"], [0, np.nan, 50, 100])  # 120 is out of range
    np.testing.assert_array_equal(values["power_w"], [50, np.nan, np.nan, 60])
    np.testing.assert_array_equal(values["share"], [np.nan, 0.5, np.nan, np.nan])  # empty allowed: missing, no problem
    assert located(problems) == [
        (4, 1, "it.server", "column 'load_pct': load must lie in 0..100 %"),
        (4, 2, "it.server", "column 'power_w': not a number"),
        (5, 2, "it.server", "column 'power_w': power must be >= 0 W"),
        (5, 3, "it.server", "column 'share': CPU share must lie in (0, 1]"),
        (6, None, "it.server", "this row has 2 fields but the header (line 2) has 4"),
    ]
    assert [p.value for p in problems.items[:4]] == [120.0, "abc", -1.0, 2.0]
    with pytest.raises(InputError) as err:
        problems.raise_if_any()
    assert err.value.title == "5 problems in test table t.csv"


def test_path_none_names_the_column_instead():
    problems = Problems("t.csv", path=None)
    table = parse_csv("load_pct,power_w\n0,x\n", problems)
    table.read([LOAD, POWER])
    (p,) = problems.items
    assert (p.path, p.message, p.value, p.line, p.column) == ("power_w", "not a number", "x", 2, 2)


def test_missing_and_repeated_columns():
    problems = Problems("g.csv", path="site.grid")
    hint = Column("price_sek_per_kwh", describe="values", hint="Add the column.")
    table = parse_csv("time,price,power_w,POWER_W\n1,2,3,4\n", problems)
    assert not table.require([hint, POWER, Column("time", kind="time")])
    assert located(problems) == [
        (1, None, "site.grid",
         "missing column 'price_sek_per_kwh' (values); found columns: 'time', 'price', 'power_w', 'POWER_W'; "
         "did you mean 'price'? Add the column."),
        (1, 4, "site.grid", "column 'power_w' appears more than once (columns 3, 4)"),
    ]
    semicolons = Problems("s.csv")
    parse_csv("load_pct;power_w\n0;1\n", semicolons).require([LOAD])
    assert semicolons.items[0].message.endswith("(use commas, not semicolons, between columns)")
    both = Problems("b.csv")
    table = parse_csv("a;load_pct\n1;2\n", both, delimiters=(",", ";"))
    assert table.require([LOAD]) and table.read([LOAD])["load_pct"].tolist() == [2.0]


def test_kinds_time_bool_choice_and_whole():
    problems = Problems("k.csv")
    columns = [Column("t", kind="time", whole=True, example="2023-01-01T00:00:00Z"),
               Column("n", whole=True, label="cores"), Column("b", kind="bool"),
               Column("c", kind="choice", choices=("interactive", "batch")),
               Column("ms", kind="time", epoch_unit_s=1e-3, required=False)]
    text = ("t,n,b,c,ms\n1970-01-01T00:01:00+00:01,2,yes,Batch,1500\n1970-01-01T00:00:00.5Z,1.5,maybe,urgent,x\n"
            ",3,,,1970-01-01T00:00:02Z\n")
    v = parse_csv(text, problems).read(columns)
    assert v["t"][0] == 0.0 and np.isnan(v["t"][1:]).all()  # +00:01 offset is converted to UTC
    assert v["n"][0] == 2 and v["b"][0] == 1.0 and v["c"][0] == 1.0 and v["ms"][0] == 1.5 and v["ms"][2] == 2.0
    assert np.isnan(v["b"][2]) and np.isnan(v["c"][2])  # empty: not given
    assert [(p.line, p.column, p.message) for p in problems.items] == [
        (3, 1, "column 't': time must be a whole second"),
        (3, 2, "column 'n': cores must be a whole number"),
        (3, 3, "column 'b': expected true or false (also 1/0, yes/no)"),
        (3, 4, "column 'c': expected \"interactive\" or \"batch\""),
        (3, 5, "column 'ms': not an ISO 8601 time (expected e.g. 2024-01-01T00:00:00Z)"),
        (4, 1, "column 't': empty time"),
    ]
    assert problems.items[0].value == "1970-01-01T00:00:00.5Z"  # a time is shown as written


def test_problems_past_the_limit_are_counted_and_files_share_a_list(tmp_path):
    problems = Problems("a.csv", what="weather file", limit=3)
    problems.for_file("b.csv").add("also wrong", line=1)
    parse_csv("power_w\n" + "-1\n" * 10, problems).read([POWER])
    with pytest.raises(InputError) as err:
        problems.raise_if_any()
    assert [(p.file, p.line) for p in err.value.problems] == [("b.csv", 1), ("a.csv", 2), ("a.csv", 3), ("a.csv", None)]
    assert err.value.problems[-1].message == "... and 8 more problems not listed"
    assert err.value.title == "11 problems in weather files a.csv, b.csv"


def test_files_that_cannot_be_read(tmp_path):
    for name, data, expected in [
        ("nope.csv", None, "test table not found"),
        ("latin.csv", "a\n\xe4\n".encode("latin-1"), "not UTF-8 text (invalid continuation byte at byte 2)"),
        ("empty.csv", b"# only a comment\n", "the file is empty: expected a header line with 'power_w', 'share' (optional)"),
    ]:
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        with pytest.raises(InputError) as err:
            read_csv(path, Problems(path, what="test table"), expect=[POWER, SHARE])
        (p,) = err.value.problems
        assert p.message.startswith(expected) and p.file == str(path)
    assert err.value.problems[0].line is None
    fallback = read_csv(tmp_path / "latin.csv", Problems(tmp_path / "latin.csv"), fallback="cp1252")
    assert fallback.names == ["a"] and fallback.note == " (read as Windows-1252: not valid UTF-8)"


def test_parquet_columns_name_the_row(tmp_path):
    t0 = np.datetime64("2023-01-01T00:00:00", "ms")
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "time": pa.array([t0, t0 + np.timedelta64(1, "ms"), None], type=pa.timestamp("ms")),
        "power_w": pa.array([1.0, None, float("inf")]),
        "load_pct": pa.array(["5", "x", "500"]),
        "b": pa.array([1, 0, 2]),
        "flag": pa.array([True, None, False]),
    }), path)
    problems = Problems(path, path="x")
    table = read_parquet(path, problems)
    v = table.read([Column("time", kind="time", whole=True), POWER, LOAD, Column("b", kind="bool"),
                    Column("flag", kind="bool")])
    assert v["time"][0] == 1672531200.0 and np.isnan(v["time"][1:]).all()
    assert v["b"].tolist()[:2] == [1.0, 0.0] and v["flag"].tolist()[0] == 1.0 and np.isnan(v["flag"][1])
    assert [p.message for p in problems.items] == [
        "row 2, column 'time': time must be a whole second",
        "row 2, column 'power_w': missing value",
        "row 2, column 'load_pct': not a number",
        "row 3, column 'time': missing time",
        "row 3, column 'power_w': must be a finite number",
        "row 3, column 'load_pct': load must lie in 0..100 %",
        "row 3, column 'b': expected true or false (1 or 0)",
    ]
    assert all(p.line is None and p.column is None for p in problems.items)
    assert table.row_ref(1) == "row 2"
    wrong = Problems(path)
    read_parquet(path, wrong).read([Column("flag")])
    assert [p.message for p in wrong.items] == ["column 'flag' has type bool; expected numbers"]
