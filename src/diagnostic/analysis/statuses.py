"""Workshop decisions on cooperation opportunities, kept from one run to the next."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.atomic import write_csv
from diagnostic._io.text import fold
from diagnostic.analysis.cooperation import (
    KIND_LABELS,
    KIND_LABELS_EN,
    STATUS_DEFAULT,
    STATUSES,
)
from diagnostic.errors import DiagnosticError
from diagnostic.i18n import label
from diagnostic.schemas import conform, validate

STATUS_COLUMNS = ["actors", "category", "kind", "status"]

#: Headers of the workbook's opportunities sheet (French or English) -> table columns.
_HEADERS = {
    "type de piste": "kind",
    "acteurs": "actors",
    "ressource": "category",
    "statut": "status",
    "lead type": "kind",
    "actors": "actors",
    "resource": "category",
    "status": "status",
}
#: Sheet names of the opportunities in the French and English workbooks.
_SHEETS = ("pistes", "cooperation leads")
_KEYS = ["kind", "actors", "category"]
#: The columns naming an opportunity in a statuses file (the app's save merges on them).
STATUS_KEYS = tuple(_KEYS)


def read_statuses(path) -> pd.DataFrame:
    """Read an opportunities file edited in a workshop (CSV, or the workbook's sheet).

    Returns
    -------
    DataFrame
        kind, actors, category, status (as written; see `apply_statuses`).
    """
    path = Path(path)
    from diagnostic._io.sheets import decided_table
    from diagnostic._io.tables import read_table

    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = decided_table(path, _SHEETS, "des pistes")
    else:
        frame = read_table(path).frame
    return _standard(frame)


def _standard(frame: pd.DataFrame) -> pd.DataFrame:
    heads = {fold(str(c)).strip(): c for c in frame.columns}
    for code, shown in (("code ressource", "ressource"), ("resource code", "resource")):
        if code in heads:  # the workbook shows labels, and keeps the codes beside them
            frame = frame.drop(columns=[heads[shown]] if shown in heads else [])
            frame = frame.rename(columns={heads[code]: "category"})
    frame = frame.rename(
        columns=lambda c: (
            _HEADERS.get(fold(str(c)).strip(), c) if fold(str(c)).strip() in _HEADERS else c
        )
    )
    missing = [c for c in _KEYS + ["status"] if c not in frame.columns]
    if missing:
        raise DiagnosticError(
            f"colonnes manquantes dans le fichier des pistes : {', '.join(missing)}."
        )
    kinds = {
        **{v: k for k, v in KIND_LABELS.items()},
        **{v: k for k, v in KIND_LABELS_EN.items()},
        **{k: k for k in KIND_LABELS},
    }
    out = frame[_KEYS + ["status"]].dropna(subset=["actors"]).astype(object)
    out["kind"] = out["kind"].map(lambda k: kinds.get(str(k).strip(), str(k).strip()))
    return out.reset_index(drop=True)


def apply_statuses(opportunities: pd.DataFrame, previous, *, hidden=frozenset()) -> pd.DataFrame:
    """Carry the statuses decided in a workshop over to a new run.

    Opportunities are matched on kind, actors and category; a recognised status
    (à valider, validé, écarté — accents and case ignored — or their English labels in an
    English workbook: to validate, validated, rejected) replaces the default; the table
    keeps the French values.

    Parameters
    ----------
    opportunities : DataFrame
        The new `opportunities` table.
    previous : DataFrame or path
        A previous `opportunities` table, or a file read by `read_statuses`.
    hidden : set of str
        Actors matched as if absent from a group (mutualisation, pooling): the withheld
        actors, in no public group (`diagnostic.privacy.disclosure.public_opportunities`),
        so that a status given to a group on the public table reaches it in the next run.

    Returns
    -------
    DataFrame
        The `opportunities` table with the statuses kept.
    """
    validate(opportunities, "opportunities", ["kind", "actors", "category", "status"])
    prev = read_statuses(previous) if isinstance(previous, (str, Path)) else _standard(previous)
    known = {fold(shown): s for s in STATUSES for shown in (s, label(s, "en"))}
    prev = prev.assign(status=prev["status"].map(lambda s: known.get(fold(s).strip())))
    prev = prev.dropna(subset=["status"]).drop_duplicates(_KEYS, keep="last")
    keys = opportunities[_KEYS].astype(object)
    if hidden:

        def without(frame):  # groups only: a pair with a withheld actor is never public
            group = ~frame["kind"].isin(["direct", "reciprocal"])
            ids = frame["actors"].map(lambda c: [a.strip() for a in str(c).split(";")])
            told = ids.map(lambda i: " ; ".join(a for a in i if a and a not in hidden))
            return frame.assign(actors=frame["actors"].where(~group, told))

        keys, prev = without(keys), without(prev).drop_duplicates(_KEYS, keep="last")
    kept = keys.merge(prev, on=_KEYS, how="left")["status"]
    status = kept.where(kept.notna(), opportunities["status"].fillna(STATUS_DEFAULT).to_numpy())
    return conform(opportunities.assign(status=status.to_numpy()), "opportunities")


def status_table(opportunities: pd.DataFrame) -> pd.DataFrame:
    """actors, category, kind, status of every opportunity: what the workshop decides."""
    return opportunities.reindex(columns=STATUS_COLUMNS).reset_index(drop=True)


def write_statuses(opportunities: pd.DataFrame, path) -> Path:
    """Save the status of every opportunity (« à valider », « validé », « écarté »)."""
    table = status_table(opportunities)
    bad = table.loc[~table["status"].isin(STATUSES), "status"]
    if len(bad):
        raise DiagnosticError(
            f"statut inconnu « {bad.iloc[0]} ». Statuts possibles : {', '.join(STATUSES)}.",
            file=Path(path).name,
            column="status",
        )
    return write_csv(table, path)
