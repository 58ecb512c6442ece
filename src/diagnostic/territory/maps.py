"""Choropleth maps of communes from a GeoJSON file, with its vintage differences reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

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


def plot_commune_map(
    geojson_path,
    values: pd.Series,
    *,
    title: str = "",
    label: str = "",
    colorscale: str = "Viridis",
) -> tuple[go.Figure, pd.DataFrame]:
    """Choropleth of one value per commune.

    Parameters
    ----------
    geojson_path : str or Path
        Commune contours (for example ``communes-61-orne.geojson``).
    values : pandas.Series
        Values indexed by commune code (for example respondents per commune).
    title, label : str
        Figure title and colour-bar title.

    Returns
    -------
    (figure, anomalies)
        A plotly figure (one ``choropleth`` trace, all contours drawn) and the vintage
        differences between `values` and the contours (see ``boundary_differences``).
    """
    path = Path(geojson_path)
    geojson = read_boundaries(path)
    names = {
        str(f["properties"]["code"]): f["properties"].get("nom", "") for f in geojson["features"]
    }
    values = pd.Series(values).astype("Float64")
    values.index = values.index.astype(str)
    shown = values[values.index.isin(set(names))]
    codes = list(names)
    z = [None if pd.isna(shown.get(c, pd.NA)) else float(shown[c]) for c in codes]
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.code",
            locations=codes,
            z=z,
            text=[f"{names[c]} ({c})" for c in codes],
            colorscale=colorscale,
            colorbar={"title": {"text": label}},
            marker_line_width=0.3,
            hovertemplate="%{text}<br>%{z}<extra></extra>",
        )
    )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(title={"text": title}, margin={"l": 0, "r": 0, "t": 40, "b": 0})
    return fig, boundary_differences(geojson, values.index, file=path.name)
