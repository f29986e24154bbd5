"""Workload simulation: jobs arriving, queued, placed on servers; servers changing power state.

Jobs (:class:`Jobs`) are columns of NumPy arrays. They come from a seeded synthetic Poisson
source with daily and weekly profiles (:func:`generate_jobs`) or from a CSV/Parquet trace, in
dcsim's own columns or OpenDC's ``tasks.parquet`` (:func:`read_trace`,
:func:`jobs_from_trace`). A :class:`WorkloadSimulation` runs them on a hall of racks in SimPy:
an FCFS queue, a placement policy from :data:`PLACEMENTS` (first-fit, best-fit, spread,
thermal-aware; :func:`register_placement` adds your own), optional carbon- or price-aware
deferral of deferrable jobs within their slack, and a power manager (always on, or switch
idle servers off after a timeout keeping a spare pool, with boot time and energy from the
server model).

Coupling with the engine
------------------------
::

    from dcsim.workload import WorkloadSimulation

    sim = WorkloadSimulation(
        scenario.workload,                  # kind "synthetic" or "trace"
        racks=R, servers_per_rack=S,
        server=server_spec,                 # dcsim.it.power.ServerSpec: boot/sleep parameters
        n_steps=N, step_s=60, start_s=start_epoch_s,
        seed=scenario.simulation.seed, timezone=scenario.site.timezone,
        carbon_g_per_kwh=grid.carbon_g_per_kwh,  # float[N], needed by carbon-aware deferral
        price_sek_per_kwh=grid.price_sek_per_kwh,  # float[N], needed by price-aware deferral
        base_dir=scenario_dir,              # for a relative workload.trace.path
    )
    # or WorkloadSimulation.from_scenario(scenario, server=..., carbon_g_per_kwh=..., ...)
    inlet = np.full(R, supply_air_c)
    for k in range(N):
        out = sim.advance(k, inlet)         # runs SimPy to the end of step k
        # per rack, preallocated and overwritten each step (shape (R,)):
        #   out.utilization          time-weighted mean utilisation of the ON servers, 0-1
        #   out.servers_on           time-weighted number of ON servers
        #   out.transition_energy_j  boot/wake energy spent in the step, J
        #   out.standby_energy_j     energy of servers off or asleep in the step, J
        # hall: out.queue_length (time-weighted mean), out.jobs_running, out.busy_core_s, ...
        # rack IT power = servers_on * P(utilization) + (transition + standby energy) / step_s
        inlet = physics_step(k, out)        # the engine's kernels; inlets feed the next step
    metrics = sim.finish(job_table=True)    # WorkloadMetrics; metrics.kpis() -> contract KPIs
    sim.series                              # hall-level per-step arrays (utilization, ...)

``inlet_c`` is what the thermal-aware policy sees during step ``k`` (normally the inlets the
physics computed for step ``k - 1``); other policies ignore it. Steps must be advanced in order.
The same seed gives identical jobs, decisions and outputs.
"""

from .cluster import Cluster
from .jobs import BATCH, CLASS_NAMES, INTERACTIVE, Jobs
from .schedulers import DEFERRALS, PLACEMENTS, Deferral, PlacementPolicy, register_placement
from .simulation import StepOutputs, WorkloadMetrics, WorkloadSeries, WorkloadSimulation
from .synthetic import SyntheticSpec, generate_jobs
from .trace import TraceTable, jobs_from_trace, read_trace

__all__ = [
    "BATCH",
    "CLASS_NAMES",
    "Cluster",
    "DEFERRALS",
    "Deferral",
    "INTERACTIVE",
    "Jobs",
    "PLACEMENTS",
    "PlacementPolicy",
    "StepOutputs",
    "SyntheticSpec",
    "TraceTable",
    "WorkloadMetrics",
    "WorkloadSeries",
    "WorkloadSimulation",
    "generate_jobs",
    "jobs_from_trace",
    "read_trace",
    "register_placement",
]
