"""Input documents: scenario, case and sweep files read once, their keys located by line.

The scenario, case and sweep loaders share this module (it imports none of them):

- :meth:`Document.read` reads a ``.toml``, ``.yaml`` or ``.yml`` file into a mapping, or
  raises an :class:`~dcsim.errors.InputError` naming the file: not found, a directory, another
  file type, not UTF-8 (with the byte), a TOML or YAML syntax error (with line and column), a
  YAML document that is not a mapping;
- :attr:`Document.key_lines` maps every key path written in the file to its 1-based line (one
  scanner for TOML, PyYAML's node marks for YAML), built only when a problem needs a line;
  :meth:`Document.line` gives the line of a path or of its nearest written parent;
- :func:`validation_findings` turns a pydantic ``ValidationError`` into findings, ``(path,
  message, value)``: the dotted path of the key at fault (a cross-field check names its key
  with :class:`~dcsim.scenario.types.FieldError`), a message saying what is allowed ("did you
  mean ..." for an unknown key) and the value written; :meth:`Document.problem` locates one.

Key paths are tuples of strings. List elements are numbered from 0, arrays of tables
included: the second ``[[proposals]]`` table's ``patch.room.supply_air_c`` is
``("proposals", "1", "patch", "room", "supply_air_c")``. A key holding dots is split into its
parts, in the file (``"room.supply_air_c" = 24``, a dotted path in a patch or a sweep axis)
and in the path asked for, so a dotted key is found however it was written: quoted, as
nested tables or as a TOML dotted key.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import NO_VALUE, InputError, Problem
from ._yaml import MAX_DEPTH, InputLimitError, compose_yaml, load_yaml
from .types import FieldError

KeyLines = dict[tuple[str, ...], int]
#: A problem before it is located: (key path, message, value or :data:`~dcsim.errors.NO_VALUE`).
Finding = tuple[tuple[str, ...], str, Any]

FORMATS = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}
#: Largest scenario, case or sweep file read (the shipped ones are under 20 kB).
MAX_INPUT_BYTES = 4 * 1024 * 1024


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, eq=False)
class Document:
    """A parsed input file: its mapping, its text and its format (``"toml"`` or ``"yaml"``)."""

    path: Path
    data: dict[str, Any]
    text: str
    fmt: str

    @classmethod
    def read(cls, path: str | Path) -> Document:
        """Read and parse a TOML or YAML file; raise InputError naming what is wrong with it."""
        p = Path(path)
        fmt = FORMATS.get(p.suffix.lower())
        if not p.exists():
            raise InputError(Problem("", "file not found", file=str(p)))
        if p.is_dir():
            raise InputError(Problem("", "is a directory, expected a .toml or .yaml file", file=str(p)))
        if fmt is None:
            suffix = p.suffix.lower() or "(none)"
            raise InputError(Problem("", f"unsupported file type {suffix!r}; expected .toml, .yaml or .yml", file=str(p)))
        text = read_input_text(p, MAX_INPUT_BYTES, "a .toml or .yaml file")
        data = _parse_toml(text, p) if fmt == "toml" else _parse_yaml(text, p)
        return cls(p, data, text, fmt)

    @property
    def file(self) -> str:
        return str(self.path)

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's text (UTF-8)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def key_lines(self) -> KeyLines:
        return key_lines(self.text, self.fmt)

    def line(self, path: str | Sequence[str]) -> int | None:
        """Line of ``path`` (a dotted string or a tuple of keys), or of its nearest parent
        written in the file; None when nothing of it is."""
        return nearest_line(self.key_lines, path)

    def problem(self, path: Sequence[str], message: str, value: Any = NO_VALUE, *, shown: str | None = None) -> Problem:
        """A problem of this file at ``path``, on its line; the path is shown as
        :func:`render_path` writes it unless ``shown`` is given."""
        return Problem(render_path(path) if shown is None else shown, message, value=value, file=self.file,
                       line=self.line(path))

    def problems(self, findings: list[Finding]) -> list[Problem]:
        return [self.problem(path, message, value) for path, message, value in findings]


def read_input_text(p: Path, max_bytes: int, expected: str) -> str:
    """The UTF-8 text of input file ``p``; InputError (exit 2) naming the file when it is not a
    regular file (a FIFO would block for ever, a device never end), is larger than
    ``max_bytes``, cannot be read, or is not UTF-8. Nothing of its contents is echoed."""
    try:
        st = p.stat()
    except OSError as exc:
        raise InputError(Problem("", f"cannot read it: {exc.strerror or exc}", file=str(p)))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(Problem("", f"is not a regular file (a FIFO, socket or device); expected {expected}",
                                 file=str(p)))
    if st.st_size > max_bytes:
        raise InputError(Problem("", f"is {st.st_size:,} bytes; input files may be at most {max_bytes:,} bytes",
                                 file=str(p)))
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(Problem("", f"cannot read it: {exc.strerror or exc}", file=str(p)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem("", f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(p)))


def _parse_toml(text: str, p: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise InputError(Problem("", "TOML input refused: nested too deeply", file=str(p))) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        raise InputError(Problem("", f"TOML syntax error: {msg}", file=str(p), line=line, column=col))
    if _depth(data) > MAX_DEPTH:
        raise InputError(Problem("", f"TOML input refused: nested deeper than {MAX_DEPTH} levels", file=str(p)))
    return data


def _depth(value: Any) -> int:
    """Nesting depth of tables and arrays (iterative: the value may be deep)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = list(v.values())
        if isinstance(v, list):
            deepest = max(deepest, d + 1)
            stack.extend((x, d + 1) for x in v if isinstance(x, (dict, list)))
    return deepest


