"""Read INSEE's own geography files: COG CSV (2019+), old ``comsimp`` and the EPCI workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.delimited import require, sheet_with_header
from diagnostic.anomalies import KEPT, REJECTED, AnomalyLog
from diagnostic.schemas import conform
from diagnostic.territory.codes import normalise_codes, normalise_departement

#: INSEE's pseudo-EPCI for communes outside any EPCI ("sans objet").
NO_EPCI = "ZZZZZZZZZ"


def _keep_coded(frame: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Drop rows whose code was rejected (their anomaly is already logged)."""
    frame = frame.reset_index(drop=True).assign(commune_code=codes)
    return frame[codes.notna().to_numpy()].reset_index(drop=True)


def read_cog_csv(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """INSEE ``commune_AAAA.csv`` (2019 and later; any header case, any quoting).

    Parameters
    ----------
    frame : DataFrame
        The file read as strings (see ``_files.read_delimited``).

    Returns
    -------
    (communes, anomalies)
        The `communes` table (COM, COMD and COMA rows; delegated and associated communes
        carry their parent in `parent_code`) and the code repairs/rejections.
    """
    frame = frame.rename(columns=str.lower)
    require(frame, ["typecom", "com", "libelle"], path)
    log = AnomalyLog(path.name)
    rows = range(2, len(frame) + 2)
    codes = normalise_codes(frame["com"], log, column="COM", rows=rows)
    parents = _parents(frame.get("comparent"), log, list(rows))
    frame = frame.assign(parent_code=parents)
    frame = _keep_coded(frame, codes)
    deps = frame.get("dep", pd.Series([""] * len(frame))).map(normalise_departement)
    out = pd.DataFrame(
        {
            "commune_code": frame["commune_code"],
            "name": frame["libelle"].str.strip(),
            "type": frame["typecom"].str.strip().str.upper(),
            "parent_code": frame["parent_code"],
            "departement": deps.fillna(frame["commune_code"].map(_departement_of)),
            "region": frame.get("reg", pd.Series([""] * len(frame))).map(_region),
        }
    )
    current = out["type"] == "COM"
    out.loc[~current, "region"] = pd.NA  # COMD/COMA rows leave REG empty: take the parent's
    return conform(out, "communes"), log.frame()


def read_comsimp(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Old INSEE format ``comsimpAAAA.txt`` (tab, Windows-1252, DEP + 3-digit COM, ARTMIN)."""
    require(frame, ["DEP", "COM", "NCCENR"], path)
    log = AnomalyLog(path.name)
    rows = range(2, len(frame) + 2)
    codes = normalise_codes(
        frame["COM"], log, column="DEP+COM", rows=rows, departements=frame["DEP"]
    )
    frame = _keep_coded(frame, codes)
    article = frame.get("ARTMIN", pd.Series([""] * len(frame))).str.strip("() ")
    glue = article.map(lambda a: "" if not a else (a if a.endswith("'") else a + " "))
    out = pd.DataFrame(
        {
            "commune_code": frame["commune_code"],
            "name": (glue + frame["NCCENR"].str.strip()),
            "type": "COM",
            "departement": frame["DEP"].map(normalise_departement),
            "region": frame.get("REG", pd.Series([""] * len(frame))).map(_region),
        }
    )
    return conform(out, "communes"), log.frame()


def read_insee_epci(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """INSEE ``EPCI_au_01-01-AAAA.xlsx`` (title rows, sheets EPCI and Composition_communale).

    Returns
    -------
    (epci, membership, anomalies)
        The `epci` table without the ``ZZZZZZZZZ`` "sans objet" pseudo-EPCI, the
        (commune_code, epci_code) membership where communes outside any EPCI have no row,
        and the anomalies (code repairs, communes outside any EPCI).
    """
    log = AnomalyLog(path.name)
    epci, first = sheet_with_header(path, "EPCI", {"EPCI", "LIBEPCI"})
    epci = epci[epci["EPCI"].notna() & (epci["EPCI"] != NO_EPCI)]
    table = pd.DataFrame(
        {
            "epci_code": epci["EPCI"].str.strip(),
            "name": epci["LIBEPCI"],
            "kind": epci.get("NATURE_EPCI"),
        }
    )
    comp, first = sheet_with_header(path, "Composition_communale", {"CODGEO", "EPCI"})
    comp = comp[comp["CODGEO"].notna()].reset_index(drop=True)
    rows = [first + i for i in range(len(comp))]
    codes = normalise_codes(
        comp["CODGEO"], log, column="CODGEO", rows=rows, invalid_action=REJECTED
    )
    members = pd.DataFrame({"commune_code": codes, "epci_code": comp["EPCI"].str.strip()})
    outside = members["epci_code"] == NO_EPCI
    for row, code in zip(pd.Series(rows)[outside.to_numpy()], members.loc[outside, "commune_code"]):
        log.add(
            "commune hors de tout EPCI (« sans objet » ZZZZZZZZZ) : aucun EPCI rattaché",
            "conservé",
            row=int(row),
            column="EPCI",
            value=code,
        )
    members = members[~outside & members["commune_code"].notna()].reset_index(drop=True)
    return conform(table, "epci"), members.astype("string"), log.frame()


def _parents(values, log: AnomalyLog, rows: list[int]) -> pd.Series:
    """Normalise COMPARENT where filled; an invalid parent keeps its row (code-less parent)."""
    out = pd.Series(pd.NA, index=range(len(rows)), dtype="string")
    if values is None:
        return out
    filled = (values.fillna("").str.strip() != "").to_numpy()
    out[filled] = normalise_codes(
        values[filled],
        log,
        column="COMPARENT",
        rows=[r for r, f in zip(rows, filled) if f],
        invalid_action=KEPT,
    ).to_numpy()
    return out


def _departement_of(code) -> str | None:
    if code is None or code is pd.NA:
        return None
    return code[:3] if code.startswith("97") else code[:2]


def _region(value) -> str | None:
    text = str(value or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(2) if text.isdigit() else None
