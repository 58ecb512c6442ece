"""Plotly figure builders: DataFrame in, Figure out, no widgets.

Every builder takes a table of the library (named in its docstring), returns a new
``plotly.graph_objects.Figure`` with French labels, and never changes its input.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from diagnostic._io.text import read_json
from diagnostic.analysis.cooperation import KIND_LABELS
from diagnostic.i18n import code, decimal, label, text
from diagnostic.territory.maps import (
    boundary_differences,
    class_labels,
    feature_rings,
    participation_classes,
    read_boundaries,
)

PALETTE = ["#1F4E5F", "#2A9D8F", "#E9C46A", "#F4A261", "#E76F51", "#6D597A", "#8AB17D"]
TAG_COLOURS = {
    "transversal": "#2A9D8F",
    "spécifique à un groupe": "#E9C46A",
    "clivant": "#E76F51",
    "peu partagé": "#A8A8A8",
}
GREY = "#D9D9D9"
MISSING_COLOUR = "#BDBDBD"
#: 15 distinct colours: one per project on the map (at most `max_projects`)
MAP_COLOURS = [
    "#1F4E5F",
    "#E76F51",
    "#2A9D8F",
    "#E9C46A",
    "#6D597A",
    "#8AB17D",
    "#B5533C",
    "#4C78A8",
    "#F4A261",
    "#9D755D",
    "#54A24B",
    "#B279A2",
    "#D62728",
    "#17BECF",
    "#7F7F7F",
]
_DIVERGING = [[0, "#B5533C"], [0.5, "#ECE7DF"], [1, "#1F6F78"]]


#: A "<" opening a tag other than the line breaks and emphasis the builders write: plotly
#: draws <a href>, <span style> and friends found in a label, so labels taken from answers
#: and forms must not bring their own.
_FOREIGN_TAG = re.compile(r"<(?=[A-Za-z/!?])(?!(?:br|/?b|/?i|/?extra)>)")


def _no_markup(value):
    """Text with every foreign tag made visible text (``&lt;``, which plotly shows as "<");
    anything else returned as it is, lists and dicts walked through.

    >>> _no_markup(["<b>Oui</b><br><img src=x onerror=alert(1)>", 3, "n<5"])
    ['<b>Oui</b><br>&lt;img src=x onerror=alert(1)>', 3, 'n<5']
    """
    if isinstance(value, str):
        return _FOREIGN_TAG.sub("&lt;", value) if "<" in value else value
    if isinstance(value, dict):
        return {k: _no_markup(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_markup(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.array([_no_markup(v) for v in value.tolist()], dtype=object)
    if isinstance(value, pd.Series | pd.Index) and not pd.api.types.is_numeric_dtype(value):
        return [_no_markup(v) for v in value.tolist()]
    return value


def _layout(title: str, height: int, subtitle: str | None = None, **extra) -> dict:
    """The common layout, as a plain dict (cheap to build in interactive callbacks)."""
    text = f"<b>{_no_markup(title)}</b>" + (
        f"<br><span style='font-size:13px;color:#666'>{subtitle}</span>" if subtitle else ""
    )
    axis = {"gridcolor": "#EEE", "zeroline": False, "automargin": True}
    layout = {
        "title": {
            "text": text,
            "x": 0.01,
            "xanchor": "left",
            "font": {"size": 19, "color": "#1F4E5F"},
        },
        "height": height,
        "template": {},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "colorway": PALETTE,
        "separators": ", ",
        "hoverlabel": {"font": {"size": 13}},
        "margin": {"l": 10, "r": 30, "t": 90 if subtitle else 60, "b": 40},
        "font": {"family": "Source Sans Pro, Segoe UI, Arial", "size": 14, "color": "#333"},
        "xaxis": dict(axis),
        "yaxis": dict(axis),
    }
    for key, value in extra.items():
        layout[key] = {**layout[key], **value} if isinstance(layout.get(key), dict) else value  # type: ignore[dict-item]
    return layout


def _figure(data: list, layout: dict, validate: bool) -> go.Figure:
    """A Figure from plain dicts; unvalidated when an interactive callback asks for speed.

    A FigureWidget validates whatever it receives, so a callback loses no check.
    """
    layout = {
        **layout,
        **{k: _no_markup(v) for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))},
        **({"annotations": _no_markup(layout["annotations"])} if "annotations" in layout else {}),
    }
    spec = {"data": _no_markup(data), "layout": layout}
    return go.Figure(spec) if validate else go.Figure(spec, _validate=False)


def wrap_label(text: str, width: int = 16) -> str:
    """Break a long axis label over lines (plotly does not wrap); no markup of its own."""
    lines, line = [], ""
    for word in _no_markup(str(text)).split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def _widest_line(labels: list[str]) -> int:
    """Characters in the longest line of `wrap_label`-ed labels (0 when there is none)."""
    return max((len(line) for t in labels for line in t.split("<br>")), default=0)


def _label(labels: dict | None, value) -> str:
    return (labels or {}).get(value, value)


def _pct(values) -> list[str]:
    """« 20 % », « −10 % » (a true minus sign, no « -0 % »); nothing for a hidden value."""
    return ["" if v != v else f"{round(v * 100) + 0:.0f} %".replace("-", "\u2212") for v in values]


def _pct_ticks(ticks, absolute: bool = False) -> dict:
    """Axis ticks written the French way (« 20 % », with a space; d3 cannot do it)."""
    ticks = list(ticks)
    return {"tickvals": ticks, "ticktext": _pct([abs(t) if absolute else t for t in ticks])}


def plot_issue_ranking(
    ranking: pd.DataFrame,
    title: str = "Enjeux communs",
    validate: bool = True,
    language: str = "fr",
) -> go.Figure:
    """Horizontal bars of support with the Wilson interval, coloured by profile.

    Parameters
    ----------
    ranking : DataFrame
        The `issue_ranking` table.
    validate : bool
        Check every property (interactive callbacks pass False: their FigureWidget checks).
    language : str
        Language of the legend, axis and hover texts ("fr" or "en").

    Returns
    -------
    Figure
        One bar trace; ``x`` is the support (0-1), ``y`` the issue labels, best at the top.
    """
    r = ranking.sort_values("rank", ascending=False)
    support = r["support"].astype(float).to_numpy()
    bar = {
        "type": "bar",
        "orientation": "h",
        "name": text("plot.support", language),
        "x": support.tolist(),
        "y": r["label"].tolist(),
        "marker": {
            "color": [TAG_COLOURS.get(code(t), PALETTE[0]) for t in r["tag"]],
            "cornerradius": 4,
        },
        "error_x": {
            "type": "data",
            "symmetric": False,
            "thickness": 1.2,
            "width": 4,
            "color": "#555",
            "array": (r["support_ci_high"].astype(float).to_numpy() - support).tolist(),
            "arrayminus": (support - r["support_ci_low"].astype(float).to_numpy()).tolist(),
        },
        "text": [t if v >= 0.12 else "" for t, v in zip(_pct(support), support)],
        "textposition": "inside",
        "insidetextanchor": "start",
        "textfont": {"color": "white", "size": 13},
        "customdata": r[["tag", "reason", "respondents"]].astype(object).to_numpy().tolist(),
        "hovertemplate": text("plot.hover_support", language),
    }
    legend = " · ".join(
        f"<span style='color:{c}'>■</span> {label(t, language)}" for t, c in TAG_COLOURS.items()
    )
    layout = _layout(
        title,
        max(340, 36 * len(r) + 150),
        subtitle=legend,
        xaxis={
            **_pct_ticks([0, 0.2, 0.4, 0.6, 0.8, 1]),
            "range": [0, 1.02],
            # wrapped: one line is wider than the plot area at notebook width and was cut
            "title": {"text": wrap_label(text("plot.support_axis", language), 48)},
        },
        yaxis={"ticksuffix": "  "},
    )
    return _figure([bar], layout, validate)


def plot_group_heatmap(
    matrix: pd.DataFrame,
    ranking: pd.DataFrame,
    min_group_size: int,
    title: str | None = None,
    type_labels: dict[str, str] | None = None,
    validate: bool = True,
    language: str = "fr",
) -> go.Figure:
    """Actor type × issue support, the most consensual issues first; small groups greyed.

    Parameters
    ----------
    matrix : DataFrame
        The `group_matrix` table.
    ranking : DataFrame
        The `issue_ranking` table: gives the order (``consensus``, highest first) and labels.
    min_group_size : int
        Cells of groups below this size are suppressed, drawn grey and marked « n<… ».
    title : str, optional
        Default: « Soutien par type d'acteurs » ("Support by actor type" in English).
    language : str
        Language of the titles and hover texts ("fr" or "en").

    Returns
    -------
    Figure
        Trace 0: the support heatmap; trace 1: grey suppressed cells.
    """
    order = ranking.sort_values(["consensus", "rank"], ascending=[False, True], na_position="last")[
        ["issue_id", "label"]
    ]
    types = sorted(matrix["actor_type"].dropna().unique())
    row = {issue: i for i, issue in enumerate(order["issue_id"])}
    col = {t: j for j, t in enumerate(types)}
    values = np.full((len(row), len(col)), np.nan)
    hidden = np.zeros((len(row), len(col)), dtype=bool)
    for issue, kind, support, suppressed in zip(
        matrix["issue_id"], matrix["actor_type"], matrix["support"], matrix["suppressed"]
    ):
        if issue in row and kind in col:
            i, j = row[issue], col[kind]
            values[i, j] = np.nan if pd.isna(support) else support
            hidden[i, j] = bool(suppressed) if pd.notna(suppressed) else False
    xs = [wrap_label(_label(type_labels, t)) for t in types]
    ys = order["label"].tolist()
    base = {
        "type": "heatmap",
        "x": xs,
        "y": ys,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
        "texttemplate": "%{text}",
    }
    data = [
        {
            **base,
            "name": text("plot.support", language),
            "z": np.where(np.isnan(values), None, values).tolist(),  # type: ignore[call-overload]
            "text": [["" if np.isnan(v) else f"{v * 100:.0f} %" for v in row] for row in values],
            "colorscale": "Blues",
            "zmin": 0,
            "zmax": 1,
            "colorbar": {
                **_pct_ticks([0, 0.25, 0.5, 0.75, 1]),
                "title": {"text": text("plot.support", language)},
                "thickness": 12,
            },
            "hovertemplate": "%{y}<br>%{x} : %{z:.0%}<extra></extra>",
        },
        {
            **base,
            "name": text("plot.too_small", language),
            "z": np.where(hidden, 1.0, None).tolist(),  # type: ignore[call-overload]
            "text": np.where(hidden, f"n<{min_group_size}", "").tolist(),
            "textfont": {"color": "#777"},
            "colorscale": [[0, GREY], [1, GREY]],
            "showscale": False,
            "hovertemplate": text("plot.hover_small", language, n=min_group_size),
        },
    ]
    layout = _layout(
        title or text("plot.heatmap", language),
        max(340, 36 * len(order) + 160),
        subtitle=text("plot.heatmap_note", language, n=min_group_size),
        yaxis={"autorange": "reversed", "ticksuffix": "  ", "gridcolor": "white"},
        # slanted when a label line is wider than a narrow column (they overlapped at notebook
        # width); short labels stay level
        xaxis={
            "side": "bottom",
            "tickangle": -30 if _widest_line(xs) > 8 else 0,
            "gridcolor": "white",
        },
        margin={"b": 70},
    )
    return _figure(data, layout, validate)


def plot_likert(
    counts: pd.DataFrame, title: str = "Importance donnée à chaque enjeu", validate: bool = True
) -> go.Figure:
    """Diverging stacked bars of a Likert scale, "ne sait pas" in its own panel.

    Parameters
    ----------
    counts : DataFrame
        From `diagnostic.analysis.explore.count_likert`: group, level_label, order, is_missing,
        count, share. Levels with zero answers are drawn as empty segments.

    Returns
    -------
    Figure
        One trace per level (the middle level of an odd scale is split in two halves,
        the second without legend); missing-code levels on the second x axis (``x2``).
    """
    levels = counts.drop_duplicates("level_label").sort_values("order")
    scale = levels.loc[~levels["is_missing"].astype(bool), "level_label"].tolist()
    missing = levels.loc[levels["is_missing"].astype(bool), "level_label"].tolist()
    groups = list(dict.fromkeys(counts["group"]))
    share = pd.DataFrame(0.0, index=groups, columns=scale + missing)
    at = {(g, lv): i for i, (g, lv) in enumerate(zip(counts["group"], counts["level_label"]))}
    values = counts["share"].astype(float).fillna(0).to_numpy()
    share = pd.DataFrame(
        [[values[at[g, lv]] if (g, lv) in at else 0.0 for lv in share.columns] for g in groups],
        index=groups,
        columns=share.columns,
    )
    k = len(scale)
    low, high = scale[: k // 2], scale[(k + 1) // 2 :]
    net = share[high].sum(axis=1) - share[low].sum(axis=1)
    share = share.loc[net.sort_values(kind="stable").index]  # best at the top of the chart
    groups = share.index.tolist()
    colours = sample_colorscale(_DIVERGING, [i / max(k - 1, 1) for i in range(k)])
    data = []
    for i, level in enumerate(scale):
        x = share[level].to_numpy()
        parts = [(x, True)] if i >= k / 2 else [(-x, True)]
        if k % 2 and i == k // 2:
            parts = [(-x / 2, True), (x / 2, False)]
        for values, legend in parts:
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": level,
                    "legendgroup": level,
                    "showlegend": legend,
                    "x": values.tolist(),
                    "y": groups,
                    "marker": {"color": colours[i], "line": {"width": 0}},
                    "customdata": x.tolist(),
                    "hovertemplate": f"%{{y}}<br>{level} : %{{customdata:.0%}}<extra></extra>",
                }
            )
    for level in missing:
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": level,
                "xaxis": "x2",
                "x": share[level].tolist(),
                "y": groups,
                "marker": {"color": MISSING_COLOUR},
                "hovertemplate": f"%{{y}}<br>{level} : %{{x:.0%}}<extra></extra>",
            }
        )
    split = 0.82 if missing else 1.0
    layout = _layout(
        title,
        max(340, 34 * len(groups) + 190),
        barmode="relative",
        bargap=0.25,
        legend={"orientation": "h", "y": -0.14, "x": 0, "traceorder": "normal"},
        xaxis={
            "domain": [0, split],
            **_pct_ticks([-1, -0.5, 0, 0.5, 1], absolute=True),
            "range": [-1, 1],
            "zeroline": True,
            "zerolinecolor": "#888",
            "title": {"text": "← pas important · important →"},
        },
        yaxis={"ticksuffix": "  "},
    )
    if missing:
        layout["xaxis2"] = {
            "domain": [split + 0.05, 1],
            "anchor": "y",
            **_pct_ticks([0, 0.5]),
            "range": [0, 0.6],
            "gridcolor": "#EEE",
            "title": {"text": "ne sait pas"},
        }
    return _figure(data, layout, validate)


def plot_participation(
    actors: pd.DataFrame,
    title: str = "Qui a répondu ?",
    type_labels: dict[str, str] | None = None,
    validate: bool = True,
    language: str = "fr",
) -> go.Figure:
    """Respondents per actor type (the `actors` table), with texts in `language`."""
    counts = actors["actor_type"].fillna(text("plot.unspecified", language)).value_counts()
    counts = counts.sort_values()
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": counts.tolist(),
        "y": [_label(type_labels, t) for t in counts.index],
        "name": text("plot.respondents", language),
        "marker": {"color": PALETTE[1], "cornerradius": 4},
        "text": [str(n) for n in counts],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": text("plot.hover_respondents", language),
    }
    layout = _layout(
        title,
        max(260, 40 * len(counts) + 120),
        xaxis={"title": {"text": text("plot.responding", language)}},
        yaxis={"ticksuffix": "  "},
    )
    return _figure([bar], layout, validate)


def plot_participation_by_commune(
    by_commune: pd.DataFrame,
    top: int = 20,
    title: str = "Répondants par commune",
    validate: bool = True,
) -> go.Figure:
    """Respondents per commune with the rate per 1,000 inhabitants (when no map is possible).

    Parameters
    ----------
    by_commune : DataFrame
        From `diagnostic.analysis.explore.participation_by_commune`: commune, respondents,
        per_1000_inhabitants.
    top : int
        Communes shown, the most respondents first; the subtitle says how many are left out.
    """
    t = by_commune.head(top).iloc[::-1]
    rate = t["per_1000_inhabitants"].astype(float)
    text = [
        f"{n}  ({r:.1f} ‰ hab.)".replace(".", ",") if pd.notna(r) else str(n)
        for n, r in zip(t["respondents"], rate)
    ]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": t["respondents"].tolist(),
        "y": t["commune"].astype(str).tolist(),
        "name": "Répondants",
        "marker": {"color": PALETTE[0], "cornerradius": 4},
        "text": text,
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y} : %{text}<extra></extra>",
    }
    left = len(by_commune) - len(t)
    subtitle = "Nombre d'acteurs répondants et, entre parenthèses, pour 1 000 habitants" + (
        f" ; {left} autres communes non affichées" if left > 0 else ""
    )
    layout = _layout(
        title,
        max(300, 28 * len(t) + 150),
        subtitle=subtitle,
        xaxis={"title": {"text": "Acteurs répondants"}},
        yaxis={"ticksuffix": "  "},
        margin={"r": 120},
    )
    return _figure([bar], layout, validate)


def plot_choropleth(
    geojson,
    values: pd.DataFrame,
    value: str,
    code: str = "commune_code",
    featureidkey: str = "properties.code",
    name: str | None = None,
    title: str = "Participation par commune",
    colorbar_title: str = "",
    validate: bool = True,
    *,
    all_areas: bool = False,
) -> go.Figure:
    """A map of one value per area (participation, an indicator...): the one map builder.

    Parameters
    ----------
    geojson : path or dict
        A GeoJSON FeatureCollection of the areas (e.g. communes).
    values : DataFrame
        One row per area with `code` and `value` columns (and optionally `name`).
    featureidkey : str
        Where each feature carries its code, e.g. ``properties.code``.
    all_areas : bool
        Draw every area of `geojson` (those without a value left blank) instead of only the
        areas in `values`; hover texts then come from the features' ``nom``.

    Returns
    -------
    Figure
        One choropleth trace, map zoomed on the areas drawn.
    """
    if not isinstance(geojson, dict):
        geojson = read_json(geojson)
    key = featureidkey.removeprefix("properties.")
    v = values.dropna(subset=[code])
    if all_areas:
        props = [f.get("properties", {}) for f in geojson.get("features", [])]
        codes = [str(p.get(key)) for p in props]
        known = dict(zip(v[code].astype(str), v[value].astype(float)))
        locations, z = codes, [known.get(c) for c in codes]
        texts = [f"{p.get('nom', '')} ({c})" for p, c in zip(props, codes)]
        features = geojson.get("features", [])
    else:
        wanted = set(v[code].astype(str))
        features = [
            f
            for f in geojson.get("features", [])
            if str(f.get("properties", {}).get(key)) in wanted
        ]
        locations, z = v[code].astype(str).tolist(), v[value].astype(float).tolist()
        texts = (v[name] if name else v[code]).astype(str).tolist()
    trace = {
        "type": "choropleth",
        "geojson": {**geojson, "features": features},
        "featureidkey": featureidkey,
        "locations": locations,
        "z": z,
        "text": texts,
        "colorscale": "Teal",
        "marker": {"line": {"color": "white", "width": 0.8}},
        "colorbar": {"title": {"text": colorbar_title}, "thickness": 12},
        "hovertemplate": "<b>%{text}</b><br>%{z:.1f}<extra></extra>",
    }
    layout = _layout(title, 520, geo={"fitbounds": "locations", "visible": False})
    return _figure([trace], layout, validate)


#: Colours of the participation classes (`diagnostic.territory.maps.PARTICIPATION_CLASSES`):
#: nobody and hidden counts in greys, then a teal ramp. Shared by the workbook's image.
CLASS_COLOURS = ["#F2F2F2", "#C8C8C8", "#A8DAD3", "#4FA89C", "#1F6F78"]
#: Colour scale of the indicator map (light: low values, dark: high values).
MAP_SCALE = [[0.0, "#E4F2EF"], [1.0, "#1F4E5F"]]


def _commune_shapes(features: dict, codes: list, colours: list, texts: list) -> list:
    """One filled SVG trace per commune (no map tiles, no download: the report is read
    offline), hover on the commune's surface."""
    traces = []
    for commune, colour, hover in zip(codes, colours, texts):
        xs: list = []
        ys: list = []
        for ring in feature_rings(features[commune]):
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "fill": "toself",
                "fillcolor": colour,
                "line": {"color": "white", "width": 0.8},
                "hoveron": "fills",
                "text": hover,
                "hoverinfo": "text",
                "showlegend": False,
                "name": commune,
            }
        )
    return traces


