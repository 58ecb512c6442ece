"""Choropleth maps of communes from a GeoJSON file, with its vintage differences reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.text import read_json
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError


def read_boundaries(path) -> dict:
    """Read a GeoJSON FeatureCollection of communes (properties ``code`` and ``nom``)."""
    path = Path(path)
    if not path.is_file():
        raise DiagnosticError("fichier de contours introuvable.", file=str(path))
    data = read_json(path)
    features = data.get("features") if isinstance(data, dict) else None
    if not features or not all("code" in (f.get("properties") or {}) for f in features):
        raise DiagnosticError(
            "ce fichier n'est pas un GeoJSON de communes (propriété « code » "
            "attendue sur chaque contour).",
            file=path.name,
        )
    return data


def boundary_differences(geojson: dict, codes, *, file: str = "contours") -> pd.DataFrame:
    """Codes present in the data but not in the GeoJSON, and the reverse (other vintage).

    Returns
    -------
    DataFrame
        The `anomalies` table, one row per code missing on either side.
    """
    drawn = {str(f["properties"]["code"]) for f in geojson["features"]}
    wanted = set(pd.Series(codes, dtype="string").dropna())
    log = AnomalyLog(file)
    for code in sorted(wanted - drawn):
        log.add(
            "commune des données absente des contours (millésime différent ?) : non dessinée",
            KEPT,
            column="code",
            value=code,
        )
    for code in sorted(drawn - wanted):
        log.add(
            "contour sans donnée (commune fusionnée ou hors du tableau) : dessiné vide",
            KEPT,
            column="code",
            value=code,
        )
    return log.frame()