def _parse_yaml(text: str, p: Path) -> dict[str, Any]:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        refused = (InputLimitError, yaml.constructor.ConstructorError)
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            Problem("", f"{'YAML input refused' if isinstance(exc, refused) else 'YAML syntax error'}: {problem}", file=str(p),
                    line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None)
        )
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            Problem("", f"expected a mapping of sections at the top level, got {type(data).__name__}", file=str(p))
        )
    return data


# --------------------------------------------------------------------------- key lines


def render_path(path: str | Sequence[str]) -> str:
    """``("proposals", "1", "patch", "room", "x")`` -> ``"proposals[1].patch.room.x"``."""
    if isinstance(path, str):
        return path
    out = ""
    for part in path:
        part = str(part)
        if part.isdigit() and out:
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _split(path: str | Sequence[str]) -> tuple[str, ...]:
    parts = path.split(".") if isinstance(path, str) else path
    return tuple(p for part in parts for p in str(part).split(".") if p)


def nearest_line(lines: KeyLines, path: str | Sequence[str]) -> int | None:
    """Line of ``path`` or of its nearest parent in ``lines``; None when nothing matches."""
    key = _split(path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


def key_lines(text: str, fmt: str) -> KeyLines:
    """Every key path of a TOML or YAML text with its 1-based line (see the module docstring)."""
    return toml_key_lines(text) if fmt == "toml" else yaml_key_lines(text)


_KEY = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_DOTTED_KEY = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_TABLE_RE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
_ARRAY_TABLE_RE = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_KEY_RE = re.compile(rf"^\s*({_DOTTED_KEY})\s*=")
_INLINE_KEY_RE = re.compile(rf"[{{,]\s*({_DOTTED_KEY})\s*=")


def _key_parts(text: str) -> tuple[str, ...]:
    """The parts of a (dotted, maybe quoted) TOML key, quoted parts split at their dots too."""
    return tuple(p for part in re.findall(_KEY, text) for p in part.strip("\"'").split(".") if p)


def _bracket_balance(text: str) -> int:
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'[^\']*\'', "", text.split("#", 1)[0])
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


def toml_key_lines(text: str) -> KeyLines:
    """Every key path of a TOML text with its 1-based line, numbering arrays of tables.

    ``tomllib`` keeps no positions, so the text is scanned line by line for table headers
    (``[a.b]``, ``[[a.b]]``), ``key = value`` lines (dotted keys included) and the keys of an
    inline table on the same line; keys inside multi-line arrays, multi-line inline tables and
    multi-line strings are not indexed (a problem there is located on the key that opens them).
    """
    lines: KeyLines = {}
    counts: dict[tuple[str, ...], int] = {}  # path of an array of tables -> index of its last element
    table: tuple[str, ...] = ()
    depth = 0  # open brackets of a multi-line array or inline table
    in_string = False

    def resolve(parts: tuple[str, ...]) -> tuple[str, ...]:
        """A table path with the current element of every array of tables it passes through."""
        out: tuple[str, ...] = ()
        for part in parts:
            out += (part,)
            if out in counts:
                out += (str(counts[out]),)
        return out

    def note(path: tuple[str, ...], number: int) -> None:
        for i in range(1, len(path) + 1):
            lines.setdefault(path[:i], number)

    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            in_string = '"""' not in line and "'''" not in line
            continue
        if depth > 0:
            depth = max(0, depth + _bracket_balance(line))
            continue
        m = _ARRAY_TABLE_RE.match(line)
        if m:
            parts = _key_parts(m.group(1))
            array = resolve(parts[:-1]) + parts[-1:]
            counts[array] = counts.get(array, -1) + 1
            for nested in [k for k in counts if len(k) > len(array) and k[: len(array)] == array]:
                del counts[nested]  # a new element numbers the arrays inside it afresh
            table = array + (str(counts[array]),)
            note(table, number)
            continue
        m = _TABLE_RE.match(line)
        if m:
            table = resolve(_key_parts(m.group(1)))
            note(table, number)
            continue
        m = _KEY_RE.match(line)
        if m:
            key = table + _key_parts(m.group(1))
            note(key, number)
            rest = line[m.end():]
            if rest.count('"""') == 1 or rest.count("'''") == 1:
                in_string = True
                continue
            for inner in _INLINE_KEY_RE.finditer(rest):
                lines.setdefault(key + _key_parts(inner.group(1)), number)
            depth += _bracket_balance(rest)
    return lines


