"""The chiller catalogue, kept importable here: it lives in :mod:`dcsim.data.equipment`."""

from ..data.equipment import ChillerCurves, chiller_catalog, equipment_catalog, get_chiller

__all__ = ["ChillerCurves", "chiller_catalog", "get_chiller", "equipment_catalog"]
