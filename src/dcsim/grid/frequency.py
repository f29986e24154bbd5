"""A record of the grid frequency (a user file), for the activated energy of frequency reserves.

dcsim ships no frequency record: the Nordic TSOs publish the measured frequency (Fingrid's
open data at 0.1 s, Svenska kraftnät's on request), too large for package data. A battery
offering FCR-D reads one from ``storage.battery.frequency_file``: a CSV or Parquet file with
``time`` (ISO 8601 UTC, whole seconds) and ``frequency_hz``, on a constant step and complete.
Sub-second records are averaged to whole seconds first (by the user); a coarser step averages
short dips away, so the activated energy it gives is a lower bound (the droop is not linear
across its 49.9 Hz threshold).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: the column of a frequency file (besides ``time``)
FREQUENCY_COLUMN = "frequency_hz"
#: the frequencies a record may hold, Hz: the Nordic grid's generators may disconnect outside
#: 47.5-51.5 Hz (ENTSO-E network code RfG, Art. 13, Table 2: the Nordic ranges), so a value
#: beyond 45-55 Hz is a wrong unit or column, not a frequency the battery would have served
FREQUENCY_RANGE_HZ = (45.0, 55.0)


def read_frequency_file(path, *, field_path: str = "storage.battery.frequency_file") -> tuple[np.ndarray, np.ndarray]:
    """The grid frequency record of ``path`` (.csv or .parquet): (sample times as int64 UTC
    seconds, frequency in Hz). The samples are on one constant step, complete and in order.

    Raises
    ------
    InputError
        A missing file or column, a value that is not a number or lies outside 45-55 Hz, times
        out of order, duplicate, missing or on an uneven step: all listed with the file, line
        (CSV) or row (Parquet) and column.
    """
    from .._table import Column
    from .readers import read_dated_column

    lo, hi = FREQUENCY_RANGE_HZ
    freq = Column(FREQUENCY_COLUMN, unit="Hz", low=lo, high=hi, label="grid frequency",
                  note="outside it the grid would have tripped; check the unit and column",
                  describe="the measured grid frequency of each sample", hint="Add the column.")
    _, t, f = read_dated_column(path, freq, what="frequency file", field_path=field_path)
    return t, f