def yaml_key_lines(text: str) -> KeyLines:
    """Every key path of a YAML text with its 1-based line, from PyYAML's node marks."""
    lines: KeyLines = {}
    try:
        root = compose_yaml(text)
    except yaml.YAMLError:
        return lines

    def note(path: tuple[str, ...], number: int) -> None:
        for i in range(1, len(path) + 1):
            lines.setdefault(path[:i], number)

    def walk(node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = path + _split((str(key_node.value),))
                note(key, key_node.start_mark.line + 1)
                walk(value_node, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                key = path + (str(i),)
                note(key, item.start_mark.line + 1)
                walk(item, key)

    if root is not None:
        walk(root, ())
    return lines


# --------------------------------------------------------------------------- pydantic errors


def section_type(annotation: Any) -> Any:
    """The model a field holds (``X``, ``X | None``, ``list[X]``, ``str | X``), else the annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def model_at(model: type[BaseModel], path: Sequence[str]) -> type[BaseModel] | None:
    """The model of the mapping at ``path`` (list indices skipped); None if it is not a section."""
    current: Any = model
    for part in path:
        if str(part).isdigit():
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = section_type(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _leaf_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, field in model.model_fields.items():
        sub = section_type(field.annotation)
        paths.append(prefix + (name,))
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            paths.extend(_leaf_paths(sub, prefix + (name,)))
    return paths


def unknown_key_message(model: type[BaseModel], parent: tuple[str, ...], key: str, *, suggest: str = "path") -> str:
    """What to say of ``key``, unknown in the section at ``parent``: the allowed keys, and the
    closest one ("did you mean"). ``suggest="path"`` names the suggestion by its whole dotted
    path and, when nothing here is close, looks for the key in other sections;
    ``suggest="name"`` names the key alone."""
    section = model_at(model, parent)
    allowed = sorted(section.model_fields) if section else []
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if suggest == "name":
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key; {hint}allowed here: {', '.join(allowed)}"
    if close:
        return f"unknown key; did you mean {'.'.join(parent + (close[0],))!r}? allowed here: {', '.join(allowed)}"
    elsewhere = [p for p in _leaf_paths(model) if p[-1] == key]
    if elsewhere:
        return f"unknown key here; did you mean {'.'.join(elsewhere[0])!r}? allowed here: {', '.join(allowed)}"
    return f"unknown key; allowed here: {', '.join(allowed)}"


def get_dotted(data: Any, key: str | Sequence[str], missing: Any = None) -> Any:
    """The value at a dotted key (``"room.supply_air_c"``) or a path of keys in nested
    mappings, list items by index; ``missing`` where there is none."""
    node = data
    for part in key.split(".") if isinstance(key, str) else key:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return missing
    return node


# A union branch tag in an error location (it.server is `str | ServerTable`; validator tags).
_BRANCH_TAG = re.compile(r"^(str|int|float|bool|list\[.*\]|dict\[.*\]|function-.*|[A-Z][A-Za-z]+|literal\[.*\])$")


def _error_path(loc: tuple, model: type[BaseModel], data: Any) -> tuple[str, ...] | None:
    """The key path of an error location without union-branch tags; None for an error of the
    branch that does not match the kind of value written (a table where a name may go, or the
    reverse), which only repeats the other branch's error."""
    path: list[str] = []
    for part in map(str, loc):
        section = model_at(model, path)
        is_field = section is not None and part in section.model_fields
        node = get_dotted(data, path)
        is_key = isinstance(node, dict) and part in node  # a key the file wrote (`Discount = 1`) is no tag
        if not is_field and not is_key and _BRANCH_TAG.match(part) and not part.isdigit():
            if (part == "str") == isinstance(node, dict):
                return None
            continue
        path.append(part)
    return tuple(path)


def validation_findings(exc: ValidationError, model: type[BaseModel], data: Any, *, prefix: tuple[str, ...] = (),
                        suggest: str = "path") -> list[Finding]:
    """The problems of a pydantic error as findings ``(prefix + path, message, value)``.

    ``model`` is the model validated and ``data`` what it was given. Unknown keys get
    :func:`unknown_key_message` (``suggest`` as there), missing keys "required key is missing"
    without a value, a :class:`FieldError` the path of the key it names; "Value error, " is
    taken off pydantic's messages. Repeats (same path and message) are dropped.
    """
    found: list[Finding] = []
    seen: set[tuple[tuple[str, ...], str]] = set()
    for err in exc.errors(include_url=False):
        path = _error_path(err["loc"], model, data)
        if path is None:
            continue
        ctx_error = (err.get("ctx") or {}).get("error")
        value = err.get("input")
        if isinstance(ctx_error, FieldError):
            extra = tuple(ctx_error.field.split("."))
            path = extra if "." in ctx_error.field else path + extra
            message, value = str(ctx_error), get_dotted(data, path)
        elif err["type"] == "extra_forbidden":
            message = unknown_key_message(model, path[:-1], path[-1], suggest=suggest)
        elif err["type"] == "missing":
            message, value = "required key is missing", NO_VALUE
        else:
            message = err["msg"].removeprefix("Value error, ")
        if (path, message) not in seen:
            seen.add((path, message))
            found.append((prefix + path, message, value))
    return found
