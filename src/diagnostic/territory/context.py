"""Participation and territorial context: who answered, where, against population."""

from __future__ import annotations

import pandas as pd

from diagnostic.schemas import conform


def participation(actors: pd.DataFrame, communes: pd.DataFrame, area_codes: set[str]) -> pd.DataFrame:
    """Respondents per commune of the study area and actor type, against population.

    Returns
    -------
    DataFrame
        The `participation` table; actors placed outside the area or nowhere are counted
        on a row with an empty commune code.
    """
    area = communes[communes["commune_code"].isin(area_codes) & (communes["type"] == "COM")]
    counts = (actors.assign(actor_type=actors["actor_type"].fillna("non précisé"))
              .groupby(["commune_code", "actor_type"], dropna=False).size()
              .rename("respondents").reset_index())
    base = area[["commune_code", "name", "epci_code", "population"]].rename(columns={"name": "commune"})
    out = base.merge(counts, on="commune_code", how="outer")
    out["respondents"] = out["respondents"].fillna(0)
    out["actor_type"] = out["actor_type"].fillna("—")
    out["commune"] = out["commune"].fillna("(commune non placée)")
    out["per_1000_inhabitants"] = out["respondents"] / out["population"] * 1000
    out = out.sort_values(["commune", "actor_type"])
    return conform(out, "participation")


def context(communes: pd.DataFrame, epci: pd.DataFrame, area_codes: set[str],
            actors: pd.DataFrame) -> pd.DataFrame:
    """The study area against its EPCI: population, communes and survey coverage.

    Populations are summed from communes (counts, never averaged rates).

    Returns
    -------
    DataFrame
        The `context` table (long: indicator × geo level).
    """
    current = communes[communes["type"] == "COM"]
    area = current[current["commune_code"].isin(area_codes)]
    rows = []
    pop = float(area["population"].sum())
    rows += [
        ("population", "Population municipale", "zone d'étude", "", "Zone d'étude", pop, pop, None),
        ("communes", "Nombre de communes", "zone d'étude", "", "Zone d'étude", len(area), None, None),
        ("respondents", "Acteurs ayant répondu", "zone d'étude", "", "Zone d'étude",
         len(actors), None, None),
        ("respondents_per_1000", "Acteurs répondants pour 1 000 habitants", "zone d'étude", "",
         "Zone d'étude", len(actors) / pop * 1000 if pop else None, len(actors), pop),
    ]
    for e in epci[epci["epci_code"].isin(set(area["epci_code"].dropna()))].itertuples():
        members = current[current["epci_code"] == e.epci_code]
        rows.append(("population", "Population municipale", "EPCI", e.epci_code, e.name,
                     float(members["population"].sum()), float(members["population"].sum()), None))
        rows.append(("communes", "Nombre de communes", "EPCI", e.epci_code, e.name,
                     len(members), None, None))
    frame = pd.DataFrame(rows, columns=["indicator", "label", "geo_level", "geo_code",
                                        "geo_name", "value", "numerator", "denominator"])
    frame["source"] = "Etalab decoupage-administratif (populations légales INSEE)"
    return conform(frame, "context")