def _map_layout(title: str, subtitle: str | None, features: list, **extra) -> dict:
    """Hidden axes, one degree of latitude as long as 1/cos(latitude) degree of longitude."""
    ys = [p[1] for f in features for ring in feature_rings(f) for p in ring] or [45.0]
    ratio = 1 / np.cos(np.radians((min(ys) + max(ys)) / 2))
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    return _layout(
        title,
        560,
        subtitle=subtitle,
        xaxis={**hidden, "constrain": "domain"},
        yaxis={**hidden, "scaleanchor": "x", "scaleratio": float(ratio)},
        margin={"l": 10, "r": 10, "t": 90 if subtitle else 60, "b": 10},
        hovermode="closest",
        **extra,
    )


def _features(geojson) -> dict:
    if not isinstance(geojson, dict):
        geojson = read_json(geojson)
    return {str(f.get("properties", {}).get("code")): f for f in geojson.get("features", [])}


def plot_participation_map(
    geojson,
    respondents: pd.Series,
    names: dict[str, str] | None = None,
    min_group_size: int = 5,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    language: str = "fr",
    validate: bool = True,
) -> go.Figure:
    """Respondents by commune in classes; fewer than `min_group_size` shown as « moins de N ».

    Drawn as filled shapes (no base map to download): readable offline.

    Parameters
    ----------
    geojson : path or dict
        Commune contours (``properties.code``).
    respondents : pandas.Series
        Respondents per commune of the study area (0 where nobody answered), by code.
    names : dict, optional
        Commune names by code, for the hover texts (else the contours' ``nom``).

    Returns
    -------
    Figure
        One shape per commune coloured by class, a legend of the classes; the class, never
        the count, in each commune's label.
    """
    drawn = _features(geojson)
    classes = participation_classes(respondents, min_group_size)
    classes = classes[classes["commune_code"].isin(set(drawn))]
    names = names or {c: f["properties"].get("nom", c) for c, f in drawn.items()}
    labels = class_labels(min_group_size, language)
    texts = [
        f"<b>{_no_markup(names.get(r.commune_code, r.commune_code))}</b><br>"
        + labels[r.klass]  # a class, never a count (see `export.maps.map_data`)
        for r in classes.itertuples()
    ]
    codes = classes["commune_code"].tolist()
    traces = _commune_shapes(drawn, codes, [CLASS_COLOURS[k] for k in classes["klass"]], texts)
    for colour, name in zip(CLASS_COLOURS, labels):  # the legend: one square per class
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {
                    "symbol": "square",
                    "size": 14,
                    "color": colour,
                    "line": {"color": "#999", "width": 1},
                },
                "name": name,
                "showlegend": True,
                "hoverinfo": "skip",
            }
        )
    title = title or text("map.participation", language)
    legend = {
        "title": {"text": text("plot.respondents", language)},
        "x": 1.0,
        "y": 0.5,
        "yanchor": "middle",
    }
    layout = _map_layout(title, subtitle, [drawn[c] for c in codes], legend=legend, showlegend=True)
    return _figure(traces, layout, validate)


