"""What a worker process does for one run of a sweep (local processes and Dask alike).

``execute_run`` takes a plain payload (the resolved scenario as JSON-compatible data, its
hash and the dcsim version the sweep expects) and returns a plain record. It never raises
for a failing run: the error is recorded and the sweep goes on.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import traceback
from typing import Any

#: Threads per worker for Numba and the BLAS/OpenMP libraries: one, since the sweep already
#: runs one process per core (more would oversubscribe the cores).
THREAD_ENV = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


#: Tests only: a worker dies (os._exit) when it starts a run whose key begins with this value.
CRASH_ENV = "DCSIM_SWEEP_TEST_CRASH_KEY"


def execute_run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate and simulate one scenario; return its record (status, error, wall_s, KPIs)."""
    t0 = time.perf_counter()
    from .._version import __version__

    record: dict[str, Any] = {
        "key": payload["key"],
        "scenario_hash": payload["scenario_hash"],
        "dcsim_version": __version__,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "status": "failed",
        "error": None,
        "kpis": None,
    }
    if os.environ.get(CRASH_ENV) and payload["key"].startswith(os.environ[CRASH_ENV]):
        os._exit(70)  # tests only: a worker process that dies mid-run
    try:
        if payload["dcsim_version"] != __version__:
            raise RuntimeError(
                f"this worker runs dcsim {__version__} but the sweep was planned with dcsim "
                f"{payload['dcsim_version']}; install the same version on every worker"
            )
        from ..engine import simulate
        from ..scenario.load import scenario_hash
        from ..scenario.schema import Scenario

        _one_numba_thread()
        sc = Scenario.model_validate(payload["scenario"])
        if scenario_hash(sc) != payload["scenario_hash"]:
            raise RuntimeError("the scenario changed on its way to the worker (hash mismatch)")
        res = simulate(sc)
        record["threads"] = worker_threads()
        record["kpis"] = {name: float(value) for name, value in res.kpis.items()}
        record["status"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the sweep goes on
        from ..errors import InputError

        record["error"] = exc.format() if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
        record["traceback"] = traceback.format_exc()
    record["wall_s"] = time.perf_counter() - t0
    return record


def failed_record(payload: dict[str, Any], error: str, wall_s: float = float("nan")) -> dict[str, Any]:
    """The record of a run that could not even report back (its worker died, say)."""
    from .._version import __version__

    return {
        "key": payload["key"],
        "scenario_hash": payload["scenario_hash"],
        "dcsim_version": __version__,
        "worker": None,
        "status": "failed",
        "error": error,
        "kpis": None,
        "wall_s": wall_s,
    }


def init_local_worker(parent_pid: int) -> None:
    """Initializer of the local process pool: Ctrl-C is the parent's to handle, and a worker
    whose parent has died (even by SIGKILL) exits instead of lingering."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="dcsim-parent-watch", daemon=True).start()


def _watch_parent(parent_pid: int, interval_s: float = 0.5) -> None:
    while True:
        time.sleep(interval_s)
        if os.getppid() != parent_pid:
            os._exit(3)


def _one_numba_thread() -> None:
    """One Numba thread even on a worker started without NUMBA_NUM_THREADS=1 (an existing Dask
    cluster, say): the sweep's parallelism is one run per worker process."""
    import numba

    if numba.get_num_threads() != 1:
        numba.set_num_threads(1)


def worker_threads() -> dict[str, Any]:
    """The thread settings this worker runs with (recorded with each run)."""
    import numba

    return {"numba": int(numba.get_num_threads()), **{k: os.environ.get(k) for k in THREAD_ENV}}
