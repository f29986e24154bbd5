"""One module per cooling system: its parameters and its step function. The plant
(:func:`dcsim.cooling.plant.plant_step_dispatched`) calls the step of the scenario's system,
chosen by the type of its marker (:mod:`dcsim.cooling.dispatch`); the builders are in
:mod:`dcsim.model.plant`.

Every function here is compiled with ``inline="always"`` (Numba inlines it into its system's
implementation in :mod:`dcsim.cooling.dispatch` before LLVM sees it). Without it each call
passed the whole plant parameter tuple by value: measured on the reference scenario, 299 ns per
plant step against 228 ns before the split into modules; inlined, 199 ns. The implementation
a system's marker selects in :mod:`dcsim.cooling.dispatch` is one call of that kind per step:
not inlined, because inlined the plant step's own typing took 3.0 s of a cold compile against
0.7 s; it costs 2-3 % of a year of the reference scenario (1.150 s against 1.121 s CPU, best
of five).
"""