def plot_indicator_map(
    geojson,
    values: pd.Series,
    names: dict[str, str] | None = None,
    *,
    title: str,
    subtitle: str | None = None,
    language: str = "fr",
    validate: bool = True,
) -> go.Figure:
    """One indicator by commune (a rate, a density…): the study area's contours, each
    coloured by its value on a teal scale; communes without a value are drawn grey.

    Parameters
    ----------
    values : pandas.Series
        The indicator by commune code (missing values allowed).
    """
    drawn = _features(geojson)
    values = pd.Series(values).astype("Float64")
    values.index = values.index.astype(str)
    codes = [c for c in values.index if c in drawn]
    names = names or {c: f["properties"].get("nom", c) for c, f in drawn.items()}
    known = values[codes].dropna().astype(float)
    low, high = (float(known.min()), float(known.max())) if len(known) else (0.0, 1.0)
    span = (high - low) or 1.0
    colours, texts = [], []
    for c in codes:
        value = values[c]
        missing = pd.isna(value)
        colours.append(
            MISSING_COLOUR
            if missing
            else sample_colorscale(MAP_SCALE, [(float(value) - low) / span])[0]
        )
        shown = text("map.no_value", language) if missing else decimal(float(value), 1, language)
        texts.append(f"<b>{_no_markup(names.get(c, c))}</b><br>{shown}")
    traces = _commune_shapes(drawn, codes, colours, texts)
    traces.append(  # the colour bar, carried by an invisible marker
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {
                "color": [low, high],
                "cmin": low,
                "cmax": high,
                "colorscale": MAP_SCALE,
                "showscale": True,
                "colorbar": {"thickness": 14, "separatethousands": True},
            },
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    layout = _map_layout(title, subtitle, [drawn[c] for c in codes], showlegend=False)
    return _figure(traces, layout, validate)


def plot_commune_map(
    geojson_path, values: pd.Series, *, title: str = "", label: str = ""
) -> tuple[go.Figure, pd.DataFrame]:
    """Map of one value per commune over every contour of `geojson_path`, with the vintage
    differences between the values and the contours.

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
        The `plot_choropleth` figure (all contours drawn) and the differences found by
        `diagnostic.territory.maps.boundary_differences`.
    """
    path = Path(geojson_path)
    geojson = read_boundaries(path)
    values = pd.Series(values).astype("Float64")
    values.index = values.index.astype(str)
    frame = pd.DataFrame({"commune_code": values.index, "value": values.to_numpy()})
    fig = plot_choropleth(
        geojson, frame, "value", title=title, colorbar_title=label, all_areas=True
    )
    return fig, boundary_differences(geojson, values.index, file=path.name)


def plot_cooperation_network(
    graph: nx.Graph,
    seed: int = 7,
    title: str = "Réseau de coopération",
    type_labels: dict[str, str] | None = None,
    validate: bool = True,
) -> go.Figure:
    """Actors (coloured by type) and the resources they need or offer.

    Parameters
    ----------
    graph : networkx.Graph
        From `diagnostic.analysis.explore.resource_network`.
    seed : int
        Seed of ``networkx.spring_layout``: the same graph always gets the same drawing.

    Returns
    -------
    Figure
        Trace 0: links; trace 1: resources (diamonds, labelled); then one trace per actor type.
    """
    res = [n for n, d in graph.nodes(data=True) if d["kind"] == "resource"]
    pos = _resource_ring_layout(graph, res, seed)
    ex, ey = [], []
    for a, b in graph.edges:
        ex += [float(pos[a][0]), float(pos[b][0]), None]
        ey += [float(pos[a][1]), float(pos[b][1]), None]
    data = [
        {
            "type": "scatter",
            "x": ex,
            "y": ey,
            "mode": "lines",
            "name": "liens",
            "line": {"color": "#CCC", "width": 0.7},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "Ressources",
            "x": [float(pos[n][0]) for n in res],
            "y": [float(pos[n][1]) for n in res],
            "text": [graph.nodes[n]["label"] for n in res],
            "textposition": [_outward(*pos[n]) for n in res],
            "cliponaxis": False,
            "textfont": {"size": 12, "color": "#1F4E5F"},
            "marker": {
                "symbol": "diamond",
                "color": "#1F4E5F",
                "line": {"color": "white", "width": 1},
                "size": [float(10 + 2 * np.sqrt(graph.degree[n])) for n in res],
            },
            "hovertemplate": "<b>%{text}</b><extra>ressource</extra>",
        }
    )
    actors = pd.DataFrame(
        [(n, d["actor_type"]) for n, d in graph.nodes(data=True) if d["kind"] == "actor"],
        columns=["node", "actor_type"],
    )
    for i, (kind, sub) in enumerate(actors.groupby("actor_type", sort=True)):
        name = _label(type_labels, kind) if kind else text("plot.unspecified")
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "text": sub["node"].tolist(),
                "x": [float(pos[n][0]) for n in sub["node"]],
                "y": [float(pos[n][1]) for n in sub["node"]],
                "marker": {
                    "size": 8,
                    "color": PALETTE[(i + 1) % len(PALETTE)],
                    "line": {"color": "white", "width": 0.5},
                },
                "hovertemplate": "%{text}<extra>" + name + "</extra>",
            }
        )
    layout = _layout(
        title,
        640,
        subtitle="Chaque acteur est relié aux ressources dont il a besoin ou qu'il peut offrir",
        legend={"orientation": "h", "y": -0.02},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
    )
    return _figure(data, layout, validate)


