"""Cooling plant models: CRAH fans, chillers, pumps (more systems follow, DESIGN.md)."""

# Integer codes of the `cooling_mode` timeseries column (kernels write codes, results map names).
COOLING_MODES = ("mechanical", "partial-free", "free")
MODE_MECHANICAL = 0
MODE_PARTIAL_FREE = 1
MODE_FREE = 2
