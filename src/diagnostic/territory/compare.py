"""The study area against its EPCI, département, région and France, indicator by indicator."""

from __future__ import annotations

import re

import pandas as pd

from diagnostic.anomalies import KEPT, concat_anomalies
from diagnostic.schemas import conform
from diagnostic.settings import Settings
from diagnostic.territory.aggregate import (
    FRANCE,
    REGION_DEPARTEMENTS,
    aggregate_indicators,
    combine_vintage,
    departement_of,
)
from diagnostic.territory.catalogue import HEADLINE, indicator
from diagnostic.territory.vintages import to_vintage

AREA = "zone d'étude"
_LEVELS = [AREA, "EPCI", "département", "région", "France"]


def area_members(
    indicators: pd.DataFrame,
    communes: pd.DataFrame,
    area: set[str],
    names: dict | None = None,
) -> pd.DataFrame:
    """Which communes make up the study area and each reference level, as far as data allow.

    The département of a commune comes from its code; a région (or France) is a reference
    only when the indicator file holds every one of its départements. `names` gives the
    départements' and régions' names (``{"département": {"61": "Orne"}, "région": {...}}``);
    a reference without one is called by its code (« Département 61 »).

    Returns
    -------
    DataFrame
        geo_level, geo_code, geo_name, commune_code.
    """
    current = communes[communes["type"] == "COM"].drop_duplicates("commune_code")
    in_area = current[current["commune_code"].isin(area)]
    coded = pd.Series(indicators["geo_code"].dropna().unique(), dtype="string")
    dep_of = coded.map(departement_of)
    covered = set(dep_of)
    named = names or {}
    dep_names, reg_names = named.get("département", {}), named.get("région", {})
    parts = [(AREA, "", "Zone d'étude", set(in_area["commune_code"]))]
    for epci in sorted(in_area["epci_code"].dropna().unique()):
        parts.append(
            ("EPCI", epci, epci, set(current.loc[current["epci_code"] == epci, "commune_code"]))
        )
    for dep in sorted(in_area["commune_code"].map(departement_of).unique()):
        if dep in covered:
            parts.append(
                (
                    "département",
                    dep,
                    dep_names.get(dep) or f"Département {dep}",
                    set(current.loc[current["departement"] == dep, "commune_code"])
                    | set(coded[dep_of == dep]),
                )
            )
    for reg in sorted(in_area["region"].dropna().unique()):
        deps = set(REGION_DEPARTEMENTS.get(reg, "").split())
        if deps and deps <= covered:
            parts.append(
                (
                    "région",
                    reg,
                    reg_names.get(reg) or f"Région {reg}",
                    set(coded[dep_of.isin(deps)]),
                )
            )
    if covered >= FRANCE:
        parts.append(("France", "FR", "France", set(coded[dep_of.isin(FRANCE)])))
    rows = [(lvl, code, name, c) for lvl, code, name, members in parts for c in sorted(members)]
    return pd.DataFrame(rows, columns=["geo_level", "geo_code", "geo_name", "commune_code"])


