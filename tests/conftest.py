"""What every test module shares: where the project's shared data folder is.

The shared folder (published reference data under ``data/``, REFERENCES.md) is not part of
the repository; it sits beside the checkout, ``<repo>/../shared``, as on CI (.ci/run). The
environment variable ``DCSIM_SHARED`` names another folder. A test that validates against a
file there asks for it with the ``shared_file`` fixture, which skips the test, naming the
missing path and the validation lost, when the file is not there: never an absolute path of
one machine, never an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The repository checkout this test suite belongs to.
ROOT = Path(__file__).resolve().parents[1]
#: Environment variable that overrides where the shared folder is.
SHARED_ENV = "DCSIM_SHARED"
#: The shared folder: $DCSIM_SHARED if set, else ``../shared`` beside the checkout.
def shared_folder(environ) -> Path:
    """$DCSIM_SHARED if set (and not empty), else ``../shared`` beside the checkout."""
    return Path(environ[SHARED_ENV]) if environ.get(SHARED_ENV) else ROOT.parent / "shared"


SHARED = shared_folder(os.environ)


def shared_path(relative: str, skipped: str) -> Path:
    """``SHARED / relative`` if that file exists; else skip the calling test or fixture.

    ``skipped`` says what validation is lost, as in "the check of X against Y"; the skip
    reason reads "../shared/<relative> not found beside the checkout (<absolute path>):
    <skipped> is skipped".
    """
    path = SHARED / relative
    if not path.is_file():
        where = f"${SHARED_ENV}/{relative} not found" if os.environ.get(SHARED_ENV) else (
            f"../shared/{relative} not found beside the checkout")
        pytest.skip(f"{where} ({path}): {skipped} is skipped")
    return path


@pytest.fixture(scope="session")
def shared_file():
    """The function :func:`shared_path`: ``shared_file("data/...", "the check of ...")``."""
    return shared_path


def psychrolib_si():
    """The PsychroLib module, in SI units.

    PsychroLib's ``SetUnitSystem`` recompiles every Numba function of the library, which then
    costs about 2 s on the first call of each (for the wet bulb) on the 2-core dev machine.
    Setting it only when it is not SI already makes that cost once per session, not once per
    test module or test. (The module variable is read, not ``GetUnitSystem()``: with Numba
    installed PsychroLib vectorizes that function too, and calling it crashes the process.)
    """
    import psychrolib

    if psychrolib.PSYCHROLIB_UNITS is not psychrolib.SI:
        psychrolib.SetUnitSystem(psychrolib.SI)
    return psychrolib
