"""Run a dcsim sweep on a SLURM cluster through dask-jobqueue (docs/clusters.md).

Run it on the cluster's login node, from the dcsim checkout, with dcsim installed there and
`pip install dask-jobqueue`:

    python docs/examples/slurm_sweep.py scenarios/sweeps/supply-air-site-containment.toml out/sweep --jobs 40

Each SLURM job is one Dask worker: one process, one thread, one core (dcsim's runs are
single-threaded; the sweep's parallelism is one run per worker). Fill the shared Numba cache
once from a compute node first (`srun ... python -m dcsim.warm`, docs/clusters.md). `--resume`
keeps the runs an earlier attempt finished (a job out of wall time); `--dry-run` prints the
job script SLURM would get and submits nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def make_cluster(args):
    try:
        from dask_jobqueue import SLURMCluster
    except ImportError:
        raise SystemExit("this script needs dask_jobqueue: pip install dask-jobqueue") from None

    venv = Path(sys.prefix)  # the environment this script runs in: the workers use the same dcsim
    cache = Path(args.numba_cache).resolve()
    return SLURMCluster(
        cores=1,  # one single-threaded worker per job
        processes=1,
        memory=args.memory,  # a year of the reference scenario (60 s steps, 100 racks) peaked at 0.68 GB RSS
        walltime=args.walltime,
        queue=args.queue,
        account=args.account,
        job_script_prologue=[
            f"source {venv}/bin/activate",
            # shared: filled once on a compute node (docs/clusters.md), then loaded by every job;
            # Numba keys its cache by CPU, so a login node of another CPU type fills it in vain
            f"export NUMBA_CACHE_DIR={cache}",
            "export NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1",
        ],
        log_directory=args.logs,
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sweep_file")
    p.add_argument("output")
    p.add_argument("--jobs", type=int, default=20, help="SLURM jobs (= Dask workers) to start")
    p.add_argument("--queue", default=None, help="SLURM partition (#SBATCH -p)")
    p.add_argument("--account", default=None, help="SLURM account (#SBATCH -A)")
    p.add_argument("--memory", default="2GB")
    p.add_argument("--walltime", default="02:00:00")
    p.add_argument("--numba-cache", default=os.path.expanduser("~/.cache/dcsim-numba"))
    p.add_argument("--logs", default="dask-logs")
    p.add_argument("--resume", action="store_true", help="keep the finished runs in OUTPUT and run the rest")
    p.add_argument("--dry-run", action="store_true", help="print the job script and stop")
    args = p.parse_args()

    cluster = make_cluster(args)
    if args.dry_run:
        print(cluster.job_script())
        cluster.close()
        return 0
    import dcsim.sweep

    cluster.scale(jobs=args.jobs)
    try:
        results = dcsim.sweep.run_sweep(args.sweep_file, args.output, scheduler=cluster.scheduler_address,
                                        resume=args.resume, quiet=False)
    finally:
        cluster.close()
    failed = int((results["status"] == "failed").sum())
    print(f"{len(results)} runs, {failed} failed; results in {args.output}/results.parquet")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
