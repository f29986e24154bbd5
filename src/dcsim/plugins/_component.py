"""The component base class, the entry-point group, and which dcsim versions a component accepts.

A component states the dcsim versions it was written for as ``requires_dcsim``, a range in
the notation of Python packaging (``">=0.1,<1"``). The check is a small explicit one (dcsim
does not depend on ``packaging``): comparisons ``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=``
of release numbers, joined by commas, all of which must hold. Release numbers compare as
PEP 440 releases (``1`` = ``1.0`` = ``1.0.0``); pre-release, post-release and local tags of
dcsim's own version are not looked at.

Components written before the range existed declare ``api_version`` (an integer) instead,
which must equal :data:`API_VERSION`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from .._version import __version__ as DCSIM_VERSION

if TYPE_CHECKING:
    from ._runview import RunView

#: Where dcsim finds components: ``[project.entry-points."dcsim.components"]`` of a package.
ENTRY_POINT_GROUP = "dcsim.components"
#: Generation of the component interface (hooks, RunView methods). Older components declare
#: it as ``api_version``; new ones declare ``requires_dcsim``.
API_VERSION = 1

RANGE_HELP = "comparisons (>=, >, <=, <, ==, !=) of release numbers joined by commas, e.g. '>=0.1,<1'"

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}
_CLAUSE_RE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)\s*")
_RELEASE_RE = re.compile(r"\d+(?:\.\d+)*")


def _release(text: str) -> tuple[int, ...]:
    """A release number as a tuple without trailing zeros, so ``1``, ``1.0`` and ``1.0.0`` are equal."""
    parts = [int(p) for p in text.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def parse_version_range(text: Any) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The clauses ``(operator, release)`` of a range such as ``">=0.1,<1"``.

    Raises ValueError saying which part is not understood.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected a text such as '>=0.1,<1', got {text!r}")
    clauses = []
    for part in text.split(","):
        m = _CLAUSE_RE.fullmatch(part)
        if m is None:
            raise ValueError(f"{part.strip()!r} is not a comparison of a release number such as '>=0.1' or '<1'")
        clauses.append((m[1], _release(m[2])))
    return tuple(clauses)


def version_in_range(version: str, text: str) -> bool:
    """Whether the release number at the start of ``version`` satisfies every clause of ``text``."""
    m = _RELEASE_RE.match(version)
    if m is None:
        raise ValueError(f"{version!r} does not start with a release number")
    v = _release(m[0])
    return all(_OPS[op](v, bound) for op, bound in parse_version_range(text))


def compatibility_problem(component: Any, *, who: str = "the component", version: str = DCSIM_VERSION) -> str | None:
    """Why this dcsim (``version``) cannot run ``component``, or None when it can.

    ``requires_dcsim`` (a range) decides when the component declares it; otherwise the older
    ``api_version`` must equal :data:`API_VERSION`. ``who`` names the component in the message
    (e.g. ``"component 'acme-solar' (acme-dcsim 1.2)"``).
    """
    declared = getattr(component, "requires_dcsim", None)
    if declared is None:
        api = getattr(component, "api_version", None)
        if api != API_VERSION:
            return f"component written for component API {api!r}; this dcsim supports {API_VERSION}"
        return None
    try:
        ok = version_in_range(version, declared)
    except ValueError as exc:
        return f"{who} declares requires_dcsim = {declared!r}, which is not a version range ({exc}); allowed: {RANGE_HELP}"
    if not ok:
        return f"{who} requires dcsim {declared!r}; this is dcsim {version} (component API {API_VERSION})"
    return None


class Component:
    """Base class of components (subclassing it is optional: the attributes are what count).

    Attributes
    ----------
    requires_dcsim : str
        The dcsim versions the component works with, e.g. ``">=0.1,<1"``; dcsim refuses to
        load it into another version (exit code 2, naming the component and both versions).
    title : str
        One line shown in reports ("On-site solar PV").
    params_model : type[pydantic.BaseModel] or None
        Model of the ``params`` table. Use ``ConfigDict(extra="forbid")`` so a typo is an error;
        the model sees ``{"base_dir": Path}`` (the case file's folder) as validation context.
        None: the params table is passed on as a plain dict.
    api_version : int
        For components written before ``requires_dcsim``: the component API they were
        written for, which must be :data:`API_VERSION`. Not looked at when
        ``requires_dcsim`` is set.
    """

    requires_dcsim: ClassVar[str | None] = None
    api_version: ClassVar[int] = API_VERSION
    title: ClassVar[str] = ""
    params_model: ClassVar[type[BaseModel] | None] = None

    def scenario_patch(self, params: Any, scenario: Mapping[str, Any]) -> Mapping[str, Any]:
        """Dotted scenario keys and values to merge into the proposal (default: none).

        ``scenario`` is the baseline scenario as plain data, the component's own copy.
        """
        return {}

    def postprocess(self, run: RunView, params: Any) -> None:
        """Change one run's timeseries and KPIs through the methods of ``run`` (default: nothing)."""

    def describe(self, params: Any, lang: str = "en") -> str:
        """One line for the report (default: the title). ``lang`` is the report's language
        (``"en"``, ``"sv"``); a component written without it is called as ``describe(params)``."""
        return self.title


def overrides_hook(obj: Any, name: str) -> bool:
    """Whether ``obj`` implements the hook ``name`` itself (not the base class's do-nothing one)."""
    fn = getattr(obj, name, None)
    if not callable(fn):
        return False
    base = getattr(Component, name)
    return getattr(fn, "__func__", fn) is not base