def _resource_ring_layout(graph: nx.Graph, resources: list, seed: int) -> dict:
    """Resources evenly on a wide ellipse (their labels do not overlap), actors placed among them
    by the spring layout, each drawn towards the resources it is linked to."""
    if not len(graph):
        return {}
    if not resources:
        return nx.spring_layout(graph, seed=seed)
    ring = {
        r: (1.6 * float(np.cos(a)), float(np.sin(a)))
        for r, a in zip(  # wide: labels
            sorted(resources, key=str),
            np.pi / 2 - 2 * np.pi * np.arange(len(resources)) / len(resources),
        )
    }
    return nx.spring_layout(
        graph, pos=ring, fixed=list(ring), seed=seed, k=1.2 / np.sqrt(max(len(graph), 1))
    )


def _outward(x: float, y: float) -> str:
    """Where a label goes for a point of the ring: away from the centre."""
    if y > 0.8:
        return "top center"
    if y < -0.8:
        return "bottom center"
    return "middle right" if x > 0 else "middle left"


OPPORTUNITY_COLUMNS = {
    "kind": "Type",
    "category": "Ressource",
    "score": "Score",
    "status": "Statut",
    "explanation": "Explication",
}


def plot_opportunities_table(
    opportunities: pd.DataFrame,
    sort_by: str = "score",
    ascending: bool = False,
    limit: int | None = 50,
    title: str = "Pistes de coopération",
    category: str = "category",
    validate: bool = True,
) -> go.Figure:
    """The `opportunities` table, sorted by any of its columns, as a readable table.

    `category` names the column shown as the resource (e.g. one holding labels).
    """
    t = opportunities.sort_values(sort_by, ascending=ascending, kind="stable")
    if limit:
        t = t.head(limit)
    cells = [
        [KIND_LABELS.get(k, k) for k in t["kind"]],
        t[category].tolist(),
        [f"{v:.2f}".replace(".", ",") for v in t["score"].astype(float)],
        t["status"].tolist(),
        t["explanation"].tolist(),
    ]
    table = {
        "type": "table",
        "columnwidth": [1.3, 2, 0.6, 0.9, 6],
        "header": {
            "values": [f"<b>{c}</b>" for c in OPPORTUNITY_COLUMNS.values()],
            "fill": {"color": "#1F4E5F"},
            "font": {"color": "white", "size": 13},
            "align": "left",
        },
        "cells": {
            "values": cells,
            "align": "left",
            "height": 28,
            "font": {"size": 12},
            "fill": {"color": [["#FFFFFF", "#F4F7F8"] * (len(t) // 2 + 1)]},
        },
    }
    return _figure([table], _layout(title, min(900, 32 * len(t) + 140)), validate)


def plot_priority_slope(
    frame: pd.DataFrame,
    left: str = "survey_rank",
    right: str = "workshop_rank",
    label: str = "label",
    left_title: str = "Enquête",
    right_title: str = "Atelier",
    title: str = "Priorités : enquête et atelier",
    validate: bool = True,
) -> go.Figure:
    """Slope chart between two rank columns (1 = first), one line per item.

    Lines are green when the item rises on the right, red when it falls, grey otherwise;
    items missing a rank on one side are left out.
    """
    f = frame.dropna(subset=[left, right])
    data = []
    for row in f.itertuples(index=False):
        a, b = int(getattr(row, left)), int(getattr(row, right))
        colour = "#2A9D8F" if b < a else ("#E76F51" if b > a else "#9E9E9E")
        name = str(getattr(row, label))
        data.append(
            {
                "type": "scatter",
                "x": [0, 1],
                "y": [a, b],
                "mode": "lines+markers+text",
                "name": name,
                "showlegend": False,
                "line": {"color": colour, "width": 2.5},
                "marker": {"size": 9},
                "text": [f"{a}. {name}", f"{b}. {name}"],
                "textposition": ["middle left", "middle right"],
                "hovertemplate": f"<b>{name}</b><br>{left_title} : {a}<br>{right_title} : {b}"
                "<extra></extra>",
            }
        )
    n = int(max(f[left].max(), f[right].max())) if len(f) else 1
    layout = _layout(
        title,
        max(320, 34 * n + 140),
        xaxis={
            "range": [-1.0, 2.0],
            "tickvals": [0, 1],
            "side": "top",
            "ticktext": [left_title, right_title],
            "showgrid": False,
            "tickfont": {"size": 15},
        },
        yaxis={"range": [n + 0.5, 0.5], "visible": False},
    )
    return _figure(data, layout, validate)


def plot_vote_priorities(
    votes_ranking: pd.DataFrame, title: str = "Priorités de l'atelier", validate: bool = True
) -> go.Figure:
    """Bars of the weight of each item (from `rank_votes`), live during the workshop."""
    r = votes_ranking.sort_values("rank", ascending=False)
    weight = r["weight"].astype(float)
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": weight.tolist(),
        "y": r["label"].tolist(),
        "name": "Poids",
        "marker": {"color": PALETTE[0], "cornerradius": 4},
        "cliponaxis": False,
        "textposition": "outside",
        "text": [f"{w:.1f}".replace(".", ",") for w in weight],
        "customdata": r[["participants", "dots"]].astype(object).to_numpy().tolist(),
        "hovertemplate": "<b>%{y}</b><br>%{customdata[1]} gommettes, %{customdata[0]} "
        "participants<extra></extra>",
    }
    layout = _layout(
        title,
        max(300, 34 * len(r) + 140),
        yaxis={"ticksuffix": "  "},
        xaxis={"title": {"text": "Poids (gommettes ramenées à une voix par participant)"}},
    )
    return _figure([bar], layout, validate)


QUADRANT_COLOURS = {
    "enjeu confirmé": "#E76F51",
    "perçu non objectivé": "#E9C46A",
    "sous-estimé": "#6D597A",
    "non prioritaire": "#8AB17D",
}


def _label_places(x: pd.Series, y: pd.Series, span: float) -> dict:
    """Above each point its label, below it when the label above would run into a
    neighbour's (a label about 22 characters wide covers some 0.4 × `span` of the x axis).

    >>> _label_places(pd.Series([-0.19, -0.13, 0.0]), pd.Series([0.65, 0.64, 0.44]), 0.3)
    {0: 'top center', 1: 'bottom center', 2: 'top center'}
    """
    placed: list[tuple[float, float, str]] = []
    out = {}
    for i in x.sort_values(kind="stable").index:
        place = "top center"
        for x2, y2, p2 in placed:
            if p2 == place and abs(x[i] - x2) < 0.4 * span and abs(y[i] - y2) < 0.1:
                place = "bottom center" if place == "top center" else "top center"
        placed.append((float(x[i]), float(y[i]), place))
        out[i] = place
    return dict(sorted(out.items()))


def plot_regard_croise(
    regard: pd.DataFrame,
    priority_threshold: float,
    gap_threshold: float,
    title: str | None = None,
    validate: bool = True,
    language: str = "fr",
) -> go.Figure:
    """Issues placed by their statistical gap (x) and perceived support (y), in four quadrants.

    Parameters
    ----------
    regard : DataFrame
        The `regard_croise` table.
    priority_threshold, gap_threshold : float
        The settings that draw the quadrants' borders.
    title : str, optional
        Default: « Regard croisé : perception et statistiques ».
    language : str
        Language of the table's quadrants and of the figure's texts ("fr" or "en").

    Returns
    -------
    Figure
        One scatter trace per quadrant present, two threshold lines, four corner captions.
    """
    gaps = regard["gap"].astype(float)
    span = max(0.3, float(gaps.abs().max()) * 1.25 if len(regard) else 0.3, gap_threshold * 2)
    places = _label_places(gaps, regard["support"].astype(float), span)
    data = []
    for quadrant, colour in QUADRANT_COLOURS.items():
        quadrant = label(quadrant, language)
        part = regard[regard["quadrant"] == quadrant]
        if not len(part):
            continue
        reference = (
            part["reference"].fillna(text("plot.reference", language))
            if "reference" in part
            else ""
        )
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": quadrant,
                "x": part["gap"].astype(float).tolist(),
                "y": part["support"].astype(float).tolist(),
                "text": [wrap_label(t, 22) for t in part["label"]],
                "textposition": [places[i] for i in part.index],
                "marker": {"size": 14, "color": colour, "line": {"color": "white", "width": 1}},
                "customdata": pd.DataFrame(
                    {"i": part.get("indicator_label", part["label"]), "r": reference}
                )
                .astype(object)
                .to_numpy()
                .tolist(),
                "hovertemplate": text("plot.hover_regard", language),
            }
        )
    corners = [
        (t, *where)
        for t, where in zip(
            text("plot.corners", language),
            [
                (1, 1, "right", "top"),
                (0, 1, "left", "top"),
                (1, 0, "right", "bottom"),
                (0, 0, "left", "bottom"),
            ],
        )
    ]
    annotations = [
        {
            "text": f"<b>{t}</b>",
            "xref": "x domain",
            "yref": "y domain",
            "x": x,
            "y": y,
            "xanchor": xa,
            "yanchor": ya,
            "showarrow": False,
            "font": {"size": 13, "color": "#777"},
        }
        for t, x, y, xa, ya in corners
    ]
    line = {"color": "#999", "width": 1.5, "dash": "dot"}
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "y domain",
            "x0": gap_threshold,
            "x1": gap_threshold,
            "y0": 0,
            "y1": 1,
            "line": line,
        },
        {
            "type": "line",
            "xref": "x domain",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": priority_threshold,
            "y1": priority_threshold,
            "line": line,
        },
    ]
    step = next(s for s in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0) if span / s <= 4)
    ticks = [round(k * step, 2) for k in range(-int(span / step), int(span / step) + 1)]
    x_title, y_title = text("plot.regard_axes", language)
    layout = _layout(
        title or text("plot.regard", language),
        520,
        subtitle=text("plot.regard_note", language),
        annotations=annotations,
        shapes=shapes,
        showlegend=False,
        xaxis={**_pct_ticks(ticks), "range": [-span, span], "title": {"text": x_title}},
        yaxis={
            **_pct_ticks([0, 0.2, 0.4, 0.6, 0.8, 1]),
            "range": [0, 1.08],
            "title": {"text": y_title},
        },
    )
    return _figure(data, layout, validate)


