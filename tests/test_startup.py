"""Start-up (issue 19): ``dcsim --help``, ``validate``, ``schema`` and ``catalog`` load neither
Numba nor pandas, so they answer in well under a second. Checked on the modules loaded, not on
a clock (a timed test would fail on a slow machine; the times are in the closing note)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
sys.argv = ["dcsim"] + {args!r}
from dcsim.cli import main
try:
    code = main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({{"code": code, "heavy": sorted(m for m in ("numba", "pandas", "matplotlib", "simpy", "dask")
                                              if m in sys.modules)}}))
"""


@pytest.mark.parametrize("args", [
    ["--help"],
    ["validate", "scenarios/lulea-air-1mw.toml"],
    ["validate", "scenarios/chiller-crah-stockholm-heat-reuse.toml"],
    ["schema"],
    ["catalog"],
    ["catalog", "servers"],
])
def test_light_commands_load_neither_numba_nor_pandas(args):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] in (0, None), proc.stderr
    assert report["heavy"] == [], f"dcsim {' '.join(args)} imported {report['heavy']}"


def test_import_dcsim_is_light_until_a_run_needs_the_engine():
    code = ("import sys, dcsim; light = 'numba' not in sys.modules and 'pandas' not in sys.modules; "
            "dcsim.Results; print(light, 'pandas' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["True", "True"], proc.stderr


TOY = """
import sys
sys.path.insert(0, {root!r})
import dcsim._jitcache as j
from numba import njit

@njit(cache=True)
def f(x):
    return x + 1.0

before = j.needs_compile(f)
f(1.0)
j.record_compile_s(f, 12.34)
print(before, j.needs_compile(f), j.last_compile_s(f))
from numba import types
# per signature (what the facility kernel's pre-compile asks) and per argument type (the notice
# for a cooling system not yet compiled)
print(j.needs_compile(f, (2.0,)), j.needs_compile(f, (2,)), j.needs_compile(f, with_type=types.float64),
      j.needs_compile(f, with_type=types.int64))
"""


def test_a_cold_cache_is_detected_and_the_compile_time_recorded(tmp_path):
    """The compile notice's two facts: whether the next call compiles, and how long the last
    compile took here. Checked on a toy function (the model's own compile takes half a minute)."""
    (tmp_path / "toy.py").write_text(TOY.format(root=str(ROOT / "src")))
    env = {"PATH": "/usr/bin:/bin", "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    first = subprocess.run([sys.executable, str(tmp_path / "toy.py")], capture_output=True, text=True, env=env,
                           timeout=120)
    second = subprocess.run([sys.executable, str(tmp_path / "toy.py")], capture_output=True, text=True, env=env,
                            timeout=120)
    assert first.stdout.split() == ["True", "False", "12.3", "False", "True", "False", "True"], first.stderr
    assert second.stdout.split() == ["False", "False", "12.3", "False", "True", "False", "True"], second.stderr


def test_compile_message_names_the_last_measured_time():
    from dcsim._jitcache import compile_message

    assert compile_message(28.2) == "compiling the model, first run only, about 28 s ..."
    assert "first run only" in compile_message(None)
