"""The maps of a diagnostic: what they show (participation, one indicator) and the
participation map as a PNG image for the workbook, drawn without a browser (matplotlib).

The report and the app draw the same maps with plotly (`diagnostic.plots`); the image uses
the same classes and colours, so that a funder reads the same map everywhere.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace

import pandas as pd

from diagnostic.i18n import text
from diagnostic.territory.catalogue import indicator
from diagnostic.territory.maps import class_labels, participation_classes, read_boundaries

#: Indicator drawn when the project links no issue to one that has commune values.
DEFAULT_MAP_INDICATOR = "taux_chomage"


@dataclass(frozen=True)
class MapData:
    """What the maps of one diagnostic draw.

    Attributes
    ----------
    geojson : dict
        The project's commune contours.
    respondents : pandas.Series
        Respondents per commune of the study area (0 where nobody answered).
    off_map : int
        Actors placed in no commune of the study area (not on the map).
    names : dict
        Commune names by code.
    indicator, indicator_label, indicator_source : str or None
        The indicator drawn on the second map, if any.
    values : pandas.Series or None
        Its value by commune of the study area.
    """

    geojson: dict
    respondents: pd.Series
    off_map: int
    names: dict
    indicator: str | None = None
    indicator_label: str | None = None
    indicator_source: str | None = None
    values: pd.Series | None = None


def map_data(diag) -> MapData | None:
    """The maps' data, or None when the project has no contours (``[geography] boundaries``)."""
    path = diag.project.boundaries
    if path is None:
        return None
    # every respondent on their own commune, all types together: the map shows classes
    # (« moins de N », « 5 à 9 »…), never a count, so no small group can be subtracted from
    # it — the per-type tables are the ones generalised (`privacy.disclosure`)
    area = diag.participation["commune_code"].dropna().astype(str)
    area = set(area[area != ""])
    codes = diag.actors["commune_code"].dropna().astype(str)
    respondents = codes[codes.isin(area)].value_counts().reindex(sorted(area), fill_value=0)
    respondents = respondents.astype(int)
    names = dict(zip(diag.communes["commune_code"].astype(str), diag.communes["name"]))
    data = MapData(
        geojson=read_boundaries(path),
        respondents=respondents,
        off_map=int(len(diag.actors) - respondents.sum()),
        names=names,
    )
    ind = diag.indicators
    if ind is None or not len(ind):
        return data
    communal = ind[(ind["geo_level"] == "commune") & ind["geo_code"].isin(set(respondents.index))]
    links = [link.indicator for link in diag.project.issue_indicators]
    for code in [*links, DEFAULT_MAP_INDICATOR]:
        rows = communal[communal["indicator"] == code]
        if rows["value"].notna().any():
            values = pd.Series(
                rows["value"].to_numpy(), index=rows["geo_code"].astype(str).to_numpy()
            )
            source = str(rows["source"].dropna().iloc[0]) if rows["source"].notna().any() else ""
            return replace(
                data,
                indicator=code,
                indicator_label=indicator(code).label,
                indicator_source=source,
                values=values.reindex(respondents.index),
            )
    return data


def participation_note(data: MapData, min_group_size: int, language: str = "fr") -> str:
    """The line under the participation map: hidden counts, actors off the map."""
    return text("map.participation_note", language, n=min_group_size, out=data.off_map)


def participation_map_png(data: MapData, min_group_size: int, language: str = "fr") -> bytes:
    """The participation map as a PNG image (matplotlib, no browser), with its legend.

    Communes with fewer than `min_group_size` respondents are drawn in the « moins de N »
    class; no count is written on the map.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Polygon

    from diagnostic.plots import CLASS_COLOURS

    classes = participation_classes(data.respondents, min_group_size)
    colour = dict(zip(classes["commune_code"], classes["klass"].map(CLASS_COLOURS.__getitem__)))
    fig = Figure(figsize=(6.4, 5.2), dpi=110)
    ax = fig.add_axes((0.0, 0.0, 0.66, 0.9))
    xs, ys = [], []
    for feature in data.geojson.get("features", []):
        code = str(feature.get("properties", {}).get("code"))
        if code not in colour:
            continue
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            ring = polygon[0]
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
            ax.add_patch(
                Polygon(ring, closed=True, facecolor=colour[code], edgecolor="white", lw=0.7)
            )
    if xs:
        pad = 0.01
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
        # degrees of longitude are shorter than degrees of latitude away from the equator
        middle = (min(ys) + max(ys)) / 2
        ax.set_aspect(1 / math.cos(math.radians(middle)))
    ax.set_axis_off()
    fig.suptitle(text("map.participation", language), x=0.02, ha="left", fontsize=13)
    labels = class_labels(min_group_size, language)
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=lab) for c, lab in zip(CLASS_COLOURS, labels)
    ]
    fig.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(0.67, 0.5),
        frameon=False,
        title=text("plot.respondents", language),
        fontsize=9,
    )
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def participation_map_image(ws, diag, anchor: tuple[int, int]) -> bool:
    """Put the participation map (PNG) on a workbook sheet at `anchor` (row, column), with
    its note as alternative text; nothing without contours. Returns whether it was put."""
    data = map_data(diag)
    if data is None or not len(data.respondents):
        return False
    lang, n = diag.settings.language, diag.settings.min_group_size
    ws.insert_image(
        *anchor,
        "carte_participation.png",
        {
            "image_data": io.BytesIO(participation_map_png(data, n, lang)),
            "x_scale": 0.75,
            "y_scale": 0.75,
            "object_position": 3,
            "description": text("map.participation", lang)
            + ". "
            + participation_note(data, n, lang),
        },
    )
    return True