def plot_words(
    words: pd.DataFrame,
    title: str = "Mots les plus employés",
    validate: bool = True,
    language: str = "fr",
) -> go.Figure:
    """Horizontal bars of the most used words of one free-text question (no word cloud:
    lengths compare, font sizes do not).

    Parameters
    ----------
    words : DataFrame
        lemma, count, most used first.

    Returns
    -------
    Figure
        One bar trace; ``x`` the counts, ``y`` the lemmas, most used at the top.
    """
    words = words.iloc[::-1]
    bar = {
        "type": "bar",
        "orientation": "h",
        "name": text("plot.words", language),
        "x": words["count"].astype(int).tolist(),
        "y": words["lemma"].astype(str).tolist(),
        "marker": {"color": PALETTE[0], "cornerradius": 4},
        "hovertemplate": "%{y} : %{x}<extra></extra>",
    }
    layout = _layout(
        title,
        max(260, 24 * len(words) + 130),
        xaxis={"title": {"text": text("plot.words_axis", language)}, "rangemode": "tozero"},
        yaxis={"automargin": True, "type": "category"},
        showlegend=False,
    )
    return _figure([bar], layout, validate)


def plot_project_resources(
    matrix: pd.DataFrame,
    projects: pd.DataFrame,
    resource_labels: dict[str, str] | None = None,
    title: str | None = None,
    validate: bool = True,
    language: str = "fr",
) -> go.Figure:
    """Projects × resources: members of each project who need / offer each resource.

    Replaces the actor–resource network: the figure has one row per project and one column
    per resource, whatever the number of actors (it reads the same at 150 and at 5,000).

    Parameters
    ----------
    matrix : DataFrame
        From `diagnostic.analysis.network.project_resources` (project_id, category,
        needing, offering).
    projects : DataFrame
        The `cooperation_projects` table: the rows' order and titles, and each project's own
        resources (drawn in bold).

    Returns
    -------
    Figure
        One heatmap trace: z the members needing or offering, text « needing / offering ».
    """
    rows = projects["project_id"].tolist()
    # one line per row (wrapped titles overlapped): rank and title cut at 46 characters
    titles = [
        f"{i}. {t if len(t) <= 46 else t[:45].rstrip() + '…'}"
        for i, t in enumerate(projects["title"].astype(str), start=1)
    ]
    cats = sorted(matrix["category"].astype(str).unique(), key=lambda c: _label(resource_labels, c))
    own = {
        (p, r)
        for p, res in zip(projects["project_id"], projects["resources"])
        for r in str(res).split(" ↔ ")
    }
    z = np.zeros((len(rows), len(cats)))
    need = np.zeros((len(rows), len(cats)), dtype=int)
    give = np.zeros((len(rows), len(cats)), dtype=int)
    at = {p: i for i, p in enumerate(rows)}
    col = {c: j for j, c in enumerate(cats)}
    for p, c, n, o in zip(
        matrix["project_id"], matrix["category"], matrix["needing"], matrix["offering"]
    ):
        if p in at and c in col:
            i, j = at[p], col[c]
            need[i, j], give[i, j] = int(n), int(o)
            z[i, j] = int(n) + int(o)
    cells = [
        [
            (
                ""
                if not z[i, j]
                else (
                    f"<b>{need[i, j]}/{give[i, j]}</b>"
                    if (p, c) in own
                    else f"{need[i, j]}/{give[i, j]}"
                )
            )
            for j, c in enumerate(cats)
        ]
        for i, p in enumerate(rows)
    ]
    # one line a label, slanted: wrapped labels over many narrow columns ran into each other
    xs = [_no_markup(str(_label(resource_labels, c))) for c in cats]
    below = 6 * max((len(x) for x in xs), default=0)  # pixels the slanted labels take
    data = [
        {
            "type": "heatmap",
            "name": text("plot.members", language),
            "x": xs,
            "y": titles,
            "z": np.where(z > 0, z, np.nan).tolist(),
            "text": cells,
            "texttemplate": "%{text}",
            "textfont": {"size": 11},
            "customdata": np.dstack([need, give]).tolist(),
            "colorscale": "Blues",
            "zmin": 0,
            "xgap": 2,
            "ygap": 2,
            "hoverongaps": False,
            "colorbar": {"title": {"text": text("plot.members", language)}, "thickness": 12},
            "hovertemplate": text("plot.hover_project_matrix", language),
        }
    ]
    layout = _layout(
        title or text("plot.project_matrix", language),
        max(320, 34 * len(rows) + 130 + below),
        subtitle=text("plot.project_matrix_note", language),
        yaxis={"autorange": "reversed", "ticksuffix": "  ", "gridcolor": "white"},
        xaxis={"side": "bottom", "tickangle": -45, "gridcolor": "white", "automargin": True},
        margin={"b": 30 + below},
    )
    return _figure(data, layout, validate)


