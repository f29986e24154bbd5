"""Executors: where the runs of a sweep run.

- ``local``: a pool of local processes, one per core by default, started with ``spawn``
  and with Numba/BLAS/OpenMP threads pinned to one per process. At most two runs per worker
  are handed out at a time, so a crash of a worker process costs only those; their runs are
  retried once in a fresh pool and recorded as failed if the pool breaks again.
- ``dask``: a Dask ``LocalCluster`` (one single-threaded worker process per core), or an
  existing Dask cluster through its scheduler address.

Both call the same :func:`dcsim.sweep._worker.execute_run` on the same payloads, so a run
gives the same record, bit for bit, whichever executor ran it. ``on_result`` is called in
the calling thread as each run finishes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem
from ._worker import THREAD_ENV, execute_run, failed_record, init_local_worker

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class Task:
    key: str
    payload: dict[str, Any]


OnResult = Callable[[Task, dict[str, Any]], None]


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def pinned_thread_env() -> Iterator[None]:
    """Set one thread per worker in the environment that worker processes inherit, while the
    pool starts them (the libraries read these variables when they load)."""
    saved = {k: os.environ.get(k) for k in THREAD_ENV}
    os.environ.update(THREAD_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_local(tasks: list[Task], workers: int, on_result: OnResult) -> None:
    """Run ``tasks`` in local worker processes."""
    pending = deque(tasks)
    breaks: Counter[str] = Counter()
    dead_pools = 0  # pools in a row that broke before returning any result
    window = 2 * workers
    ctx = multiprocessing.get_context("spawn")
    with pinned_thread_env():
        while pending:
            pool = ProcessPoolExecutor(
                max_workers=min(workers, len(pending)), mp_context=ctx,
                initializer=init_local_worker, initargs=(os.getpid(),),
            )
            inflight: dict[Future, Task] = {}
            broken = False
            clean = False
            returned = 0
            try:
                while pending or inflight:
                    while pending and len(inflight) < window and not broken:
                        task = pending.popleft()
                        try:
                            inflight[pool.submit(execute_run, task.payload)] = task
                        except BrokenProcessPool:
                            pending.appendleft(task)
                            broken = True
                    if not inflight:
                        break
                    done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                    for fut in done:
                        task = inflight.pop(fut)
                        try:
                            record = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            breaks[task.key] += 1
                            if breaks[task.key] >= 2:
                                on_result(task, failed_record(
                                    task.payload,
                                    "the worker process died while running this run (a crash, or killed "
                                    "for lack of memory?); it was tried twice",
                                ))
                            else:
                                pending.appendleft(task)
                            continue
                        except Exception as exc:  # noqa: BLE001 - e.g. the payload could not be sent
                            record = failed_record(task.payload, f"{type(exc).__name__}: {exc}")
                        returned += 1
                        on_result(task, record)
                clean = True
            finally:
                if clean or broken:
                    pool.shutdown(wait=True, cancel_futures=True)
                else:  # interrupted: do not wait for the runs in flight
                    _terminate(pool)
            dead_pools = dead_pools + 1 if broken and not returned else 0
            if dead_pools >= 2:
                raise RuntimeError(
                    "the sweep's worker processes die before returning any run. Called from a script? "
                    "Put the call under `if __name__ == \"__main__\":` (workers are started with spawn "
                    "and import the main module). Otherwise every run crashes its worker: try one with "
                    "`dcsim run`."
                )


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass


def _dask_client(workers: int, scheduler: str | None):
    """(client, close): a client of a new Dask LocalCluster of ``workers`` single-threaded
    processes, or of the cluster at ``scheduler``; ``close()`` closes what was opened."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            Problem("--executor", "the dask executor needs Dask: pip install 'dcsim[dask]'", value="dask")
        ) from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                Problem(
                    "--scheduler",
                    f"cannot connect to a Dask scheduler there ({exc}); start one with `dask scheduler` "
                    "and give the address it prints, e.g. tcp://10.0.0.5:8786",
                    value=scheduler,
                )
            ) from None
    else:
        import dask

        # Dask sets MALLOC_TRIM_THRESHOLD_=65536 in its workers by default, which turns off
        # glibc's adaptive mmap threshold: every large array of a run is then a fresh mmap and
        # its pages fault in again, about 25 % slower for a full-year run. Keep glibc's default.
        # (pinned_thread_env: Dask's nannies write their thread settings into this process's
        # environment; it is put back as it was once the workers have started.)
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}), pinned_thread_env():
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                env=dict(THREAD_ENV), silence_logs=logging.ERROR,
            )
        client = Client(cluster)

    def close() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return client, close


def run_dask(tasks: list[Task], workers: int, scheduler: str | None, on_result: OnResult) -> None:
    """Run ``tasks`` on a new Dask LocalCluster, or on the cluster at ``scheduler``."""
    client, close = _dask_client(workers, scheduler)
    from distributed import as_completed

    try:
        tag = uuid.uuid4().hex[:8]
        futures = {
            client.submit(execute_run, t.payload, key=f"dcsim-run-{t.key[:16]}-{tag}", pure=False): t for t in tasks
        }
        for fut in as_completed(list(futures)):
            task = futures.pop(fut)
            try:
                record = fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: recorded, the sweep goes on
                record = failed_record(task.payload, f"{type(exc).__name__}: {exc}")
            on_result(task, record)
            fut.release()
    finally:
        for fut in futures:
            fut.cancel()
        close()
