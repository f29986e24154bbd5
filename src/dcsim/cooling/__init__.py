"""Cooling plant models: CRAH fans, chillers, economisers, dry coolers, fresh air,
evaporative coolers, liquid cooling (DESIGN.md); the compiled entry point is
:func:`dcsim.cooling.plant.plant_step`."""

# Integer codes of the `cooling_mode` timeseries column (kernels write codes, results map names).
COOLING_MODES = ("mechanical", "partial-free", "free", "evaporative", "free-dry")
MODE_MECHANICAL = 0  # compressors carry the whole load (chiller, DX; fresh-air dampers closed)
MODE_PARTIAL_FREE = 1  # economiser / outdoor air / evaporative pre-cooling plus compressor trim
MODE_FREE = 2  # no compressor, no water for cooling (economiser, dry cooler, outdoor air)
MODE_EVAPORATIVE = 3  # no compressor, evaporative (adiabatic) assist using water
MODE_FREE_DRY = 4  # waterside economiser on a cooling tower running dry (freeze protection): no compressor, no water

#: Share of a step counted as free cooling for the KPI free_cooling_hours, by mode code
#: (partial-free counts half, as results.compute_kpis does). Plants also report the exact
#: share of heat removed without compressors (OUT_FREE_FRACTION).
MODE_FREE_WEIGHT = (0.0, 0.5, 1.0, 1.0, 1.0)
