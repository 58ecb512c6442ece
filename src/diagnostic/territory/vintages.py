"""Bring commune codes of any vintage to the study's geography (mergers, renamings).

Three sources say where an old code went: delegated/associated communes of the study's
`communes` table (``parent_code``), Etalab's ``anciensCodes`` (``former_codes``) and INSEE's
``mvtcommune`` table of events. Codes still current in the study's geography are never moved.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.delimited import read_delimited, require
from diagnostic.anomalies import KEPT, REPAIRED, AnomalyLog
from diagnostic.territory.codes import normalise_codes

#: INSEE event codes (MOD) after which the old code lives on in another commune.
_EVENTS = {
    "10": "changement de nom",
    "31": "fusion simple",
    "32": "création de commune nouvelle",
    "33": "fusion-association",
    "34": "transformation de fusion-association en fusion",
    "41": "changement de code (département)",
    "50": "changement de code (chef-lieu)",
}
_COLUMNS = ["event", "date", "old_code", "old_type", "old_name", "new_code", "new_type", "new_name"]


def read_changes(path) -> pd.DataFrame:
    """Read INSEE's ``mvtcommune`` file (any vintage, any header case).

    Returns
    -------
    DataFrame
        event, date, old_code, old_type, old_name, new_code, new_type, new_name — one row
        per event line, codes normalised (rows with an invalid code are dropped).
    """
    path = Path(path)
    frame = read_delimited(path).rename(columns=str.lower)
    require(frame, ["mod", "date_eff", "typecom_av", "com_av", "typecom_ap", "com_ap"], path)
    log = AnomalyLog(path.name)
    out = pd.DataFrame(
        {
            "event": frame["mod"].str.strip(),
            "date": frame["date_eff"].str.strip(),
            "old_code": normalise_codes(frame["com_av"], log, column="COM_AV"),
            "old_type": frame["typecom_av"].str.strip(),
            "old_name": frame.get("libelle_av"),
            "new_code": normalise_codes(frame["com_ap"], log, column="COM_AP"),
            "new_type": frame["typecom_ap"].str.strip(),
            "new_name": frame.get("libelle_ap"),
        },
        columns=_COLUMNS,
    )
    return out.dropna(subset=["old_code", "new_code"]).reset_index(drop=True).astype("string")


def vintage_mapping(communes: pd.DataFrame, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where each non-current code went in the study's geography.

    Returns
    -------
    DataFrame
        old_code, new_code, reason (French); only codes that are not current communes
        (type COM) of `communes`, and only targets that are.
    """
    current = set(communes.loc[communes["type"] == "COM", "commune_code"])
    step: dict[str, tuple[str, str]] = {}
    if changes is not None and len(changes):
        moves = changes[
            changes["event"].isin(list(_EVENTS))
            & (changes["new_type"] == "COM")
            & (changes["old_code"] != changes["new_code"])
        ].sort_values("date")
        for row in moves.itertuples():  # later events overwrite earlier ones
            step[row.old_code] = (row.new_code, f"{_EVENTS[row.event]} le {row.date} (mvtcommune)")
    nested = communes[communes["type"].isin(["COMD", "COMA"]) & communes["parent_code"].notna()]
    for row in nested.itertuples():
        kind = "déléguée" if row.type == "COMD" else "associée"
        step[row.commune_code] = (row.parent_code, f"commune {kind} de {row.parent_code}")
    for row in communes[communes["former_codes"].notna()].itertuples():
        for old in str(row.former_codes).split():
            step[old] = (row.commune_code, f"ancien code de {row.name} (anciensCodes)")
    rows = []
    for old in sorted(set(step) - current):
        code, reasons, seen = old, [], {old}
        while code not in current and code in step:
            code, reason = step[code]
            reasons.append(reason)
            if code in seen:
                break
            seen.add(code)
        if code in current:
            rows.append((old, code, " ; ".join(reasons)))
    return pd.DataFrame(rows, columns=["old_code", "new_code", "reason"]).astype("string")


def to_vintage(
    codes: pd.Series,
    communes: pd.DataFrame,
    changes: pd.DataFrame | None = None,
    *,
    file: str = "",
    column: str = "code commune",
    rows=None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Map `codes` to the study's geography and report what moved or could not be matched.

    Returns
    -------
    (codes, anomalies)
        The codes in the study's vintage (missing when no current commune was found) and
        one anomaly per moved or unmatched code.
    """
    mapping = vintage_mapping(communes, changes)
    target = dict(zip(mapping["old_code"], mapping["new_code"]))
    why = dict(zip(mapping["old_code"], mapping["reason"]))
    current = set(communes.loc[communes["type"] == "COM", "commune_code"])
    rows = list(rows) if rows is not None else list(range(2, len(codes) + 2))
    log, out = AnomalyLog(file), []
    for code, row in zip(codes.astype("string"), rows):
        if pd.isna(code) or code in current:
            out.append(code)
        elif code in target:
            out.append(target[code])
            log.add(
                f"code d'un autre millésime ramené à {target[code]} : {why[code]}",
                REPAIRED,
                row=row,
                column=column,
                value=code,
            )
        else:
            out.append(pd.NA)
            log.add(
                "code absent de la géographie de l'étude et d'aucune table de passage",
                KEPT,
                row=row,
                column=column,
                value=code,
            )
    return pd.Series(pd.array(out, dtype="string"), index=codes.index), log.frame()


def match_report(
    codes, reference, *, file: str, reference_name: str, column: str = "code commune"
) -> pd.DataFrame:
    """Anomalies for codes of `file` that `reference` does not hold (a join's leftovers).

    Returns
    -------
    DataFrame
        The `anomalies` table, one row per distinct unmatched code.
    """
    log = AnomalyLog(file)
    for code in sorted(set(pd.Series(codes).dropna()) - set(pd.Series(reference).dropna())):
        log.add(
            f"code absent de {reference_name} (millésimes différents ?)",
            KEPT,
            column=column,
            value=code,
        )
    return log.frame()
