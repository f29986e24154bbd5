"""Output folders written whole: a run or a case writes into a fresh sibling folder and swaps
it in only when every file is there, so a folder is always one run's output, never a mix.

- The previous output is replaced as a whole, so files it had that the new run does not
  write (a proposal dropped from a case, its ``runs/p2/``) do not survive.
- A non-empty folder that is not a dcsim output (no :data:`MARKER`, ``manifest.json`` or
  ``comparison.csv``) is refused unless ``force``: dcsim never swaps away someone's files
  unasked.
- The root of a file system, a path under a file and an existing file are refused.
- The sibling is removed on every exit Python sees (an error, Ctrl-C, SIGTERM); one left by a
  SIGKILL is removed by the next save to the same folder.

Problems with the path given are :class:`~dcsim.errors.InputError` at ``field`` (exit 2);
an OS error while writing is :class:`OutputError` (exit 1, one line).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError, OutputError, Problem

#: Written into every output folder: what makes a folder one dcsim may replace.
MARKER = ".dcsim-output"
#: Files that mark a folder written by an older dcsim (before the marker): a run's, a case's,
#: a sweep's.
_OLD_MARKS = ("manifest.json", "comparison.csv", "sweep.json")
_NEW = ".dcsim-new-"
_OLD = ".dcsim-old-"


def is_dcsim_output(folder: Path) -> bool:
    """Whether ``folder`` holds a dcsim output (or nothing), so that a save may replace it."""
    try:
        names = {p.name for p in folder.iterdir()}
    except OSError:
        return False
    return not names or MARKER in names or any(m in names for m in _OLD_MARKS)


def check_target(target: Path, *, force: bool = False, field: str = "--output") -> Path:
    """The absolute output folder ``target`` after the checks of the module docstring."""
    p = Path(os.path.abspath(target))
    if p.parent == p:
        raise InputError(Problem(field, "is the root of a file system; name a folder for the output", value=str(target)))
    for parent in [p, *p.parents]:
        if parent.exists() and not parent.is_dir():
            what = "is a file" if parent == p else f"is under {parent}, which is a file"
            raise InputError(Problem(field, f"{what}; name a folder for the output", value=str(target)))
        if parent.exists():
            break
    if p.is_dir() and not force and not is_dcsim_output(p):
        raise InputError(Problem(field, "is a folder with files that are not a dcsim output; name another folder, "
                                 "or add --force to replace it whole", value=str(target)))
    return p


@contextmanager
def fresh_folder(target: Path, *, force: bool = False, field: str = "--output") -> Iterator[Path]:
    """Yield a new, empty sibling folder of ``target``; when the block ends without an error,
    put it in ``target``'s place whole (the old folder removed). On an error or an interrupt
    the sibling is removed and ``target`` is left as it was."""
    p = check_target(target, force=force, field=field)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(p)
        new = Path(tempfile.mkdtemp(prefix=f".{p.name}{_NEW}", dir=p.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(new, 0o777 & ~umask)  # mkdtemp makes 0700; give the folder the usual permissions
    except OSError as exc:
        raise OutputError(f"cannot write the output to {p}: {exc.strerror or exc}") from None
    try:
        yield new
        _mark(new)
        _swap(new, p)
    except OSError as exc:
        raise OutputError(f"cannot write the output to {p}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(new, ignore_errors=True)


def open_folder(target: Path, *, keep: bool, force: bool = False, field: str = "--output") -> Path:
    """The output folder of a command that writes as it goes (a sweep keeps each finished
    run, so that ``--resume`` can go on): ``target`` after :func:`check_target`, with the
    marker. With ``keep`` (resuming) its files stay; without, a previous output is first moved
    away whole, so that nothing of it survives beside the new one."""
    p = check_target(target, force=force, field=field)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(p)
        if not keep and p.exists() and any(p.iterdir()):
            shutil.rmtree(_move_away(p), ignore_errors=True)
        p.mkdir(exist_ok=True)
        _mark(p)
    except OSError as exc:
        raise OutputError(f"cannot write the output to {p}: {exc.strerror or exc}") from None
    return p


def _mark(folder: Path) -> None:
    (folder / MARKER).write_text("written by dcsim; dcsim may replace this folder whole\n", encoding="utf-8")


def _move_away(target: Path) -> Path:
    """Rename ``target`` to a hidden sibling in one step (so that it is gone from its name at
    once) and return the sibling, for the caller to remove."""
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}{_OLD}", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    return old


def _swap(new: Path, target: Path) -> None:
    old = _move_away(target) if target.exists() else None
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_stale(target: Path) -> None:
    """Remove siblings a killed save of ``target`` left behind."""
    for sibling in target.parent.glob(f".{target.name}.dcsim-*-*"):
        if sibling.name.startswith((f".{target.name}{_NEW}", f".{target.name}{_OLD}")) and sibling.is_dir():
            shutil.rmtree(sibling, ignore_errors=True)
