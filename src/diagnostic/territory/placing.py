"""Place respondents on communes: by code, by name, and only then by strict fuzzy match."""

from __future__ import annotations

import re

import pandas as pd
from rapidfuzz import fuzz, process

from diagnostic.anomalies import KEPT, REPAIRED, AnomalyLog
from diagnostic.settings import Settings
from diagnostic.territory.names import normalise_name

_CODE = re.compile(r"^\s*(\d{5}|2[AB]\d{3})\s*$", re.IGNORECASE)


def place_actors(actors: pd.DataFrame, communes: pd.DataFrame, settings: Settings = Settings(),
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill `commune_code` and `epci_code` of the `actors` table from `commune_name`.

    Parameters
    ----------
    actors : DataFrame
        The `actors` table, with `commune_name` as the respondent typed it.
    communes : DataFrame
        The `communes` table of the study's geography; current communes are preferred,
        delegated ones lead to their parent.

    Returns
    -------
    (actors, anomalies)
        Placed actors, and one anomaly per repaired or unresolved name.
    """
    current = communes[communes["type"].fillna("COM") == "COM"]
    exact: dict[str, str] = {}
    for code, name in zip(current["commune_code"], current["name"]):
        exact.setdefault(normalise_name(name), code)
    delegated = communes[communes["type"].isin(["COMD", "COMA"])]
    for parent, name in zip(delegated["parent_code"], delegated["name"]):
        exact.setdefault(normalise_name(name), parent)
    by_code = set(communes["commune_code"])
    parent_of = dict(zip(communes["commune_code"], communes["parent_code"].fillna(communes["commune_code"])))
    epci_of = dict(zip(communes["commune_code"], communes["epci_code"]))
    choices = list(exact)

    codes, logs = [], {}
    for row in actors.itertuples():
        log = logs.setdefault(row.source_file, AnomalyLog(row.source_file))
        written = row.commune_name
        if written is None or written is pd.NA or not str(written).strip():
            log.add("commune non renseignée : acteur conservé sans commune", KEPT,
                    row=row.source_row, column="commune")
            codes.append(None)
            continue
        match = _CODE.match(str(written))
        if match and match.group(1).upper() in by_code:
            codes.append(parent_of[match.group(1).upper()])
            continue
        key = normalise_name(written)
        if key in exact:
            codes.append(exact[key])
            continue
        best = process.extract(key, choices, scorer=fuzz.ratio, limit=3)
        if best and best[0][1] >= settings.fuzzy_threshold and (
            len(best) == 1 or best[1][1] < best[0][1]
        ):
            code = exact[best[0][0]]
            log.add(f"commune rapprochée de « {_name(communes, code)} » ({code}), "
                    f"ressemblance {best[0][1]:.0f}/100", REPAIRED,
                    row=row.source_row, column="commune", value=written)
            codes.append(code)
            continue
        nearest = ", ".join(f"{_name(communes, exact[c])} ({s:.0f})" for c, s, _ in best)
        log.add(f"commune introuvable dans le territoire ; les plus proches : {nearest}", KEPT,
                row=row.source_row, column="commune", value=written)
        codes.append(None)
    placed = actors.assign(commune_code=pd.array(codes, dtype="string"))
    placed["epci_code"] = placed["commune_code"].map(epci_of).astype("string")
    anomalies = [log.frame() for log in logs.values()]
    return placed, (pd.concat(anomalies, ignore_index=True) if anomalies else AnomalyLog("").frame())


def _name(communes: pd.DataFrame, code: str) -> str:
    hit = communes.loc[communes["commune_code"] == code, "name"]
    return str(hit.iloc[0]) if len(hit) else code
