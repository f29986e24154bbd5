"""Find the line of a dotted key in a TOML or YAML source, for error messages.

``tomllib`` keeps no positions, so TOML is scanned line by line for table headers and
``key = value`` lines (dotted keys and ``[a.b]`` tables included). YAML positions come from
PyYAML's node marks. When the exact key is absent (a missing key, say), the nearest
enclosing key that exists is reported instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

_TABLE_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'""", text)
    return tuple(p.strip("\"'") for p in parts)


def toml_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every key path defined in a TOML document to its 1-based line number."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    depth = 0  # inside a multi-line array or inline table: keys there are not tracked
    in_multiline_string = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if in_multiline_string:
            if '"""' in line or "'''" in line:
                in_multiline_string = False
            continue
        if depth == 0:
            m = _TABLE_RE.match(line)
            if m:
                table = _split_key(m.group(1))
                for i in range(1, len(table) + 1):
                    lines.setdefault(table[:i], number)
                continue
            m = _KEY_RE.match(line)
            if m:
                key = table + _split_key(m.group(1))
                for i in range(len(table) + 1, len(key) + 1):
                    lines.setdefault(key[:i], number)
                rest = line[m.end():]
                if rest.count('"""') == 1 or rest.count("'''") == 1:
                    in_multiline_string = True
                    continue
                # Keys inside an inline table on the same line: { a = 1, b = 2 }
                for inner in re.finditer(r"[{,]\s*([A-Za-z0-9_\-]+)\s*=", rest):
                    lines.setdefault(key + (inner.group(1),), number)
                depth += _bracket_balance(rest)
                continue
        else:
            depth += _bracket_balance(line)
            depth = max(depth, 0)
    return lines


def _bracket_balance(text: str) -> int:
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'[^\']*\'', "", text.split("#", 1)[0])
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


def yaml_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every mapping key path in a YAML document to its 1-based line number."""
    lines: dict[tuple[str, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines

    def walk(node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = path + (str(key_node.value),)
                lines.setdefault(key, key_node.start_mark.line + 1)
                walk(value_node, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                key = path + (str(i),)
                lines.setdefault(key, item.start_mark.line + 1)
                walk(item, key)

    if root is not None:
        walk(root, ())
    return lines


def find_line(index: dict[tuple[str, ...], int], path: Sequence[str | int]) -> int | None:
    """Line of ``path`` or of its nearest existing parent; None when nothing matches."""
    key = tuple(str(p) for p in path)
    while key:
        if key in index:
            return index[key]
        key = key[:-1]
    return None
