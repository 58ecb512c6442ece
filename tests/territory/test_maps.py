"""The participation map's classes (small counts hidden) and the maps built on them."""

import pandas as pd

from diagnostic.plots import CLASS_COLOURS, plot_indicator_map, plot_participation_map
from diagnostic.territory.maps import class_labels, participation_classes


def _square(code: str, x: float) -> dict:
    ring = [[x, 48.0], [x + 0.1, 48.0], [x + 0.1, 48.1], [x, 48.1], [x, 48.0]]
    return {
        "type": "Feature",
        "properties": {"code": code, "nom": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


GEOJSON = {
    "type": "FeatureCollection",
    "features": [_square("a", 0.0), _square("b", 0.1), _square("c", 0.2)],
}


def test_classes_hide_counts_below_the_smallest_group():
    counts = pd.Series({"a": 0, "b": 1, "c": 4, "d": 5, "e": 9, "f": 10, "g": 19, "h": 20})
    table = participation_classes(counts, 5)
    assert table["klass"].tolist() == [0, 1, 1, 2, 2, 3, 3, 4]
    shown = table["respondents"].astype(object).where(table["respondents"].notna(), None)
    assert shown.tolist() == [0, None, None, 5, 9, 10, 19, 20]
    assert class_labels(5) == ["aucun répondant", "moins de 5", "5 à 9", "10 à 19", "20 ou plus"]
    assert class_labels(3, "en")[1] == "fewer than 3"


def test_participation_map_says_fewer_than_n_and_never_the_small_count():
    fig = plot_participation_map(
        GEOJSON, pd.Series({"a": 3, "b": 7, "c": 0}), {"a": "Alpha", "b": "Bêta"}, 5
    )
    shapes = [t for t in fig.data if t.fill == "toself"]
    texts = {t.name: t.text for t in shapes}
    assert texts["a"] == "<b>Alpha</b><br>moins de 5" and "3" not in texts["a"]
    # a class, never the count: an exact total per commune could be subtracted from the
    # per-type tables
    assert texts["b"] == "<b>Bêta</b><br>5 à 9" and "7" not in texts["b"]
    assert texts["c"] == "<b>c</b><br>aucun répondant"
    colours = {t.name: t.fillcolor for t in shapes}
    assert colours == {"a": CLASS_COLOURS[1], "b": CLASS_COLOURS[2], "c": CLASS_COLOURS[0]}
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == ["aucun répondant", "moins de 5", "5 à 9", "10 à 19", "20 ou plus"]
    # drawn as shapes on hidden axes: nothing to download, readable offline
    assert "geo" not in fig.to_plotly_json()["layout"]


def test_indicator_map_colours_values_and_greys_missing_ones():
    fig = plot_indicator_map(
        GEOJSON, pd.Series({"a": 2.0, "b": 12.5, "c": None}), title="Taux de chômage"
    )
    shapes = {t.name: t for t in fig.data if t.fill == "toself"}
    assert shapes["b"].text == "<b>b</b><br>12,5"
    assert shapes["c"].text == "<b>c</b><br>non disponible" and shapes["c"].fillcolor == "#BDBDBD"
    assert shapes["a"].fillcolor != shapes["b"].fillcolor


def test_the_example_map_places_every_respondent_on_their_own_commune(example_diag):
    """The map counts respondents by the commune they were placed in (all types together),
    not by the generalised communes of the per-actor tables."""
    from diagnostic.export.maps import map_data

    data = map_data(example_diag)
    placed = example_diag.actors["commune_code"].dropna()
    in_area = placed[placed.isin(set(data.respondents.index))]
    assert int(data.respondents.sum()) == len(in_area)
    assert data.off_map == len(example_diag.actors) - len(in_area)
    assert data.respondents.to_dict() == {
        **{c: 0 for c in data.respondents.index},
        **in_area.value_counts().to_dict(),
    }
