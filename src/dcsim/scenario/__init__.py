"""Scenario files: schema, loading, overrides and validation."""

from .load import (
    UNSET,
    apply_overrides,
    dump_toml,
    load_scenario,
    parse_set_option,
    read_document,
    resolved_dict,
    scenario_hash,
    validate_scenario_data,
)
from .schema import Scenario

__all__ = [
    "UNSET",
    "Scenario",
    "apply_overrides",
    "dump_toml",
    "load_scenario",
    "parse_set_option",
    "read_document",
    "resolved_dict",
    "scenario_hash",
    "validate_scenario_data",
]
