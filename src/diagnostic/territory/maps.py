"""Choropleth maps of communes from a GeoJSON file, with its vintage differences reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.text import read_json
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError


def feature_rings(feature: dict) -> list[list[tuple[float, float]]]:
    """The outer rings of a Polygon or MultiPolygon feature, as (lon, lat) points (holes are
    rare in communes; an altitude is dropped)."""
    geometry = feature.get("geometry") or {}
    polygons = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        polygons = [polygons]
    return [[(float(p[0]), float(p[1])) for p in polygon[0]] for polygon in polygons if polygon]


def outer_rings(geojson: dict) -> dict[str, list]:
    """commune_code -> the outer rings of its contour (several features of one commune
    joined), for the maps drawn without a browser and the communes' layout."""
    out: dict[str, list] = {}
    for feature in geojson.get("features") or []:
        code = str((feature.get("properties") or {}).get("code", ""))
        rings = feature_rings(feature)
        if code and rings:
            out.setdefault(code, []).extend(rings)
    return out


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


#: Classes of the participation map: nobody, fewer than the smallest group shown (count
#: hidden), then from 1, 2 and 4 times that size.
PARTICIPATION_CLASSES = ("none", "fewer", "low", "mid", "high")


def participation_classes(respondents: pd.Series, min_group_size: int) -> pd.DataFrame:
    """The class of each commune on the participation map, small counts hidden.

    Parameters
    ----------
    respondents : pandas.Series
        Respondents per commune, indexed by commune code (0 where nobody answered).
    min_group_size : int
        Below this size (and above 0) the count is not shown: « moins de N ».

    Returns
    -------
    DataFrame
        commune_code, respondents (missing when hidden), klass (index in
        `PARTICIPATION_CLASSES` and `class_labels`).

    >>> participation_classes(pd.Series({"a": 0, "b": 3, "c": 5, "d": 12, "e": 40}), 5)[
    ...     ["commune_code", "klass"]].values.tolist()
    [['a', 0], ['b', 1], ['c', 2], ['d', 3], ['e', 4]]
    """
    n = max(int(min_group_size), 1)
    count = pd.Series(respondents).fillna(0).astype(int)
    klass = count.map(
        lambda c: 0 if c <= 0 else 1 if c < n else 2 if c < 2 * n else 3 if c < 4 * n else 4
    )
    return pd.DataFrame(
        {
            "commune_code": count.index.astype(str),
            "respondents": count.where(klass != 1).astype("Int64").to_numpy(),
            "klass": klass.to_numpy(),
        }
    )


def class_labels(min_group_size: int, language: str = "fr") -> list[str]:
    """The legend of the participation classes (« aucun répondant », « moins de 5 »,
    « 5 à 9 », « 10 à 19 », « 20 ou plus »)."""
    from diagnostic.i18n import text

    n = max(int(min_group_size), 1)
    return [
        text("map.none", language),
        text("map.fewer", language, n=n),
        text("map.range", language, low=n, high=2 * n - 1),
        text("map.range", language, low=2 * n, high=4 * n - 1),
        text("map.more", language, low=4 * n),
    ]
