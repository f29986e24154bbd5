"""Job traces: dcsim CSV layout, OpenDC tasks.parquet, malformed files, the sample trace."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dcsim import InputError, load_scenario
from dcsim.it.catalog import get_server
from dcsim.workload import BATCH, INTERACTIVE, WorkloadSimulation, jobs_from_trace, read_trace
from dcsim.workload.sample import SAMPLE_CORE_MHZ, sample_table

FIX = Path(__file__).parent / "fixtures" / "workload"
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scenarios" / "data" / "sample_jobs.parquet"
T0 = datetime(2024, 3, 4, tzinfo=timezone.utc).timestamp()


def problems(exc: InputError) -> list[tuple[int | None, int | None, str]]:
    return [(p.line, p.column, p.message) for p in exc.problems]


def test_native_csv_with_dates():
    t = read_trace(FIX / "jobs_native.csv", cores_per_server=16)
    assert t.layout == "dcsim" and t.calendar and len(t) == 4
    assert t.submit_s.tolist() == [T0 + 8 * 3600, T0 + 8 * 3600 + 30, T0 + 8 * 3600 + 15 * 60, T0 + 86400 + 3600]
    assert t.duration_s.tolist() == [600, 3600, 120, 1800]
    assert t.cores.tolist() == [1, 4, 2, 8]
    assert t.cpu_share.tolist() == [1.0, 0.5, 1.0, 1.0]
    assert t.deadline_s[1] == t.submit_s[1] + 7200 + 3600
    assert np.isinf(t.deadline_s[[0, 2, 3]]).all()
    assert t.deferrable.tolist() == [False, True, False, False]  # batch needs a deadline to be deferred
    assert t.job_class.tolist() == [INTERACTIVE, BATCH, INTERACTIVE, BATCH]


def test_native_csv_in_seconds_with_semicolons():
    t = read_trace(FIX / "jobs_seconds.csv")
    assert not t.calendar
    assert t.submit_s.tolist() == [0.0, 30.5, 10.0]
    assert t.deferrable.tolist() == [False, True, False]
    assert t.job_class.tolist() == [INTERACTIVE, BATCH, INTERACTIVE]
    jobs = jobs_from_trace(t, start_epoch_s=T0, horizon_s=3600)
    assert jobs.submit_s.tolist() == [0.0, 10.0, 30.5]  # sorted; seconds from the start
    assert jobs.deadline_s[2] == 1000.0


def test_malformed_csv_reports_every_problem_with_line_and_column(tmp_path):
    with pytest.raises(InputError) as info:
        read_trace(FIX / "jobs_bad.csv", cores_per_server=16)
    found = problems(info.value)
    text = info.value.format()
    assert str(FIX / "jobs_bad.csv") in text
    assert all(p.path == "workload.trace.path" and p.file == str(FIX / "jobs_bad.csv") for p in info.value.problems)
    assert (8, None, "this row has 2 fields but the header (line 1) has 4") in found
    assert any(line == 4 and col == 1 and "ISO 8601" in msg for line, col, msg in found)  # yesterday
    assert any(line == 5 and col == 2 and "decimal point" in msg for line, col, msg in found)  # "1,5"
    assert any(line == 7 and col == 4 and "interactive" in msg for line, col, msg in found)  # urgent
    # value checks run once the cells parse; fix the above and these are reported:
    fixed = (FIX / "jobs_bad.csv").read_text().replace("yesterday", "2024-03-04T08:02:00Z")
    fixed = fixed.replace('"1,5"', "1.5").replace(",urgent", ",batch").replace("\n2024-03-04T08:06:00Z,60\n", "\n")
    tmp = tmp_path / "jobs_bad_fixed.csv"
    tmp.write_text(fixed)
    with pytest.raises(InputError) as info2:
        read_trace(tmp, cores_per_server=16)
    found2 = problems(info2.value)
    assert any(line == 3 and col == 2 and "> 0" in msg for line, col, msg in found2)
    # the limits of a column are worded alike in every table reader (dcsim._table): "cores must lie in
    # 1..16" replaced "needs more cores than a server has"; the message still says where 16 comes from
    assert any(line == 6 and col == 3 and "cores must lie in 1..16 (workload.cores_per_server = 16)" in msg
               for line, col, msg in found2)
    assert any(line == 7 and col == 3 and "whole number" in msg for line, col, msg in found2)


def test_missing_column_names_what_was_found():
    with pytest.raises(InputError) as info:
        read_trace(FIX / "jobs_missing_column.csv")
    (p,) = info.value.problems
    assert p.line == 1 and "missing column 'duration_s'" in p.message and "'runtime_s'" in p.message


def test_unknown_layout_empty_and_missing_files(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="'submit_time' or 'submit_time_s'.*'submission_time'"):
        read_trace(other)
    empty = tmp_path / "empty.csv"
    empty.write_text("# only a comment\n")
    with pytest.raises(InputError, match="empty"):
        read_trace(empty)
    with pytest.raises(InputError, match="not found"):
        read_trace(FIX / "nope.parquet")
    with pytest.raises(InputError, match="use .csv or .parquet"):
        read_trace(_touch(tmp_path / "jobs.xlsx"))


def _touch(path: Path) -> Path:
    path.write_text("x")
    return path


def opendc_table(**over) -> pa.Table:
    base = {
        "id": pa.array([0, 1, 2], type=pa.int32()),
        "submission_time": pa.array(
            [int(T0 * 1000) + 3_600_000, int(T0 * 1000), int(T0 * 1000) + 60_000], type=pa.timestamp("ms", tz="UTC")
        ),
        "duration": pa.array([600_000, 1_500, 60_000], type=pa.int64()),
        "cpu_count": pa.array([2, 1, 4], type=pa.int32()),
        "cpu_capacity": pa.array([2930.0, 2930.0, 4 * 2930.0 * 0.25]),
        "mem_capacity": pa.array([1, 2, 3], type=pa.int64()),
        "deferrable": pa.array([True, False, None]),
        "deadline": pa.array([int(T0 * 1000) + 10 * 3_600_000, -1, None], type=pa.int64()),
    }
    base.update(over)
    return pa.table(base)


def test_opendc_tasks_parquet(tmp_path):
    path = tmp_path / "tasks.parquet"
    pq.write_table(opendc_table(), path)
    t = read_trace(path, cores_per_server=8, core_mhz=2930.0)
    assert t.layout == "opendc" and t.calendar
    assert t.submit_s.tolist() == [T0 + 3600, T0, T0 + 60]
    assert t.duration_s.tolist() == [600.0, 1.5, 60.0]
    assert t.cores.tolist() == [2, 1, 4]
    assert t.cpu_share.tolist() == pytest.approx([0.5, 1.0, 0.25])
    assert t.deadline_s[0] == T0 + 36000 and np.isinf(t.deadline_s[1:]).all()
    assert t.deferrable.tolist() == [True, False, False]
    assert t.job_class.tolist() == [BATCH, INTERACTIVE, INTERACTIVE]
    # without core_mhz, cpu_capacity is not used
    assert read_trace(path).cpu_share.tolist() == [1.0, 1.0, 1.0]
    # integer milliseconds work as well as timestamps
    ints = opendc_table(submission_time=pa.array([int(T0 * 1000), 0, 5], type=pa.int64()))
    pq.write_table(ints, path)
    assert read_trace(path).submit_s.tolist() == [T0, 0.0, 0.005]


def test_malformed_parquet_names_row_and_column(tmp_path):
    path = tmp_path / "bad.parquet"
    table = opendc_table(
        duration=pa.array([600_000, None, 0], type=pa.int64()),
        cpu_count=pa.array([2, 0, 99], type=pa.int32()),
    )
    pq.write_table(table, path)
    with pytest.raises(InputError) as info:
        read_trace(path, cores_per_server=8)
    messages = [p.message for p in info.value.problems]
    assert all(p.file == str(path) and p.path == "workload.trace.path" for p in info.value.problems)
    assert "row 2, column 'duration': missing value" in messages
    table = opendc_table(duration=pa.array([600_000, 1, 0], type=pa.int64()), cpu_count=pa.array([2, 0, 99], type=pa.int32()))
    pq.write_table(table, path)
    with pytest.raises(InputError) as info:
        read_trace(path, cores_per_server=8)
    messages = [p.message for p in info.value.problems]
    assert any(m.startswith("row 3, column 'duration': run time must be > 0") for m in messages)
    # worded like every declared range (dcsim._table), where it said "a job needs at least 1 core"
    # and "needs more cores than a server has"
    assert any(m.startswith("row 2, column 'cpu_count': cores must lie in 1..8") for m in messages)
    assert any(m.startswith("row 3, column 'cpu_count': cores must lie in 1..8") for m in messages)
    (path.parent / "junk.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read_trace(path.parent / "junk.parquet")


def test_alignment_and_repeat(tmp_path):
    t = read_trace(FIX / "jobs_native.csv")
    start = datetime(2025, 6, 1, tzinfo=timezone.utc).timestamp()
    jobs = jobs_from_trace(t, start_epoch_s=start, horizon_s=2 * 86400)
    assert jobs.submit_s.tolist() == [8 * 3600, 8 * 3600 + 30, 8 * 3600 + 15 * 60, 86400 + 3600]  # time of day kept
    assert jobs.deadline_s[1] == jobs.submit_s[1] + 7200 + 3600
    absolute = jobs_from_trace(t, start_epoch_s=T0 + 8 * 3600 + 10, horizon_s=86400, align="absolute")
    assert absolute.submit_s.tolist() == [20.0, 15 * 60 - 10.0, 86400 - 7 * 3600 - 10.0]  # the 08:00:00 job was before the start
    repeated = jobs_from_trace(t, start_epoch_s=start, horizon_s=5 * 86400, repeat=True)
    assert len(repeated) == 4 + 4 + 3  # period 2 days: copies at 0, 2 d, 4 d (the last one's day-2 job is cut)
    assert repeated.submit_s[4] == 2 * 86400 + 8 * 3600


def test_sample_trace_is_the_generated_one_and_runs():
    assert SAMPLE.is_file()
    assert pq.read_table(SAMPLE).equals(sample_table())  # regenerate: python -m dcsim.workload.sample
    t = read_trace(SAMPLE, cores_per_server=16, core_mhz=SAMPLE_CORE_MHZ)
    assert t.layout == "opendc" and 3000 < len(t) < 8000
    assert 0.2 < t.deferrable.mean() < 0.4
    sc = load_scenario(
        {
            "simulation": {"start": "2024-01-01T00:00:00Z", "duration": "1d", "step": "60s"},
            "it": {"racks": 4, "servers_per_rack": 10},
            "workload": {"kind": "trace", "trace": {"path": str(SAMPLE), "core_mhz": SAMPLE_CORE_MHZ}},
        }
    )
    sim = WorkloadSimulation.from_scenario(sc, server=get_server("ibm-x3550-x5670"))
    m = sim.run()
    assert m.jobs_submitted == len(t)
    assert 0.2 < m.core_seconds_served / (40 * 16 * 86400) < 0.6


def test_relative_trace_path_resolves_against_the_scenario_folder(tmp_path):
    import shutil

    import tomli_w

    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "scenarios" / "data" / "sample_jobs.parquet", tmp_path / "data" / "jobs.parquet")
    path = tmp_path / "scenario.toml"
    path.write_text(tomli_w.dumps({"simulation": {"duration": "1h"},
                                   "workload": {"kind": "trace", "trace": {"path": "data/jobs.parquet"}}}))
    sc = load_scenario(path)
    assert sc.workload.trace.path == str((tmp_path / "data" / "jobs.parquet").resolve())
    sim = WorkloadSimulation.from_scenario(sc, server=get_server("ibm-x3550-x5670"))
    assert len(sim.jobs) > 0


def test_a_repeated_optional_column_is_refused(tmp_path):
    # two 'cpu_share' columns: which one is meant? (refused before the shared table reader too)
    path = tmp_path / "jobs.csv"
    path.write_text("submit_time_s,duration_s,cores,cpu_share,cpu_share\n0,60,1,0.5,0.9\n")
    with pytest.raises(InputError) as info:
        read_trace(path)
    (p,) = info.value.problems
    assert p.line == 1 and p.column == 5 and "column 'cpu_share' appears more than once (columns 4, 5)" in p.message
