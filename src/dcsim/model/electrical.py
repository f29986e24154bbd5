"""The electrical chain's kernel parameters from the scenario's ``electrical`` section."""

from __future__ import annotations

from ..data.equipment import equipment_rows
from ..electrical.chain import UPS_COEFFICIENTS, UPS_CONSTANT, UPS_NONE, UPS_TABLE, ElectricalParams
from ..electrical.ups import ups_modules_needed
from .tables import pad_table

def ups_presets() -> dict[str, dict]:
    """UPS loss-coefficient presets from ``dcsim/data/equipment_ups.csv`` (key -> row)."""
    return {r["key"]: r for r in equipment_rows("equipment_ups.csv")}


def build_electrical(section, design_it_kw: float) -> ElectricalParams:
    """ElectricalParams from the scenario's ``electrical`` section (dcsim.scenario.facility).

    Ratings left empty default to the design IT power (UPS, PDU) and to 1.5 x the design IT
    power (transformer: IT plus a cooling plant and margin). UPS modules (curve types): module
    rating default ``rated_kw`` (one module carries the rated load), installed modules default
    ceil(rated_kw / module_kw) + redundant_modules; the installed modules less the redundant ones
    must carry ``rated_kw``. A constant-efficiency UPS is one module of the whole rating.
    """
    if design_it_kw <= 0:
        raise ValueError("design_it_kw must be > 0")
    ups = section.ups
    kind = ups.type
    table_load, table_eff = [0.0, 1.0], [1.0, 1.0]
    a0 = a1 = a2 = 0.0
    if kind == "constant":
        code = UPS_CONSTANT
    elif kind == "none":
        code = UPS_NONE
    elif kind == "table":
        code = UPS_TABLE
        table_load, table_eff = ups.load_points, ups.efficiency_points
    else:
        code = UPS_COEFFICIENTS
        row = ups_presets()[kind]
        a0, a1, a2 = float(row["no_load_fraction"]), float(row["proportional_fraction"]), float(row["square_fraction"])
    ups_rated = float(ups.rated_kw) if ups.rated_kw is not None else float(design_it_kw)
    module_kw, modules, redundant = ups_rated, 1, 0
    if code in (UPS_COEFFICIENTS, UPS_TABLE):
        module_kw = float(ups.module_kw) if ups.module_kw is not None else ups_rated
        redundant = int(ups.redundant_modules)
        needed = int(ups_modules_needed(ups_rated, module_kw))  # the rated load in modules
        modules = int(ups.modules) if ups.modules is not None else needed + redundant
        if (modules - redundant) * module_kw < ups_rated * (1.0 - 1e-9):
            raise ValueError(
                f"electrical.ups.modules: {modules} modules of {module_kw:g} kW less {redundant} redundant carry "
                f"{(modules - redundant) * module_kw:g} kW, below the rated load of {ups_rated:g} kW "
                f"(rated_kw, or the design IT power when it is empty); install at least {needed + redundant}"
            )
    table_load, table_eff = pad_table(table_load, table_eff, "electrical.ups.load_points")
    pdu = section.pdu
    tr = section.transformer
    return ElectricalParams(
        ups_kind=float(code),
        ups_efficiency=float(ups.efficiency) if ups.efficiency is not None else 1.0,  # read only by UPS_CONSTANT
        ups_rated_kw=ups_rated,
        ups_no_load=a0,
        ups_proportional=a1,
        ups_square=a2,
        ups_table_load=table_load,
        ups_table_efficiency=table_eff,
        ups_feeds_cooling=1.0 if ups.feeds_cooling else 0.0,
        ups_module_kw=module_kw,
        ups_modules=float(modules),
        ups_redundant_modules=float(redundant),
        ups_eco_staging=1.0 if ups.module_control == "eco-staging" else 0.0,
        pdu_rated_kw=float(pdu.rated_kw) if pdu.rated_kw is not None else float(design_it_kw),
        pdu_no_load=float(pdu.no_load_fraction),
        pdu_load_loss=float(pdu.load_loss_fraction),
        transformer_rated_kw=float(tr.rated_kw) if tr.rated_kw is not None else 1.5 * float(design_it_kw),
        transformer_no_load=float(tr.no_load_fraction),
        transformer_load_loss=float(tr.load_loss_fraction),
        fixed_kw=float(section.lighting_kw + section.other_kw),
    )
