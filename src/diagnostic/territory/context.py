"""Participation and territorial context: who answered, where, against population."""

from __future__ import annotations

import pandas as pd

from diagnostic.schemas import conform
from diagnostic.settings import Settings
from diagnostic.territory.catalogue import DENSITY_CLASSES, HEADLINE
from diagnostic.territory.compare import compare_territories

_ESTABLISHMENTS = "ETTOT24"


def density_classes(indicators: pd.DataFrame) -> pd.Series:
    """Density class of each commune (grille communale de densité), indexed by commune code.

    Returns
    -------
    pandas.Series
        ``dense``, ``intermédiaire``, ``peu dense`` or ``très peu dense``.
    """
    rows = indicators[
        (indicators["indicator"] == "degre_densite")
        & (indicators["geo_level"] == "commune")
        & indicators["value"].notna()
    ]
    level = rows["value"].astype("Int64").astype("string").map(DENSITY_CLASSES)
    return pd.Series(
        level.to_numpy(), index=rows["geo_code"].to_numpy(), dtype="string", name="density_class"
    )


def _commune_values(indicators: pd.DataFrame | None, name: str) -> dict:
    if indicators is None or not len(indicators):
        return {}
    rows = indicators[(indicators["indicator"] == name) & (indicators["geo_level"] == "commune")]
    return dict(zip(rows["geo_code"], rows["value"]))


def participation(
    actors: pd.DataFrame,
    communes: pd.DataFrame,
    area_codes: set[str],
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Respondents per commune of the study area and actor type, against population.

    Read this coverage before any ranking: a commune or actor type that barely answered
    weighs little in the results.

    Parameters
    ----------
    indicators : DataFrame, optional
        The `indicators` table; gives establishments (``ETTOT24``) and the density class.

    Returns
    -------
    DataFrame
        The `participation` table; actors placed outside the area or nowhere are counted
        on a row with an empty commune code.
    """
    area = communes[communes["commune_code"].isin(area_codes) & (communes["type"] == "COM")]
    # an actor placed on a commune outside the area is counted with the unplaced ones: no
    # code, no establishments, no rate of a commune the study does not cover
    code = actors["commune_code"].where(actors["commune_code"].isin(set(area["commune_code"])))
    counts = (
        actors.assign(actor_type=actors["actor_type"].fillna("non précisé"), commune_code=code)
        .groupby(["commune_code", "actor_type"], dropna=False)
        .size()
        .rename("respondents")
        .reset_index()
    )
    base = area[["commune_code", "name", "epci_code", "population"]].rename(
        columns={"name": "commune"}
    )
    out = base.merge(counts, on="commune_code", how="outer")
    out["respondents"] = out["respondents"].fillna(0)
    out["actor_type"] = out["actor_type"].fillna("—")
    out["commune"] = out["commune"].fillna("(commune non placée)")
    out["per_1000_inhabitants"] = out["respondents"] / out["population"] * 1000
    out["establishments"] = out["commune_code"].map(_commune_values(indicators, _ESTABLISHMENTS))
    out["per_100_establishments"] = (
        out["respondents"] / pd.to_numeric(out["establishments"]).where(lambda s: s > 0) * 100
    )
    if indicators is not None and len(indicators):
        out["density_class"] = out["commune_code"].map(density_classes(indicators))
    out = out.sort_values(["commune", "actor_type"])
    return conform(out, "participation")


SURVEY_SOURCE = "Enquête auprès des acteurs"


def context(
    communes: pd.DataFrame,
    epci: pd.DataFrame,
    area_codes: set[str],
    actors: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    settings: Settings = Settings(),
    changes: pd.DataFrame | None = None,
    extra: tuple[str, ...] = (),
    *,
    area_names: dict | None = None,
    with_anomalies: bool = False,
):
    """The study area against its EPCI (and, with indicators, département, région, France).

    The headline indicators are compared, then the `extra` ones (those the project links
    to issues for the regard croisé). `area_names` names the départements and régions
    (see ``compare_territories``).

    Populations are summed from communes (counts, never averaged rates).

    Returns
    -------
    DataFrame or (DataFrame, DataFrame)
        The `context` table (long: indicator × geo level), see ``compare_territories``; with
        `with_anomalies`, also the indicator codes moved to the study's vintage or matched
        to no commune of the study's geography (the `anomalies` table).
    """
    current = communes[communes["type"] == "COM"].drop_duplicates("commune_code")
    area = current[current["commune_code"].isin(area_codes)]
    rows = []
    pop = float(area["population"].sum())
    source = "Etalab decoupage-administratif (populations légales INSEE)"
    rows += [
        ("population", "Population municipale", "zone d'étude", "", "Zone d'étude", pop, pop, None),
        (
            "communes",
            "Nombre de communes",
            "zone d'étude",
            "",
            "Zone d'étude",
            len(area),
            None,
            None,
        ),
        (
            "respondents",
            "Acteurs ayant répondu",
            "zone d'étude",
            "",
            "Zone d'étude",
            len(actors),
            None,
            None,
        ),
        (
            "respondents_per_1000",
            "Acteurs répondants pour 1 000 habitants",
            "zone d'étude",
            "",
            "Zone d'étude",
            len(actors) / pop * 1000 if pop else None,
            len(actors),
            pop,
        ),
    ]
    for e in epci[epci["epci_code"].isin(set(area["epci_code"].dropna()))].itertuples():
        members = current[current["epci_code"] == e.epci_code]
        rows.append(
            (
                "population",
                "Population municipale",
                "EPCI",
                e.epci_code,
                e.name,
                float(members["population"].sum()),
                float(members["population"].sum()),
                None,
            )
        )
        rows.append(
            (
                "communes",
                "Nombre de communes",
                "EPCI",
                e.epci_code,
                e.name,
                len(members),
                None,
                None,
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "indicator",
            "label",
            "geo_level",
            "geo_code",
            "geo_name",
            "value",
            "numerator",
            "denominator",
        ],
    )
    frame["source"] = frame["indicator"].map(
        lambda i: SURVEY_SOURCE if i.startswith("respondents") else source
    )
    if not area["population"].notna().any():
        frame = frame[frame["indicator"].isin(["communes", "respondents"])]
    found = conform(pd.DataFrame(), "anomalies")
    if indicators is not None and len(indicators):
        compared, found = compare_territories(
            indicators,
            communes,
            set(area["commune_code"]),
            settings,
            epci=epci,
            changes=changes,
            codes=(*HEADLINE, *extra),
            area_names=area_names,
        )
        frame = pd.concat([frame, compared], ignore_index=True)
    frame = conform(frame, "context")
    return (frame, found) if with_anomalies else frame
