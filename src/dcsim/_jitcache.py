"""Numba's on-disk cache, invalidated when any dcsim source file changes.

Numba keys a cached function on its own source file only. A compiled function carries the code
of every ``@njit`` function it calls (LLVM inlines them), so after an edit to, say,
``cooling/plant.py`` the cached ``facility_kernel`` (in ``thermal/kernels.py``, unchanged) would
go on running the old plant code, silently, until its own file changed (a documented Numba limitation, numba/numba#1833).

:func:`install` puts a cache locator in front of Numba's for functions defined in dcsim: it
keeps the directory Numba would have chosen and adds a hash of the whole package's sources to
the freshness stamp, so an edit anywhere in dcsim recompiles every dcsim function once. Other
packages' functions are left to Numba's own locators. It relies on Numba's locator list
(``CacheImpl._locator_classes``; ``_CacheImpl`` in older releases); if that is missing, the
cache keeps Numba's per-file behaviour and nothing else changes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from numba import njit  # noqa: F401 - re-exported: dcsim's modules take njit from here
from numba.core import caching

PACKAGE_DIR = Path(__file__).resolve().parent


def package_source_stamp(root: Path) -> str:
    """SHA-256 over the relative paths and contents of every ``.py`` file under ``root``."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def _stamp() -> str:
    return package_source_stamp(PACKAGE_DIR)


def _impl_class():
    return getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)


class PackageStampLocator(caching._CacheLocator):
    """Numba's own locator for a dcsim function, with the package's source hash in its stamp."""

    def __init__(self, inner):
        self._inner = inner
        self._py_file = getattr(inner, "_py_file", "")  # Numba's warnings read it

    def ensure_cache_path(self):
        self._inner.ensure_cache_path()

    def get_cache_path(self):
        return self._inner.get_cache_path()

    def get_source_stamp(self):
        return self._inner.get_source_stamp(), _stamp()

    def get_disambiguator(self):
        return self._inner.get_disambiguator()

    @classmethod
    def from_function(cls, py_func, py_file):
        try:
            Path(py_file).resolve().relative_to(PACKAGE_DIR)
        except (ValueError, OSError):
            return None  # not dcsim's: Numba's locators decide
        for klass in _impl_class()._locator_classes:
            if klass is not cls:
                inner = klass.from_function(py_func, py_file)
                if inner is not None:
                    return cls(inner)
        return None


def install() -> bool:
    """Put :class:`PackageStampLocator` first in Numba's locator list (once). Returns whether
    it is in place. Must run before any dcsim module defines an ``@njit(cache=True)`` function
    (this module calls it on import, and every compiling module imports this one first)."""
    impl = _impl_class()
    classes = getattr(impl, "_locator_classes", None)
    if not isinstance(classes, list):
        return False
    if PackageStampLocator not in classes:
        classes.insert(0, PackageStampLocator)
    return True


# Installed on import: every dcsim module that compiles imports this one (``from .._jitcache
# import njit``) before its first ``@njit``, so ``import dcsim`` itself need not load Numba.
install()


_COMPILE_RECORD = "dcsim-compile-s.txt"


def needs_compile(dispatcher, args: tuple | None = None, *, with_type=None) -> bool:
    """Whether the next call of ``dispatcher`` (a cached ``@njit`` function) compiles: for the
    types of ``args``, when given, that signature is neither compiled in this process nor in
    its on-disk index; with ``with_type`` (a Numba type), no cached signature has an argument
    of that type; otherwise the index is missing or stale (Numba then returns an empty index).
    False when the cache cannot be read (nothing is then announced)."""
    try:
        if args is not None:
            sig = tuple(dispatcher.typeof_pyval(a) for a in args)
            if sig in dispatcher.overloads:  # compiled in this process: no need to read the index
                return False
            index = dispatcher._cache._cache_file._load_index()
            return dispatcher._cache._index_key(sig, dispatcher.targetctx.codegen()) not in index
        index = dispatcher._cache._cache_file._load_index()
        if with_type is not None:  # a signature compiled for this CPU (Numba keys its cache by CPU too)
            here = dispatcher.targetctx.codegen().magic_tuple()
            return not any(with_type in key[0] and key[1] == here for key in index)
        return not index
    except Exception:  # noqa: BLE001 - Numba internals: an unknown layout means "do not announce"
        return False


def last_compile_s(dispatcher) -> float | None:
    """Seconds the last compile of ``dispatcher`` took on this machine (recorded beside its
    cache by :func:`record_compile_s`), or None."""
    try:
        value = float((Path(dispatcher._cache._cache_path) / _COMPILE_RECORD).read_text())
    except Exception:  # noqa: BLE001 - no record yet, or an unreadable one
        return None
    return value if value > 0 else None


def record_compile_s(dispatcher, seconds: float) -> None:
    """Keep how long a compile of ``dispatcher`` took, beside its cache (best effort)."""
    try:
        (Path(dispatcher._cache._cache_path) / _COMPILE_RECORD).write_text(f"{seconds:.1f}\n")
    except Exception:  # noqa: BLE001 - a read-only cache folder only loses the estimate
        pass


def compile_on_a_fresh_stack(dispatcher, args: tuple) -> None:
    """Compile ``dispatcher`` for the types of ``args`` in a new thread, when it is not in the
    cache, and wait for it; the caller's own call then finds the compiled code.

    Why: CPython 3.11 keeps a thread's Python frames in 16 KiB chunks and frees a chunk when
    the frames return below it. Numba's type inference recurses deeply; from the command
    line's stack depth its recursion crossed a chunk boundary again and again: 687,426
    mmap/munmap pairs, 5.2-5.7 s of system time in a cold one-day run of the reference
    scenario. A new thread starts its frames at the bottom of a fresh stack, where the same
    compile measured 1.0-1.1 s of system time (2-4 s less CPU in all). An error in the compile
    is raised here; a Ctrl-C interrupts the wait (the compile thread is a daemon)."""
    if not needs_compile(dispatcher, args):
        return
    import threading

    signature = tuple(dispatcher.typeof_pyval(a) for a in args)
    failed: list[BaseException] = []

    def work() -> None:
        try:
            dispatcher.compile(signature)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=work, name="dcsim-compile", daemon=True)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def compile_message(seconds: float | None) -> str:
    """The line shown before a run that must compile the model first."""
    if seconds is None:
        return "compiling the model, first run only (under a minute on a 2-core machine) ..."
    return f"compiling the model, first run only, about {seconds:.0f} s ..."


class CompileNotice:
    """Around a run: says :func:`compile_message` through ``say`` before it when ``kernel`` is
    not in the cache (with ``with_types``: some type of them is in no cached signature of it,
    e.g. the runs' cooling-system markers), and records how long the run took to compile
    it (so the next notice on this machine can say "about N s")."""

    def __init__(self, kernel, say=None, with_types=()):
        import time

        self.kernel = kernel
        self.with_types = tuple(with_types)
        self.cold = self._needed()
        if self.cold and say is not None:
            say(compile_message(last_compile_s(kernel)))
        self._clock = time.perf_counter
        self.t0 = self._clock()

    def _needed(self) -> bool:
        if not self.with_types:
            return needs_compile(self.kernel)
        return any(needs_compile(self.kernel, with_type=t) for t in self.with_types)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.cold and exc_type is None and not self._needed():
            record_compile_s(self.kernel, self._clock() - self.t0)
