"""Line numbers of keys in case files, arrays of tables included.

``dcsim.scenario.locate`` indexes scenario files, which have no arrays of tables. Case files
do (``[[proposals]]``, ``[[proposals.components]]``), so this scanner numbers each element:
the second proposal's ``patch.room.supply_air_c`` is the path
``("proposals", "1", "patch", "room", "supply_air_c")``. Quoted keys holding dots
(``"room.supply_air_c" = 24``) are split, because in a patch they mean a dotted path.
"""

from __future__ import annotations

import re

from ..scenario.locate import _KEY_RE, _TABLE_RE, _bracket_balance, _split_key, yaml_key_lines

Index = dict[tuple[str, ...], int]


def _parts(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in _split_key(text):
        out.extend(p for p in part.split(".") if p)
    return tuple(out)


def toml_case_lines(text: str) -> Index:
    """Map every key path of a TOML document to its 1-based line, numbering arrays of tables."""
    lines: Index = {}
    current: dict[tuple[str, ...], int] = {}  # resolved array-of-tables path -> current index
    table: tuple[str, ...] = ()
    depth = 0
    in_multiline = False

    def resolve(parts: tuple[str, ...]) -> tuple[str, ...]:
        out: tuple[str, ...] = ()
        for part in parts:
            out = out + (part,)
            if out in current:
                out = out + (str(current[out]),)
        return out

    def note(path: tuple[str, ...], number: int) -> None:
        for i in range(1, len(path) + 1):
            lines.setdefault(path[:i], number)

    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if '"""' in line or "'''" in line:
                in_multiline = False
            continue
        if depth > 0:
            depth = max(0, depth + _bracket_balance(line))
            continue
        stripped = line.strip()
        if stripped.startswith("[["):
            m = re.match(r"^\s*\[\[\s*([^\]]+?)\s*\]\]", line)
            if m:
                parts = _parts(m.group(1))
                full = resolve(parts[:-1]) + (parts[-1],)
                current[full] = current.get(full, -1) + 1
                # a new element resets the numbering of arrays nested in the previous one
                for key in [k for k in current if len(k) > len(full) and k[: len(full)] == full]:
                    del current[key]
                table = full + (str(current[full]),)
                note(table, number)
                continue
        m = _TABLE_RE.match(line)
        if m and stripped.startswith("["):
            table = resolve(_parts(m.group(1)))
            note(table, number)
            continue
        m = _KEY_RE.match(line)
        if m:
            key = table + _parts(m.group(1))
            note(key, number)
            rest = line[m.end():]
            if rest.count('"""') == 1 or rest.count("'''") == 1:
                in_multiline = True
                continue
            for inner in re.finditer(r"""[{,]\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*=""", rest):
                lines.setdefault(key + _parts(inner.group(1)), number)
            depth += _bracket_balance(rest)
    return lines


def yaml_case_lines(text: str) -> Index:
    """Map every key path of a YAML document to its line, splitting dotted keys."""
    out: Index = {}
    for key, line in yaml_key_lines(text).items():
        split: list[str] = []
        for part in key:
            split.extend(p for p in part.split(".") if p)
        out.setdefault(tuple(split), line)
    return out


def case_lines(text: str, fmt: str) -> Index:
    return toml_case_lines(text) if fmt == "toml" else yaml_case_lines(text)


def line_of(index: Index, path: tuple[str, ...]) -> int | None:
    """Line of ``path`` or of its nearest parent that exists."""
    key = tuple(path)
    while key:
        if key in index:
            return index[key]
        key = key[:-1]
    return None


def render_path(path: tuple[str, ...] | list[str]) -> str:
    """``("proposals", "1", "patch", "room", "x")`` -> ``"proposals[1].patch.room.x"``."""
    out = ""
    for part in path:
        part = str(part)
        if part.isdigit() and out:
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out
