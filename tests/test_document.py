"""dcsim.scenario.document: reading input files, the line of every key, pydantic errors as findings."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from dcsim.errors import NO_VALUE, InputError
from dcsim.scenario.document import (
    Document,
    nearest_line,
    render_path,
    toml_key_lines,
    validation_findings,
    yaml_key_lines,
)
from dcsim.scenario.schema import Scenario
from dcsim.scenario.types import FieldError


def test_toml_lines_number_arrays_of_tables_and_split_dotted_keys():
    text = (
        '[case]\n'                                   # 1
        'name = "x"\n'                               # 2
        '[[proposals]]\n'                            # 3
        'name = "a"\n'                               # 4
        '[[proposals.components]]\n'                 # 5
        'use = "u"\n'                                # 6
        '[[proposals]]\n'                            # 7
        'patch = { "room.supply_air_c" = 24, it.racks = 2 }\n'  # 8
        'text = """\n'                               # 9
        'fake = 1\n'                                 # 10
        '"""\n'                                      # 11
        '[[proposals.components]]\n'                 # 12
        '[proposals.patch.cooling]\n'                # 13
        "'system' = \"dry-cooler\"\n"                # 14
    )
    lines = toml_key_lines(text)
    assert lines[("proposals", "0", "name")] == 4
    assert lines[("proposals", "0", "components", "0", "use")] == 6
    assert lines[("proposals", "1")] == 7
    assert lines[("proposals", "1", "patch", "room", "supply_air_c")] == 8  # a quoted dotted key is split
    assert lines[("proposals", "1", "patch", "it", "racks")] == 8
    assert ("proposals", "1", "fake") not in lines  # inside a multi-line string
    assert lines[("proposals", "1", "components", "0")] == 12  # numbered afresh in the second proposal
    assert lines[("proposals", "1", "patch", "cooling", "system")] == 14


def test_yaml_lines_split_dotted_keys_and_note_parents():
    lines = yaml_key_lines("sweep:\n  grid:\n    room.supply_air_c: [1, 2]\n  items:\n    - a: 1\n")
    assert lines[("sweep", "grid", "room", "supply_air_c")] == 3
    assert lines[("sweep", "grid", "room")] == 3
    assert lines[("sweep", "items", "0", "a")] == 5
    assert yaml_key_lines("a: [1,\n") == {}  # not YAML: no lines, the reader reports the syntax error


def test_nearest_line_takes_dotted_parts_and_falls_back_to_a_parent():
    lines = toml_key_lines('[sweep.grid]\n"room.containment" = ["none"]\n')
    assert nearest_line(lines, ("sweep", "grid", "room.containment")) == 2
    assert nearest_line(lines, "sweep.grid.room.containment") == 2
    assert nearest_line(lines, ("sweep", "grid", "it.racks")) == 1
    assert nearest_line(lines, ("nowhere",)) is None
    assert render_path(("proposals", "1", "patch", "room", "x")) == "proposals[1].patch.room.x"
    assert render_path("a.b") == "a.b"


@pytest.mark.parametrize(
    ("name", "content", "message", "line"),
    [
        ("nope.toml", None, "file not found", None),
        ("a.txt", "x = 1", "unsupported file type '.txt'; expected .toml, .yaml or .yml", None),
        ("l.toml", 'a = "\xe4"\n'.encode("latin-1"), "not UTF-8 text (invalid continuation byte at byte 5)", None),
        ("s.toml", "a = 1\nb = \n", "TOML syntax error: Invalid value", 2),
        ("s.yaml", "a: 1\nb: [1,\n", "YAML syntax error:", 3),
        ("l.yaml", "- 1\n- 2\n", "expected a mapping of sections at the top level, got list", None),
    ],
)
def test_files_that_are_not_documents(tmp_path, name, content, message, line):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        Document.read(path)
    (p,) = err.value.problems
    assert p.message.startswith(message) and p.file == str(path) and p.line == line
    with pytest.raises(InputError, match="is a directory"):
        Document.read(tmp_path)


def test_a_document_locates_its_problems(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("case:\n  name: x\nproposals:\n  - name: a\n    patch:\n      room.supply_air_cc: 1\n")
    doc = Document.read(path)
    assert doc.data["proposals"][0]["patch"] == {"room.supply_air_cc": 1} and doc.fmt == "yaml"
    p = doc.problem(("proposals", "0", "patch", "room", "supply_air_cc"), "unknown key", 1)
    assert (p.path, p.file, p.line, p.value) == ("proposals[0].patch.room.supply_air_cc", str(path), 6, 1)
    assert not doc.problem(("case",), "x").has_value and len(doc.sha256) == 64


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _order(self):
        if self.high <= self.low:
            raise FieldError("high", "must be greater than low")
        return self


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    inner: _Inner = _Inner()
    items: list[_Inner] = []


def _findings(model, data, **kw):
    with pytest.raises(ValidationError) as err:
        model.model_validate(data)
    return validation_findings(err.value, model, data, **kw)


def test_validation_findings_name_the_key_and_what_is_allowed():
    data = {"inner": {"low": 2.0, "hihg": 3}, "items": [{"lo": 1}], "name_": 1}
    found = _findings(_Outer, data)
    assert found == [
        (("name",), "required key is missing", NO_VALUE),
        (("inner", "hihg"), "unknown key; did you mean 'inner.high'? allowed here: high, low", 3),
        (("items", "0", "lo"), "unknown key; did you mean 'items.0.low'? allowed here: high, low", 1),
        (("name_",), "unknown key; did you mean 'name'? allowed here: inner, items, name", 1),
    ]
    by_name = _findings(_Outer, data, prefix=("case",), suggest="name")
    assert by_name[1] == (("case", "inner", "hihg"), "unknown key; did you mean 'high'? allowed here: high, low", 3)
    # a cross-field check names the key to change; the value is the one written there
    assert _findings(_Outer, {"name": "n", "inner": {"low": 2.0, "high": 1.0}}) == [
        (("inner", "high"), "must be greater than low", 1.0)]


def test_a_key_in_the_wrong_section_and_union_branches():
    found = _findings(Scenario, {"cooling": {"supply_air_c": 20}, "it": {"server": {"idle_w": "x"}}})
    paths = {path: message for path, message, _ in found}
    assert "did you mean 'room.supply_air_c'" in paths[("cooling", "supply_air_c")]
    # it.server is a name or a table: a table written gets the table's errors only
    assert [p for p in paths if p[:2] == ("it", "server")] == [("it", "server", "idle_w")]


def test_a_capitalised_unknown_key_is_a_key_not_a_union_tag():
    """`Supply = 1` matches the pattern of a union-branch tag (`ServerTable`); a key the file
    wrote is located as the unknown key it is (it crashed with IndexError in case files)."""
    found = _findings(Scenario, {"room": {"Supply": 1}, "Room": 1})
    paths = {path: message for path, message, _ in found}
    assert paths[("room", "Supply")].startswith("unknown key; ")
    assert paths[("Room",)].startswith("unknown key; did you mean 'room'?")
    found = _findings(_Outer, {"name": "n", "inner": {"Low": 1.0}})
    assert found == [(("inner", "Low"), "unknown key; did you mean 'inner.low'? allowed here: high, low", 1.0)]
