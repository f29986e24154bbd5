"""The case-file schema: ``[case]``, ``[assumptions]`` and ``[[proposals]]``.

A case names a baseline scenario and one or more proposals. Each proposal is a *patch* on
the baseline (dotted keys or a partial scenario, checked against the scenario schema by
:mod:`dcsim.case.load`), plus the money it costs and how long it lasts. Every section
forbids unknown keys, as scenario sections do.

Texts shown in the report (``title``, ``description``) may be one string or a table of
languages, ``{ en = "...", sv = "..." }``, so ``dcsim case --lang sv`` can give the whole
report in Swedish, the case's own words included.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# A case text may be in any language the report has.
from ..report.strings import LANGUAGES

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
NAME_HELP = "1-64 letters, digits, '-' or '_', starting with a letter or digit (it names a run folder)"
BASELINE_NAME = "baseline"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


def _local_text(value: Any) -> Any:
    """A report text: a string, or a table of languages ``{en = "...", sv = "..."}``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language {unknown[0]!r}; allowed: {', '.join(LANGUAGES)}")
        if not value:
            raise ValueError("give at least one language, e.g. { en = \"...\", sv = \"...\" }")
        bad = [k for k, v in value.items() if not isinstance(v, str)]
        if bad:
            raise ValueError(f"the text for {bad[0]!r} must be a string")
        return dict(value)
    raise ValueError('expected a string or a table of languages such as { en = "...", sv = "..." }')


def _check_name(value: str) -> str:
    if not NAME_RE.match(value):
        raise ValueError(f"must be {NAME_HELP}")
    return value


class CaseInfo(_Strict):
    """The ``[case]`` table."""

    name: str = Field(description="Short name of the case (" + NAME_HELP + ").")
    title: Any = Field(default=None, description="Title of the report (text or {en, sv}).")
    description: Any = Field(default="", description="What the case is about (text or {en, sv}).")
    baseline: str = Field(description="Path of the baseline scenario, relative to the case file.")
    baseline_title: Any = Field(default=None, description="Label of the baseline in the report (text or {en, sv}).")
    baseline_description: Any = Field(
        default=None, description="The baseline in words (text or {en, sv}); default: the scenario's description."
    )
    baseline_patch: dict[str, Any] = Field(
        default_factory=dict,
        description="Changes applied to the baseline and so to every proposal (dotted keys or a partial scenario).",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("title", "description", "baseline_title", "baseline_description")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _local_text(value)


class Assumptions(_Strict):
    """The ``[assumptions]`` table: what every proposal is judged by."""

    discount_rate: float = Field(
        default=0.06, ge=0, le=1, description="Real yearly discount rate for the NPV (0.06 = 6 %)."
    )
    co2_price_sek_per_t: float = Field(
        default=0.0,
        ge=0,
        description="Price put on a tonne of CO2e (SEK/t); 0 leaves carbon out of the savings.",
    )
    water_price_sek_per_m3: float = Field(
        default=0.0,
        ge=0,
        description=(
            "Price of site water, SEK/m3 (Swedish municipal variable charges are about 11-47 SEK/m3 "
            "excl. VAT in 2024, data/economics/water_prices.csv); 0 leaves water out of the savings."
        ),
    )
    replications: int = Field(
        default=3,
        ge=1,
        le=200,
        description=(
            "Weather years to simulate: seeds simulation.seed, +1, ...; baseline and proposals "
            "share each year's weather and workload (paired comparison)."
        ),
    )


class ComponentUse(_Strict):
    """One ``[[proposals.components]]`` entry: a plugin component and its parameters."""

    use: str = Field(description="Component name (entry point in the group dcsim.components, or built-in).")
    params: dict[str, Any] = Field(default_factory=dict, description="The component's parameters.")


class Proposal(_Strict):
    """One ``[[proposals]]`` entry: a change to the baseline and what it costs."""

    name: str = Field(description="Short name (" + NAME_HELP + "); the variant column of comparison.csv.")
    title: Any = Field(default=None, description="Label in the report (text or {en, sv}).")
    description: Any = Field(default="", description="What the proposal is (text or {en, sv}).")
    capital_cost_sek: float = Field(ge=0, description="Investment at year 0, SEK.")
    fixed_cost_change_sek_per_year: float = Field(
        default=0.0, description="Change of yearly fixed costs (maintenance, licences), SEK/yr; negative saves."
    )
    lifetime_years: int = Field(ge=1, le=100, description="Economic lifetime for the NPV, years.")
    patch: dict[str, Any] = Field(
        default_factory=dict, description="Changes to the baseline: dotted keys or a partial scenario."
    )
    patch_file: str | None = Field(
        default=None, description="A partial scenario file (relative to the case file) applied before patch."
    )
    components: list[ComponentUse] = Field(default_factory=list, description="Plugin components of this proposal.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("title", "description")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _local_text(value)


class CaseFile(_Strict):
    """A whole case file."""

    case: CaseInfo
    assumptions: Assumptions = Field(default_factory=Assumptions)
    proposals: list[Proposal] = Field(min_length=1, description="One or more proposals.")
