"""Measurement and verification (issue 18): meter files, ASHRAE Guideline 14 statistics and the
calibration of a scenario to a site's meters (``dcsim calibrate``)."""

from .calibrate import Calibration, FitKey, calibrate, parse_fit
from .meters import MAX_MISSING_SHARE, METER_CHANNELS, Meters, read_meters
from .stats import G14_LIMITS, cv_rmse_pct, fit_statistics, nmbe_pct
from .verify import savings_uncertainty, verify

__all__ = [
    "G14_LIMITS",
    "MAX_MISSING_SHARE",
    "METER_CHANNELS",
    "Calibration",
    "FitKey",
    "Meters",
    "calibrate",
    "cv_rmse_pct",
    "fit_statistics",
    "nmbe_pct",
    "parse_fit",
    "read_meters",
    "savings_uncertainty",
    "verify",
]