def plot_project_map(
    projects: pd.DataFrame,
    centroids: pd.DataFrame,
    shapes: dict | None = None,
    commune_names: dict[str, str] | None = None,
    places: dict[str, str] | None = None,
    title: str | None = None,
    validate: bool = True,
    language: str = "fr",
) -> go.Figure:
    """Map of the projects: each project's member communes, drawn on the communes' contours
    when there are any (degrades to the centroids alone), without tiles (works offline).

    Parameters
    ----------
    projects : DataFrame
        The `cooperation_projects` table (project_id, title, members, communes).
    centroids : DataFrame
        commune_code, lat, lon.
    shapes : dict, optional
        commune_code -> list of rings of (lon, lat) points, drawn grey underneath.
    commune_names : dict, optional
        commune_code -> name, for the hover text.
    places : dict, optional
        actor_id -> commune_code, to size each marker by the members living there.

    Returns
    -------
    Figure
        Trace 0: contours (empty without shapes); then two traces per project: lines from
        its commune with most members to its other communes, then one marker per commune
        where it has members (size: number of members there).
    """
    names, places = commune_names or {}, places or {}
    at = {
        str(c): (float(a), float(b))
        for c, a, b in zip(centroids["commune_code"], centroids["lat"], centroids["lon"])
        if pd.notna(a) and pd.notna(b)
    }
    sx: list = []
    sy: list = []
    for rings in (shapes or {}).values():
        for ring in rings:
            sx += [float(p[0]) for p in ring] + [None]
            sy += [float(p[1]) for p in ring] + [None]
    data = [
        {
            "type": "scatter",
            "x": sx,
            "y": sy,
            "mode": "lines",
            "fill": "toself",
            "fillcolor": "#F1F1F1",
            "line": {"color": "#BBBBBB", "width": 0.6},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "communes",
        }
    ]
    lats = []
    for i, p in enumerate(projects.itertuples()):
        members = [m for m in str(p.members or "").split(";") if m]
        codes = [c for c in str(p.communes or "").split(";") if c in at]
        if not codes:
            continue
        count = {c: sum(places.get(m) == c for m in members) for c in codes}
        # a star from the commune with most members (listed first) to the others
        xs, ys = [], []
        for c in codes[1:] or codes:
            xs += [at[codes[0]][1], at[c][1], None]
            ys += [at[codes[0]][0], at[c][0], None]
        lats += [at[c][0] for c in codes]
        colour = MAP_COLOURS[i % len(MAP_COLOURS)]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "line": {"color": colour, "width": 1},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": p.project_id,
            }
        )
        xs = [at[c][1] for c in codes]
        ys = [at[c][0] for c in codes]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "legendgroup": p.project_id,
                "name": wrap_label(f"{i + 1}. {p.title}", 40),
                "x": xs,
                "y": ys,
                "marker": {
                    "size": [float(8 + 5 * np.sqrt(count[c])) for c in codes],
                    "color": colour,
                    "opacity": 0.85,
                    "line": {"color": "white", "width": 1},
                },
                "customdata": [[str(p.title), names.get(c, c), count[c]] for c in codes],
                "hovertemplate": text("plot.hover_project_map", language),
            }
        )
    middle = float(np.mean(lats or [lat for lat, _ in at.values()] or [46.0]))
    layout = _layout(
        title or text("plot.project_map", language),
        560,
        subtitle=text("plot.project_map_note", language),
        legend={"orientation": "v", "x": 1.02, "y": 1},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / np.cos(np.radians(middle))},
    )
    return _figure(data, layout, validate)