def compare_territories(
    indicators: pd.DataFrame,
    communes: pd.DataFrame,
    area: set[str],
    settings: Settings = Settings(),
    *,
    epci: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    codes=tuple(HEADLINE),
    area_names: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare the study area with each reference level for the indicators `codes`
    (the headline indicators by default), in that order.

    The EPCI are named from `epci`, the départements and régions from `area_names`
    (``{"département": {code: name}, "région": {code: name}}``, see ``read_area_names``);
    without a name, a reference is called by its code (« Département 61 »).

    Codes of the study's départements are first brought to the study's vintage (mergers
    summed into the new commune); the area's value is then compared with each level:
    ``index = area / reference × 100`` and ``gap = area − reference`` (in points for rates).
    A gap is *notable* when the index departs from 100 by ``settings.notable_gap_index`` or
    more, or a rate differs by ``settings.notable_gap_points`` points or more. Counts
    (population, establishments) are given without index: their sizes are not comparable.

    A département, région or France that the communes do not cover may still be compared
    through the rows of a references file (values published for the whole area, see
    ``references``) found in `indicators`; a level the communes cover keeps its sum.

    Returns
    -------
    (context, anomalies)
        Rows of the `context` table, and the codes moved or left unmatched by the vintage step.
    """
    codes = list(dict.fromkeys(codes))
    ind = indicators[
        indicators["indicator"].isin(codes) & (indicators["geo_level"] == "commune")
    ].reset_index(drop=True)
    names = {} if epci is None else dict(zip(epci["epci_code"], epci["name"]))
    parts, logs = [], []
    for source, rows in ind.groupby("source", dropna=False, sort=False):
        rows, moved = _study_vintage(rows.reset_index(drop=True), communes, changes, str(source))
        members = area_members(rows, communes, area, area_names)
        names = {**dict(zip(members["geo_code"], members["geo_name"])), **names}
        parts.append(aggregate_indicators(rows, members.drop(columns="geo_name")))
        logs.append(moved)
    published = _published_references(indicators, codes, communes, area, area_names)
    if not parts and not len(published):
        return conform(pd.DataFrame(), "context"), concat_anomalies([])
    agg = pd.concat(parts, ignore_index=True) if parts else conform(pd.DataFrame(), "indicators")
    agg["geo_name"] = agg["geo_code"].map(names)
    if len(published):  # a level the communes cover keeps the value summed from them
        key = ["geo_level", "geo_code", "indicator"]
        have = agg.loc[agg["value"].notna(), key].drop_duplicates()
        fresh = published.merge(have, on=key, how="left", indicator="_m")["_m"] == "left_only"
        published = published[fresh.to_numpy()]
        taken = agg[key].merge(published[key], on=key, how="left", indicator="_m")["_m"]
        agg = pd.concat([agg[(taken == "left_only").to_numpy()], published], ignore_index=True)
    agg["label"] = agg["indicator"].map(lambda c: indicator(c).label)
    area_value = agg[agg["geo_level"] == AREA].set_index("indicator")["value"]
    ref = agg["indicator"].map(area_value).astype("Float64")
    additive = agg["indicator"].map(lambda c: indicator(c).kind == "sum").astype(bool)
    positive = (ref > 0) & (agg["value"] > 0)
    index = (ref / agg["value"].where(positive) * 100).mask(additive)
    gap = (ref - agg["value"]).mask(additive)
    is_rate = agg["indicator"].map(lambda c: indicator(c).scale == 100.0).astype(bool)
    notable = ((index - 100).abs() >= settings.notable_gap_index) | (
        is_rate & (gap.abs() >= settings.notable_gap_points)
    )
    own = agg["geo_level"] == AREA
    agg = agg.assign(
        index=index.mask(own),
        gap=gap.mask(own),
        notable=notable.mask(own | index.isna()).astype("boolean"),
    )
    agg["geo_level"] = pd.Categorical(agg["geo_level"], _LEVELS, ordered=True)
    agg["_order"] = agg["indicator"].map({c: i for i, c in enumerate(codes)})
    agg = agg.sort_values(["_order", "geo_level"]).drop(columns="_order")
    agg["geo_level"] = agg["geo_level"].astype("string")
    return conform(agg, "context"), concat_anomalies(logs)


def _published_references(
    indicators: pd.DataFrame, codes, communes: pd.DataFrame, area: set[str], area_names
) -> pd.DataFrame:
    """Rows of a references file (see ``references``) for the study area's département,
    région and France, named like the levels summed from communes."""
    refs = indicators[
        indicators["indicator"].isin(codes) & (indicators["geo_level"] != "commune")
    ].reset_index(drop=True)
    if not len(refs):
        return refs.assign(geo_name=pd.Series(dtype="string"))
    current = communes[communes["type"] == "COM"].drop_duplicates("commune_code")
    in_area = current[current["commune_code"].isin(area)]
    deps = set(in_area["commune_code"].map(departement_of))
    regs = set(in_area["region"].dropna())
    level, code = refs["geo_level"], refs["geo_code"]
    mine = (
        ((level == "département") & code.isin(deps))
        | ((level == "région") & code.isin(regs))
        | (level == "France")
    )
    refs = refs[mine.fillna(False).to_numpy()].reset_index(drop=True)
    named = area_names or {}
    names = [
        "France"
        if lvl == "France"
        else named.get(lvl, {}).get(c)
        or (f"Département {c}" if lvl == "département" else f"Région {c}")
        for lvl, c in zip(refs["geo_level"], refs["geo_code"])
    ]
    return refs.assign(geo_name=pd.Series(names, dtype="string"))


def _study_vintage(ind: pd.DataFrame, communes: pd.DataFrame, changes, source: str):
    """Move codes of the study's départements to its vintage; others stay for references."""
    deps = set(communes["departement"].dropna())
    unique = ind["geo_code"].dropna().unique()  # a département per code, not per row
    codes = pd.Series([c for c in unique if departement_of(c) in deps], dtype="string")
    local = ind["geo_code"].isin(set(codes))
    name = re.search(r"\(([^()]+)\)$", source)  # the file name ends the source text
    mapped, anomalies = to_vintage(
        codes,
        communes,
        changes,
        file=name[1] if name else source,
        column="code commune",
        rows=[None] * len(codes),
    )
    # an unmatched commune's figures stay out of every comparison: say so
    anomalies["action"] = anomalies["action"].where(
        anomalies["action"] != KEPT, "commune laissée hors des comparaisons"
    )
    target = dict(zip(codes, mapped))
    new = ind["geo_code"].where(~local, ind["geo_code"].map(target))
    return combine_vintage(ind, new), anomalies
