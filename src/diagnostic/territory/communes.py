"""Read commune and EPCI files of any supported format into the `communes` and `epci` tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.delimited import read_delimited
from diagnostic._io.sheets import SPREADSHEET_SUFFIXES
from diagnostic._io.text import read_json
from diagnostic.anomalies import AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.schemas import conform
from diagnostic.territory.cog import read_cog_csv, read_comsimp, read_insee_epci

_ETALAB_TYPES = {"commune-actuelle": "COM", "commune-deleguee": "COMD", "commune-associee": "COMA"}


def _load_json(path: Path):
    return read_json(path)


def read_communes(path, *, with_anomalies: bool = False):
    """Read a communes file of any supported format into the `communes` table.

    The format is detected: Etalab ``communes.json``, INSEE COG CSV of any vintage since
    2019 (``commune_AAAA.csv``, upper- or lower-case headers, any quoting, codes damaged by
    Excel repaired) or the old ``comsimpAAAA.txt`` (tab, Windows-1252, DEP + COM).

    Parameters
    ----------
    path : str or Path
    with_anomalies : bool
        Also return the `anomalies` table (code repairs and rejections).

    Returns
    -------
    pandas.DataFrame or (DataFrame, DataFrame)
        The `communes` table; delegated (COMD) and associated (COMA) communes carry their
        parent's code in `parent_code` and inherit its département and région.
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    if path.suffix.lower() in {".json", ".geojson"}:
        communes, anomalies = _read_etalab_communes(path), AnomalyLog(path.name).frame()
    else:
        frame = read_delimited(path)
        lower = {c.lower() for c in frame.columns}
        if {"typecom", "com"} <= lower:
            communes, anomalies = read_cog_csv(frame, path)
        elif {"DEP", "COM", "NCCENR"} <= set(frame.columns):
            communes, anomalies = read_comsimp(frame, path)
        else:
            raise DiagnosticError(
                "format de fichier des communes non reconnu : attendu le communes.json d'Etalab, "
                "un fichier COG de l'Insee (colonnes TYPECOM, COM…) ou un comsimp (DEP, COM, "
                f"NCCENR). Colonnes trouvées : {', '.join(frame.columns[:12])}.",
                file=path.name,
            )
    communes = _inherit_from_parent(communes)
    return (communes, anomalies) if with_anomalies else communes


def _inherit_from_parent(communes: pd.DataFrame) -> pd.DataFrame:
    current = communes[communes["type"] == "COM"].drop_duplicates("commune_code")
    out = communes.copy()
    for column in ("departement", "region"):
        lookup = dict(zip(current["commune_code"], current[column]))
        out[column] = out[column].fillna(out["parent_code"].map(lookup)).astype("string")
    return out


def _read_etalab_communes(path: Path) -> pd.DataFrame:
    data = _load_json(path)
    if not isinstance(data, list) or not all(isinstance(d, dict) and "code" in d for d in data):
        raise DiagnosticError(
            "ce fichier n'a pas la forme du communes.json d'Etalab (liste d'objets avec « code »).",
            file=path.name,
        )
    rows = [
        {
            "commune_code": d["code"],
            "name": d.get("nom"),
            "type": _ETALAB_TYPES.get(d.get("type"), d.get("type")),
            "parent_code": d.get("chefLieu"),
            "departement": d.get("departement"),
            "region": d.get("region"),
            "population": d.get("population"),
            "postal_codes": " ".join(d.get("codesPostaux") or []) or None,
            "former_codes": " ".join(d.get("anciensCodes") or []) or None,
        }
        for d in data
    ]
    return conform(pd.DataFrame(rows), "communes")


def read_epci(path, *, with_anomalies: bool = False):
    """Read Etalab's ``epci.json`` or INSEE's ``EPCI_au_01-01-AAAA.xlsx``.

    Returns
    -------
    (epci, membership) or (epci, membership, anomalies)
        The `epci` table and a (commune_code, epci_code) frame; INSEE's pseudo-EPCI
        ``ZZZZZZZZZ`` ("sans objet") is not an EPCI and its communes get none.
    """
    path = Path(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        if not path.exists():
            raise DiagnosticError("fichier introuvable.", file=str(path))
        epci, members, anomalies = read_insee_epci(path)
        return (epci, members, anomalies) if with_anomalies else (epci, members)
    data = _load_json(path)
    if not isinstance(data, list) or not all(isinstance(d, dict) and "membres" in d for d in data):
        raise DiagnosticError(
            "ce fichier n'a pas la forme de l'epci.json d'Etalab (objets avec « membres »).",
            file=path.name,
        )
    epci = pd.DataFrame(
        [
            {
                "epci_code": d["code"],
                "name": d.get("nom"),
                "kind": d.get("type"),
                "population": d.get("populationMunicipale"),
            }
            for d in data
        ]
    )
    members = pd.DataFrame(
        [(m["code"], d["code"]) for d in data for m in d["membres"]],
        columns=["commune_code", "epci_code"],
    ).astype("string")
    epci = conform(epci, "epci")
    return (epci, members, AnomalyLog(path.name).frame()) if with_anomalies else (epci, members)


def read_area_names(path) -> dict[str, str]:
    """The names of départements or régions, by code, for the references' labels.

    Reads Etalab's ``departements.json`` / ``regions.json`` (objects with ``code`` and
    ``nom``) or INSEE's COG ``departementAAAA.csv`` / ``regionAAAA.csv`` (columns ``DEP`` or
    ``REG`` and ``LIBELLE``, any case): ``{"61": "Orne", …}``.
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    if path.suffix.lower() == ".json":
        data = _load_json(path)
        if not isinstance(data, list) or not all(
            isinstance(d, dict) and "code" in d and "nom" in d for d in data
        ):
            raise DiagnosticError(
                "ce fichier n'a pas la forme du departements.json ou du regions.json d'Etalab "
                "(liste d'objets avec « code » et « nom »).",
                file=path.name,
            )
        return {str(d["code"]): str(d["nom"]) for d in data}
    frame = read_delimited(path)
    columns = {c.lower(): c for c in frame.columns}
    code = columns.get("dep") or columns.get("reg")
    if code is None or "libelle" not in columns:
        raise DiagnosticError(
            "format non reconnu pour les noms de départements ou de régions : attendu le JSON "
            "d'Etalab (code, nom) ou un fichier COG de l'Insee (DEP ou REG, LIBELLE). "
            f"Colonnes trouvées : {', '.join(frame.columns[:12])}.",
            file=path.name,
        )
    rows = frame[[code, columns["libelle"]]].dropna()
    return dict(zip(rows[code].astype(str).str.strip(), rows[columns["libelle"]].astype(str)))


def attach_epci(communes: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Fill `epci_code` of communes (delegated ones through their parent)."""
    lookup = dict(zip(members["commune_code"], members["epci_code"]))
    own = communes["commune_code"].map(lookup)
    parent = communes["parent_code"].map(lookup)
    return communes.assign(epci_code=own.fillna(parent).astype("string"))
