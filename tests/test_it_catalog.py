"""Built-in SPECpower catalogue and users' own power tables (dcsim.it.catalog)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dcsim.errors import InputError
from dcsim.it import (
    ServerSpec,
    ServerTableWarning,
    get_server,
    read_server_table_csv,
    server_catalog,
)

# REFERENCES.md "IT equipment": W at 0, 10, ..., 100 % load (SPECpower_ssj2008, CloudSim).
REFERENCE_TABLES = {
    "hp-ml110-g3": [105, 112, 118, 125, 131, 137, 147, 153, 157, 164, 169],
    "hp-ml110-g4": [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117],
    "hp-ml110-g5": [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135],
    "ibm-x3250-x3470": [41.6, 46.7, 52.3, 57.9, 65.4, 73, 80.7, 89.5, 99.6, 105, 113],
    "ibm-x3250-x3480": [42.3, 46.7, 49.7, 55.4, 61.8, 69.3, 76.1, 87, 96.1, 106, 113],
    "ibm-x3550-x5670": [66, 107, 120, 131, 143, 156, 173, 191, 211, 229, 247],
    "ibm-x3550-x5675": [58.4, 98, 109, 118, 128, 140, 153, 170, 189, 205, 222],
    "ibm-x3650m2-x5570": [81.4, 110, 125, 139, 153, 167, 182, 199, 214, 229, 244],
}


def test_catalogue_holds_the_eight_reference_servers():
    catalog = server_catalog()
    assert set(catalog) == set(REFERENCE_TABLES)
    for key, spec in catalog.items():
        assert isinstance(spec, ServerSpec)
        assert "SPECpower_ssj2008" in spec.source
        assert spec.name and spec.name != key
        np.testing.assert_array_equal(spec.load_points, np.arange(11) / 10.0)


@pytest.mark.parametrize("key", sorted(REFERENCE_TABLES))
def test_every_table_point_is_exact(key):
    spec = get_server(key)
    table = REFERENCE_TABLES[key]
    for i, watts in enumerate(table):
        # exact: interpolation at a table point returns the table value bit for bit
        assert spec.active_power_w(i / 10.0) == float(watts)
    assert spec.idle_w == table[0]
    assert spec.max_w == table[-1]


@pytest.mark.parametrize("key", sorted(REFERENCE_TABLES))
def test_midpoints_interpolate_linearly(key):
    spec = get_server(key)
    table = REFERENCE_TABLES[key]
    u = (np.arange(10) * 10 + 5) / 100.0
    expected = (np.array(table[:-1]) + np.array(table[1:])) / 2.0
    # rel 1e-12: only floating-point rounding of (u - u_i)/(u_{i+1} - u_i) = 0.5
    np.testing.assert_allclose(spec.active_power_w(u), expected, rtol=1e-12)
    # a quarter of the way: never rounded to the nearest index (the known bug elsewhere)
    q = (np.arange(10) * 10 + 2.5) / 100.0
    np.testing.assert_allclose(
        spec.active_power_w(q), 0.75 * np.array(table[:-1]) + 0.25 * np.array(table[1:]), rtol=1e-12
    )


def test_get_server_is_case_insensitive_and_returns_the_same_spec():
    assert get_server(" HP-ML110-G5 ") == server_catalog()["hp-ml110-g5"]


def test_catalogue_dict_is_a_copy():
    catalog = server_catalog()
    catalog.pop("hp-ml110-g5")
    assert "hp-ml110-g5" in server_catalog()


def test_unknown_server_suggests_close_names():
    with pytest.raises(InputError) as info:
        get_server("hp-ml110-g6")
    (problem,) = info.value.problems
    assert problem.path == "it.server"
    assert problem.value == "hp-ml110-g6"
    assert "did you mean" in problem.message and "'hp-ml110-g5'" in problem.message
    assert "ibm-x3550-x5670" in problem.message  # lists the known names


def test_unknown_server_far_from_everything_lists_known_names():
    with pytest.raises(InputError) as info:
        get_server("cray-xc40", path="it.racks.0.server")
    (problem,) = info.value.problems
    assert problem.path == "it.racks.0.server"
    assert "did you mean" not in problem.message
    assert "hp-ml110-g3" in problem.message


# ---------------------------------------------------------------------------------------
# user tables
# ---------------------------------------------------------------------------------------
def _write(tmp_path, text: str, name: str = "server.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _specpower_csv(powers) -> str:
    return "load_pct,power_w\n" + "".join(f"{10 * i},{p}\n" for i, p in enumerate(powers))


def test_user_table_with_11_points_matches_catalogue(tmp_path):
    path = _write(tmp_path, _specpower_csv(REFERENCE_TABLES["ibm-x3550-x5670"]), "my-x3550.csv")
    spec = read_server_table_csv(path)
    ref = get_server("ibm-x3550-x5670")
    assert spec.name == "my-x3550"
    assert str(path) in spec.source
    np.testing.assert_array_equal(spec.load_points, ref.load_points)
    np.testing.assert_array_equal(spec.power_w, ref.power_w)


def test_user_table_with_arbitrary_points_bom_comments_and_extra_columns(tmp_path):
    text = (
        "\ufeff# modern server, SPECpower result\n"
        "Load_pct, power_w, ssj_ops\n"
        "\n"
        "0, 50, 0\n"
        "25, 100, 1000\n"
        '50,"150",2000\n'
        "100,300,4000\n"
    )
    spec = read_server_table_csv(_write(tmp_path, text), name="modern", boot_s=120.0)
    assert spec.name == "modern"
    assert spec.boot_s == 120.0
    np.testing.assert_array_equal(spec.load_points, [0.0, 0.25, 0.5, 1.0])
    assert spec.active_power_w(0.75) == pytest.approx(225.0, rel=1e-12)  # interpolation between 50 and 100 %


def _problems(path):
    with pytest.raises(InputError) as info:
        read_server_table_csv(path)
    return info.value.problems


def test_negative_power_names_file_line_column(tmp_path):
    path = _write(tmp_path, "load_pct,power_w\n0,50\n50,-3\n100,200\n")
    (p,) = _problems(path)
    # columns are counted in fields, as every table reader counts them (dcsim._table); this reader counted characters
    assert (p.file, p.line, p.column, p.path) == (str(path), 3, 2, "power_w")
    assert p.value == -3.0
    assert str(path) in p.format() and "line 3" in p.format() and "column 2" in p.format()


def test_non_increasing_load_is_refused(tmp_path):
    path = _write(tmp_path, "load_pct,power_w\n0,50\n50,100\n50,120\n40,130\n100,200\n")
    problems = _problems(path)
    assert [(p.line, p.column, p.path) for p in problems] == [(4, 1, "load_pct"), (5, 1, "load_pct")]
    assert "increase strictly" in problems[0].message


def test_missing_zero_and_hundred_are_refused(tmp_path):
    path = _write(tmp_path, "load_pct,power_w\n10,50\n90,100\n")
    problems = _problems(path)
    assert [(p.line, p.value) for p in problems] == [(2, 10.0), (3, 90.0)]
    assert "start at load 0" in problems[0].message
    assert "end at load 100" in problems[1].message


def test_every_bad_cell_is_reported_at_once(tmp_path):
    text = "load_pct,power_w\n0,abc\n50,nan\n120,100\n100\n"
    problems = _problems(_write(tmp_path, text))
    got = [(p.line, p.column, p.path) for p in problems]
    # columns are counted in fields, as every table reader counts them (dcsim._table); this reader counted characters
    # and a short row is one problem of the row, as in every table reader (it was "missing value" of its last cell)
    assert got == [(2, 2, "power_w"), (3, 2, "power_w"), (4, 1, "load_pct"), (5, None, "")]
    assert problems[0].message == "not a number" and problems[0].value == "abc"
    assert "finite" in problems[1].message
    assert "0..100" in problems[2].message
    assert "this row has 1 fields but the header (line 1) has 2" in problems[3].message


def test_missing_columns_and_semicolon_hint(tmp_path):
    path = _write(tmp_path, "load_pct;power_w\n0;50\n100;200\n")
    problems = _problems(path)
    assert {p.path for p in problems} == {"load_pct", "power_w"}
    assert all(p.line == 1 for p in problems)
    assert "semicolons" in problems[0].message


def test_duplicate_column_is_refused(tmp_path):
    (p,) = _problems(_write(tmp_path, "load_pct,power_w,power_w\n0,1,1\n100,2,2\n"))
    assert p.path == "power_w" and p.line == 1 and "more than once" in p.message


def test_too_few_rows_and_empty_and_missing_file(tmp_path):
    (p,) = _problems(_write(tmp_path, "load_pct,power_w\n0,50\n"))
    assert "at least two rows" in p.message and p.line == 2
    (p,) = _problems(_write(tmp_path, "# only a comment\n\n", "empty.csv"))
    assert "empty" in p.message
    (p,) = _problems(tmp_path / "nope.csv")
    # named like the other readers' files (dcsim._table): "<what> not found", where it said "file not found"
    assert p.message == "server power table not found" and p.file == str(tmp_path / "nope.csv")


def test_non_utf8_file_is_refused_with_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("load_pct,power_w\n0,50\n# w\xe4tt\n100,200\n".encode("latin-1"))
    (p,) = _problems(path)
    assert "UTF-8" in p.message and p.line == 3


def test_decreasing_power_is_warned_not_refused(tmp_path):
    path = _write(tmp_path, "load_pct,power_w\n0,50\n50,120\n60,110\n100,200\n")
    # columns are counted in fields, as every table reader counts them (dcsim._table); this reader counted characters
    with pytest.warns(ServerTableWarning, match=r"line 4, column 2: power_w falls from 120 W"):
        spec = read_server_table_csv(path)
    assert spec.active_power_w(0.6) == 110.0


def test_increasing_power_gives_no_warning(tmp_path):
    path = _write(tmp_path, _specpower_csv(REFERENCE_TABLES["hp-ml110-g3"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_server_table_csv(path)


def test_bad_power_state_argument_becomes_input_error(tmp_path):
    path = _write(tmp_path, _specpower_csv(REFERENCE_TABLES["hp-ml110-g3"]))
    with pytest.raises(InputError, match="boot_s"):
        read_server_table_csv(path, boot_s=-1.0)
