"""Built-in names in scenario keys (data, no physics): ``site.climate`` and ``site.grid`` are
either a file path or ``builtin:<name>``. Every loader, path resolver and label asks
:func:`builtin_name` which one a value is, so that they agree: the prefix in any case, spaces
around the value and around the name ignored (``" Builtin: Luleå "`` is the built-in
``Luleå``; each domain then folds the name to its key: :func:`dcsim.climate.normalize_site_key`,
``casefold`` for grid zones)."""

from __future__ import annotations

__all__ = ["BUILTIN_PREFIX", "builtin_name"]

BUILTIN_PREFIX = "builtin:"


def builtin_name(spec: object) -> str | None:
    """The name after ``builtin:`` in ``spec``, stripped, or None when ``spec`` is not a
    built-in spec (a path, or not a string)."""
    if not isinstance(spec, str):
        return None
    text = spec.strip()
    if not text.casefold().startswith(BUILTIN_PREFIX):
        return None
    return text[len(BUILTIN_PREFIX):].strip()
