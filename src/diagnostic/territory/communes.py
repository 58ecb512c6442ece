"""Read commune and EPCI files into the `communes` and `epci` tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from diagnostic.errors import DiagnosticError
from diagnostic.schemas import conform

_ETALAB_TYPES = {"commune-actuelle": "COM", "commune-deleguee": "COMD", "commune-associee": "COMA"}


def _load_json(path: Path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DiagnosticError(
            f"fichier JSON illisible (ligne {getattr(exc, 'lineno', '?')}).", file=path.name
        ) from None


def read_communes(path) -> pd.DataFrame:
    """Read Etalab's ``communes.json`` (decoupage-administratif).

    Returns
    -------
    pandas.DataFrame
        The `communes` table; delegated/associated communes carry their parent's code.
    """
    path = Path(path)
    data = _load_json(path)
    if not isinstance(data, list) or not all(isinstance(d, dict) and "code" in d for d in data):
        raise DiagnosticError(
            "ce fichier n'a pas la forme du communes.json d'Etalab (liste d'objets avec « code »).",
            file=path.name,
        )
    rows = [{
        "commune_code": d["code"], "name": d.get("nom"),
        "type": _ETALAB_TYPES.get(d.get("type"), d.get("type")),
        "parent_code": d.get("chefLieu"), "departement": d.get("departement"),
        "region": d.get("region"), "population": d.get("population"),
        "postal_codes": " ".join(d.get("codesPostaux") or []),
        "former_codes": " ".join(d.get("anciensCodes") or []),
    } for d in data]
    return conform(pd.DataFrame(rows), "communes")


def read_epci(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read Etalab's ``epci.json``.

    Returns
    -------
    (epci, membership)
        The `epci` table and a (commune_code, epci_code) frame.
    """
    path = Path(path)
    data = _load_json(path)
    if not isinstance(data, list) or not all(isinstance(d, dict) and "membres" in d for d in data):
        raise DiagnosticError(
            "ce fichier n'a pas la forme de l'epci.json d'Etalab (objets avec « membres »).",
            file=path.name,
        )
    epci = pd.DataFrame([{
        "epci_code": d["code"], "name": d.get("nom"), "kind": d.get("type"),
        "population": d.get("populationMunicipale"),
    } for d in data])
    members = pd.DataFrame(
        [(m["code"], d["code"]) for d in data for m in d["membres"]],
        columns=["commune_code", "epci_code"],
    ).astype("string")
    return conform(epci, "epci"), members


def attach_epci(communes: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Fill `epci_code` of communes (delegated ones through their parent)."""
    lookup = dict(zip(members["commune_code"], members["epci_code"]))
    own = communes["commune_code"].map(lookup)
    parent = communes["parent_code"].map(lookup)
    return communes.assign(epci_code=own.fillna(parent).astype("string"))
