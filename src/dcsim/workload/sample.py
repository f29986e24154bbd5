"""The small sample trace shipped in ``scenarios/data/sample_jobs.parquet``.

Regenerate it with::

    python -m dcsim.workload.sample scenarios/data/sample_jobs.parquet

It is *synthetic* (from :func:`dcsim.workload.synthetic.generate_jobs`, seed
:data:`SAMPLE_SEED`), written in OpenDC's ``tasks.parquet`` layout so that it exercises that
reader: one day (2024-01-01, UTC) of jobs with an office-hours daily profile for a hall of about
640 cores at 40 % mean load; 30 % of the jobs are deferrable batch jobs with 12 h of slack.
``cpu_capacity`` assumes 2930 MHz cores (the IBM x3550's Xeon X5670) busy at a share drawn
uniformly from 0.3-1.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .synthetic import SyntheticSpec, generate_jobs

SAMPLE_SEED = 20240101
SAMPLE_START = datetime(2024, 1, 1, tzinfo=timezone.utc)
SAMPLE_CORES = 640
SAMPLE_CORE_MHZ = 2930.0
#: relative arrival rate per local hour (quiet nights, busy office hours)
SAMPLE_DAILY_PROFILE = (
    0.4, 0.35, 0.3, 0.3, 0.35, 0.5, 0.8, 1.2, 1.5, 1.6, 1.6, 1.5,
    1.4, 1.5, 1.6, 1.6, 1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.6, 0.5,
)  # fmt: skip


def sample_table():
    """The sample trace as a ``pyarrow.Table`` (deterministic)."""
    import pyarrow as pa

    spec = SyntheticSpec(mean_utilization=0.4, daily_profile=SAMPLE_DAILY_PROFILE)
    seq = np.random.SeedSequence(SAMPLE_SEED)
    job_seed, share_seed = seq.spawn(2)
    start_s = SAMPLE_START.timestamp()
    jobs = generate_jobs(
        spec, total_cores=SAMPLE_CORES, horizon_s=86400.0, seed=job_seed, start_epoch_s=start_s, timezone="UTC"
    )
    n = len(jobs)
    share = np.random.default_rng(share_seed).uniform(0.3, 1.0, n)
    submit_ms = np.round((start_s + jobs.submit_s) * 1000.0).astype(np.int64)
    duration_ms = np.maximum(1000, np.round(jobs.duration_s * 1000.0)).astype(np.int64)
    deadline_ms = np.where(
        jobs.deferrable, np.round((start_s + jobs.deadline_s.clip(max=1e12)) * 1000.0), -1
    ).astype(np.int64)
    return pa.table(
        {
            "id": pa.array(np.arange(n, dtype=np.int32)),
            "submission_time": pa.array(submit_ms, type=pa.timestamp("ms", tz="UTC")),
            "duration": pa.array(duration_ms),
            "cpu_count": pa.array(jobs.cores.astype(np.int32)),
            "cpu_capacity": pa.array(np.round(jobs.cores * SAMPLE_CORE_MHZ * share, 1)),
            "mem_capacity": pa.array(jobs.cores.astype(np.int64) * 4096),
            "deferrable": pa.array(jobs.deferrable),
            "deadline": pa.array(deadline_ms),
        }
    )


def write_sample_trace(path: str | Path) -> Path:
    """Write the sample trace to ``path`` (Parquet) and return the path."""
    import pyarrow.parquet as pq

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(sample_table(), p)
    return p


if __name__ == "__main__":  # pragma: no cover
    target = sys.argv[1] if len(sys.argv) > 1 else "scenarios/data/sample_jobs.parquet"
    print(write_sample_trace(target))
