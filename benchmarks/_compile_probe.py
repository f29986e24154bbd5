"""Run in a fresh interpreter by test_bench_startup.py: import the facility kernel, call it once.

``python _compile_probe.py ARGS.pickle`` loads the kernel arguments the benchmark captured
from the engine (``_kernel_args.KernelCall``), then calls ``facility_kernel`` over all steps.
With an empty NUMBA_CACHE_DIR that first call compiles the kernel and everything it inlines.
Prints one JSON line: import and first-call times (wall and CPU, s) and the IT energy of the
call, which the benchmark checks against the same call made in its own process.
"""

import json
import sys
import time

w0, c0 = time.perf_counter(), time.process_time()
import pickle  # noqa: E402

import numpy as np  # noqa: E402

from dcsim.thermal.kernels import facility_kernel  # noqa: E402

with open(sys.argv[1], "rb") as f:
    n_steps, racks, rest = pickle.load(f)
w1, c1 = time.perf_counter(), time.process_time()
facility_kernel(0, n_steps, *rest)
w2, c2 = time.perf_counter(), time.process_time()

out = next(a for a in rest if hasattr(a, "_fields") and "it_power_kw" in a._fields)
acc = next(a for a in rest if hasattr(a, "_fields") and "energy_kwh" in a._fields)
print(
    json.dumps(
        {
            "import_s": w1 - w0,
            "first_call_s": w2 - w1,
            "import_cpu_s": c1 - c0,
            "first_call_cpu_s": c2 - c1,
            "it_power_kw_sum": float(np.sum(out.it_power_kw)),
            "rack_energy_kwh": acc.energy_kwh.tolist(),
        }
    )
)
