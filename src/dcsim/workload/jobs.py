"""Jobs as columns: one NumPy array per attribute, never one Python object per job.

Times are seconds from the simulation start (``t = 0``), floats. A job asks for ``cores``
whole cores on one server for ``duration_s`` seconds; while it runs those cores are busy at
``cpu_share`` (0-1], which is what the power model sees as utilisation. ``deadline_s`` is the
time by which it should have finished (``inf``: none). A ``deferrable`` job may be held back by a
deferring scheduler as long as it can still meet its deadline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: ``job_class`` codes
INTERACTIVE = 0
BATCH = 1
CLASS_NAMES = ("interactive", "batch")

_FIELDS = ("submit_s", "duration_s", "cores", "cpu_share", "deadline_s", "deferrable", "job_class")
_DTYPES = {
    "submit_s": np.float64,
    "duration_s": np.float64,
    "cores": np.int32,
    "cpu_share": np.float64,
    "deadline_s": np.float64,
    "deferrable": np.bool_,
    "job_class": np.int8,
}


@dataclass(frozen=True, eq=False)
class Jobs:
    """A table of jobs sorted by submission time (stable), one read-only array per column.

    Attributes
    ----------
    submit_s : float64[n]
        Submission time, s from the simulation start.
    duration_s : float64[n]
        Run time once started, s (> 0).
    cores : int32[n]
        Cores needed on one server (>= 1).
    cpu_share : float64[n]
        Busy fraction of those cores while running, (0, 1].
    deadline_s : float64[n]
        Latest completion time, s from the simulation start; ``inf`` for none.
    deferrable : bool[n]
        May be delayed by a deferring scheduler (needs a finite deadline to be deferred).
    job_class : int8[n]
        :data:`INTERACTIVE` (0) or :data:`BATCH` (1).
    """

    submit_s: np.ndarray
    duration_s: np.ndarray
    cores: np.ndarray
    cpu_share: np.ndarray
    deadline_s: np.ndarray
    deferrable: np.ndarray
    job_class: np.ndarray

    def __post_init__(self) -> None:
        n = None
        for name in _FIELDS:
            arr = np.array(getattr(self, name), dtype=_DTYPES[name], copy=True).reshape(-1)
            if n is None:
                n = arr.size
            elif arr.size != n:
                raise ValueError(f"Jobs.{name} has {arr.size} values, submit_s has {n}")
            object.__setattr__(self, name, arr)
        if n and not np.all(np.isfinite(self.submit_s)):
            raise ValueError("Jobs.submit_s must be finite")
        if n and not (np.all(np.isfinite(self.duration_s)) and np.all(self.duration_s > 0)):
            raise ValueError("Jobs.duration_s must be finite and > 0")
        if n and np.any(self.cores < 1):
            raise ValueError("Jobs.cores must be >= 1")
        if n and not np.all((self.cpu_share > 0) & (self.cpu_share <= 1)):
            raise ValueError("Jobs.cpu_share must lie in (0, 1]")
        if n and np.any(np.isnan(self.deadline_s)):
            raise ValueError("Jobs.deadline_s must not be NaN (use inf for no deadline)")
        if n and np.any((self.job_class != INTERACTIVE) & (self.job_class != BATCH)):
            raise ValueError("Jobs.job_class must be 0 (interactive) or 1 (batch)")
        if n and np.any(np.diff(self.submit_s) < 0):
            order = np.argsort(self.submit_s, kind="stable")
            for name in _FIELDS:
                object.__setattr__(self, name, getattr(self, name)[order])
        for name in _FIELDS:
            getattr(self, name).setflags(write=False)

    @classmethod
    def build(
        cls,
        submit_s,
        duration_s,
        cores=1,
        *,
        cpu_share=1.0,
        deadline_s=np.inf,
        deferrable=False,
        job_class=INTERACTIVE,
    ) -> Jobs:
        """Jobs from arrays or scalars (scalars are broadcast to the length of ``submit_s``)."""
        submit = np.asarray(submit_s, dtype=np.float64).reshape(-1)
        n = submit.size

        def col(value, dtype):
            return np.broadcast_to(np.asarray(value, dtype=dtype), (n,))

        return cls(
            submit_s=submit,
            duration_s=col(duration_s, np.float64),
            cores=col(cores, np.int32),
            cpu_share=col(cpu_share, np.float64),
            deadline_s=col(deadline_s, np.float64),
            deferrable=col(deferrable, np.bool_),
            job_class=col(job_class, np.int8),
        )

    @classmethod
    def empty(cls) -> Jobs:
        return cls.build(np.empty(0), np.empty(0))

    def __len__(self) -> int:
        return int(self.submit_s.size)

    @property
    def n(self) -> int:
        return len(self)

    def take(self, index) -> Jobs:
        """The jobs at ``index`` (an index array or boolean mask), re-sorted by submission."""
        return Jobs(**{name: getattr(self, name)[index] for name in _FIELDS})

    def shifted(self, offset_s: float) -> Jobs:
        """The same jobs ``offset_s`` seconds later (deadlines move with them)."""
        return Jobs(
            **{
                **{name: getattr(self, name) for name in _FIELDS},
                "submit_s": self.submit_s + offset_s,
                "deadline_s": self.deadline_s + offset_s,
            }
        )

    @staticmethod
    def concat(parts: list[Jobs]) -> Jobs:
        if not parts:
            return Jobs.empty()
        return Jobs(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in _FIELDS})

    @property
    def core_seconds(self) -> np.ndarray:
        """Demand of each job: cores x run time, core-s."""
        return self.cores * self.duration_s

    def to_frame(self):
        """The table as a pandas DataFrame (``job_class`` as its name)."""
        import pandas as pd

        data = {name: getattr(self, name) for name in _FIELDS}
        data["job_class"] = np.asarray(CLASS_NAMES, dtype=object)[self.job_class]
        return pd.DataFrame(data)
