"""One module per cooling system: its parameters and its step function. The plant
(:func:`dcsim.cooling.plant.plant_step`) calls the step of the scenario's system; the builders
are in :mod:`dcsim.model.plant`."""
