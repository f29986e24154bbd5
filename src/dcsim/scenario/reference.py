"""Render the scenario reference (docs/scenarios.md) from the schema itself.

The reference is generated, not written by hand, so it cannot drift from the code: a test
compares docs/scenarios.md with ``render_reference()``. Regenerate it with
``python -m dcsim.scenario.reference > docs/scenarios.md``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .document import section_type as _section_type
from .schema import Scenario

HEADER = """# Scenario reference

Generated from the schema by `python -m dcsim.scenario.reference` (a test keeps it in step
with the code). Every key is optional unless marked required. Units are in the key names:
`_c` °C, `_k` kelvin, `_w` W, `_kw` kW, `_kwh` kWh, `_s` seconds, `_pct` per cent, `_m3` m³,
`_kj_per_k` kJ/K. Durations are written `"60s"`, `"15min"`, `"1h"`, `"365d"`, `"2w"`.
`dcsim schema` prints the same information as JSON Schema for editors.

The keys listed as stable in DESIGN.md (`simulation.duration`, `simulation.step`,
`simulation.seed`, `site.climate`, `site.grid`, `it.racks`, `it.servers_per_rack`,
`it.server`, `room.containment`, `room.supply_air_c`, `room.ashrae_class`, `cooling.system`,
`heat_reuse.enabled`, `workload.kind`, `workload.mean_utilization`) keep their names and
meanings.
"""


def _type_name(annotation: Any, metadata: list[Any] = ()) -> str:
    from .types import duration_in

    if any(getattr(m, "func", None) is duration_in for m in metadata):
        return "duration"
    text = str(annotation)
    if text == "<class 'datetime.datetime'>":
        return "datetime (UTC)"
    for old, new in (("typing.", ""), ("<class '", ""), ("'>", ""), ("dcsim.scenario.schema.", ""),
                     ("dcsim.scenario.facility.", ""), ("dcsim.case.model.", ""), ("dcsim.sweep.model.", ""), ("dcsim.scenario.electrical.", ""), ("dcsim.scenario.it.", ""),
                     ("Annotated[", ""), ("NoneType", "None")):
        text = text.replace(old, new)
    if text == "Any":
        return "text or {en, sv}" if "text or {en, sv}" in " ".join(map(str, metadata)) else "any"
    if "Duration" in text or "BeforeValidator(func=<function duration_in" in text:
        return "duration"
    if "AfterValidator(func=<function _utc" in text:
        return "datetime (UTC)"
    # other validators say nothing a reader needs (and their repr carries a memory address)
    text = re.sub(r"(?:, (?:Before|After)Validator\(func=<function [^>]+>(?:, json_schema_input_type=\w+)?\))+\]", "", text)
    if "Literal[" in text:
        start = text.index("Literal[") + 8
        inner = text[start: text.index("]", start)]  # the Literal's own bracket (it may sit in Optional[...])
        optional = " \\| None" if text.startswith("Optional[") else ""
        return " \\| ".join(v.strip() for v in inner.split(",")) + optional
    if text.startswith("list[") and "FieldInfo" in text:
        return "list[float]"
    return text.replace("|", "\\|")


def _default(field) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "(section)"
        return f"`{json.dumps(value)}`"
    value = field.default
    if value is None:
        return "empty"
    if hasattr(value, "isoformat"):
        return f"`{value.isoformat().replace('+00:00', 'Z')}`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _section(model: type[BaseModel], path: str, lines: list[str]) -> None:
    doc = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())
    lines.append(f"\n## `{path}`\n" if path else "\n## top level\n")
    if doc:
        lines.append(doc + "\n")
    lines.append("| key | type | default | meaning |")
    lines.append("|---|---|---|---|")
    table_at = len(lines)
    subsections = []
    for name, field in model.model_fields.items():
        sub = _section_type(field.annotation)
        key = f"{path}.{name}" if path else name
        if isinstance(sub, type) and issubclass(sub, BaseModel) and "str" not in str(field.annotation) and "list[" not in str(field.annotation):
            subsections.append((sub, key))
            continue
        description = (field.description or "").replace("|", "\\|").replace("\n", " ")
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            subsections.append((sub, key))
        kind = _type_name(field.annotation, field.metadata)
        if kind == "any" and "text or {en, sv}" in description:
            kind = "text or {en, sv}"
        lines.append(f"| `{key}` | {kind} | {_default(field)} | {description} |")
    if len(lines) == table_at:  # a section of sections only: no empty table
        del lines[table_at - 2:table_at]
    for sub, key in subsections:
        _section(sub, key + ("[]" if "list[" in str(model.model_fields[key.split('.')[-1]].annotation) else ""), lines)


def render_model_reference(model: type[BaseModel], header: str) -> str:
    """The Markdown reference of a file whose schema is ``model`` (its sections in order)."""
    lines = [header]
    _section(model, "", lines)
    return "\n".join(lines) + "\n"


def render_reference() -> str:
    """The Markdown scenario reference for the current schema."""
    return render_model_reference(Scenario, HEADER)


if __name__ == "__main__":  # pragma: no cover
    print(render_reference(), end="")
