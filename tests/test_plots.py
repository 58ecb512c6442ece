import json

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from diagnostic import plots
from diagnostic.analysis.explore import count_likert, resource_network


def test_issue_ranking_has_support_intervals_and_french_title(example_diag):
    fig = plots.plot_issue_ranking(example_diag.issue_ranking).to_dict()
    bar = fig["data"][0]
    ranking = example_diag.issue_ranking.sort_values("rank", ascending=False)
    assert list(bar["x"]) == ranking["support"].astype(float).tolist()
    assert list(bar["y"])[-1] == ranking["label"].iloc[-1]  # rank 1 drawn at the top
    assert all(v >= 0 for v in bar["error_x"]["array"]) and bar["error_x"]["symmetric"] is False
    assert "Enjeux communs" in fig["layout"]["title"]["text"]


def test_heatmap_is_sorted_by_consensus_and_greys_small_groups(example_diag):
    fig = plots.plot_group_heatmap(example_diag.group_matrix, example_diag.issue_ranking, 5)
    support, hidden = fig.to_dict()["data"]
    by_consensus = example_diag.issue_ranking.sort_values("consensus", ascending=False)
    assert list(support["y"]) == by_consensus["label"].tolist()
    col = list(support["x"]).index("financeur")  # 4 funders < 5: suppressed everywhere
    assert all(row[col] is None for row in support["z"])
    assert all(row[col] == "n<5" for row in hidden["text"])
    assert hidden["colorscale"][0][1] == plots.GREY


LIKERT = pd.DataFrame(
    {
        "label": ["A", "A", "A", "B", "B"],
        "level_label": ["Non", "Oui", "NSP", "Oui", "Oui"],
        "order": [1, 3, 9, 3, 3],
        "is_missing": [False, False, True, False, False],
    }
)
SCALE = pd.DataFrame(
    {
        "level_label": ["Non", "Bof", "Oui", "NSP"],
        "order": [1, 2, 3, 9],
        "is_missing": [False, False, False, True],
    }
)


def test_likert_counts_keep_levels_nobody_chose():
    counts = count_likert(LIKERT, scale=SCALE)
    expected = pd.DataFrame(
        {
            "group": ["A"] * 4 + ["B"] * 4,
            "level_label": ["Non", "Bof", "Oui", "NSP"] * 2,
            "count": [1, 0, 1, 1, 0, 0, 2, 0],
        }
    )
    pd.testing.assert_frame_equal(counts[["group", "level_label", "count"]], expected)
    no_dk = count_likert(LIKERT, include_missing=False, scale=SCALE)
    assert "NSP" not in set(no_dk["level_label"])
    assert no_dk.loc[no_dk["group"] == "A", "share"].tolist() == [0.5, 0.0, 0.5]


@pytest.mark.parametrize("include_missing", [True, False])
def test_likert_bars_diverge_and_survive_empty_levels(include_missing):
    fig = plots.plot_likert(count_likert(LIKERT, include_missing=include_missing, scale=SCALE))
    data = fig.to_dict()["data"]
    names = [t["name"] for t in data]
    assert names[:4] == ["Non", "Bof", "Bof", "Oui"]  # the middle level split in two halves
    assert ("NSP" in names) is include_missing
    non = data[0]
    assert all(x <= 0 for x in non["x"]) and all(x >= 0 for x in data[3]["x"])
    assert list(data[1]["x"]) == [0, 0]  # nobody chose "Bof": an empty segment, no error
    if include_missing:
        assert data[-1]["xaxis"] == "x2"


def test_participation_counts_actors_by_type():
    actors = pd.DataFrame({"actor_type": ["a", "b", "b", None]})
    bar = plots.plot_participation(actors).to_dict()["data"][0]
    assert dict(zip(bar["y"], bar["x"])) == {"a": 1, "b": 2, "non précisé": 1}


def test_choropleth_keeps_only_the_areas_given(tmp_path):
    def square(x):
        return {
            "type": "Polygon",
            "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 0]]],
        }

    geo = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": c}, "geometry": square(i)}
            for i, c in enumerate(["01001", "01002", "01003"])
        ],
    }
    path = tmp_path / "c.geojson"
    path.write_text(json.dumps(geo))
    values = pd.DataFrame({"commune_code": ["01001", "01003"], "v": [1.5, 3.0]})
    trace = plots.plot_choropleth(path, values, "v").to_dict()["data"][0]
    assert list(trace["locations"]) == ["01001", "01003"] and list(trace["z"]) == [1.5, 3.0]
    assert len(trace["geojson"]["features"]) == 2


def test_choropleth_on_real_orne_communes(shared, example_diag):
    from diagnostic.analysis.explore import participation_by_commune

    values = participation_by_commune(example_diag.participation)
    fig = plots.plot_choropleth(
        shared / "geo" / "gregoiredavid_communes-61-orne.geojson",
        values,
        "per_1000_inhabitants",
        name="commune",
    )
    trace = fig.to_dict()["data"][0]
    assert len(trace["geojson"]["features"]) == len(values)


def test_cooperation_network_is_two_mode_and_reproducible():
    needs = pd.DataFrame({"actor_id": ["a1", "a2"], "category": ["locaux", "locaux"]})
    offers = pd.DataFrame({"actor_id": ["a3"], "category": ["locaux"]})
    actors = pd.DataFrame(
        {"actor_id": ["a1", "a2", "a3"], "actor_type": ["association", "entreprise", "association"]}
    )
    graph = resource_network(needs, offers, actors, {"locaux": "Locaux"})
    assert nx.is_bipartite(graph) and graph.number_of_edges() == 3
    one, two = (plots.plot_cooperation_network(graph).to_dict() for _ in range(2))
    assert one["data"] == two["data"]
    assert [t["name"] for t in one["data"]] == ["liens", "Ressources", "association", "entreprise"]
    assert list(one["data"][1]["text"]) == ["Locaux"]


def test_opportunities_table_sorts_by_the_chosen_column(example_diag):
    fig = plots.plot_opportunities_table(
        example_diag.opportunities, sort_by="category", ascending=True, limit=5
    )
    cells = fig.to_dict()["data"][0]["cells"]["values"]
    assert list(cells[1]) == sorted(example_diag.opportunities["category"])[:5]
    assert fig.to_dict()["data"][0]["header"]["values"][-1] == "<b>Explication</b>"


def test_slope_chart_draws_one_line_per_item_coloured_by_move():
    frame = pd.DataFrame(
        {"label": ["A", "B", "C"], "survey_rank": [1, 2, 3], "workshop_rank": [2, 1, pd.NA]}
    ).astype({"workshop_rank": "Int64"})
    data = plots.plot_priority_slope(frame).to_dict()["data"]
    assert [list(t["y"]) for t in data] == [[1, 2], [2, 1]]  # C not voted on: left out
    assert data[0]["line"]["color"] == "#E76F51" and data[1]["line"]["color"] == "#2A9D8F"


@pytest.mark.parametrize("builder", ["plot_issue_ranking", "plot_participation"])
def test_unvalidated_figures_are_the_same_figures(example_diag, builder):
    table = example_diag.issue_ranking if builder == "plot_issue_ranking" else example_diag.actors
    fast = getattr(plots, builder)(table, validate=False)
    checked = go.Figure(fast.to_dict())  # validation raises on any invalid property
    assert json.loads(checked.to_json()) == json.loads(getattr(plots, builder)(table).to_json())


def test_network_resources_sit_apart_on_a_ring_labelled_outwards(example_diag):
    from diagnostic.analysis.labels import resource_labels

    d = example_diag
    graph = resource_network(d.needs, d.offers, d.actors, resource_labels(d.questions, d.choices))
    res = plots.plot_cooperation_network(graph).to_dict()["data"][1]
    xy = np.column_stack([res["x"], res["y"]])
    named = (set(d.needs["category"]) | set(d.offers["category"])) - {"autre"}
    assert len(xy) == len(named) == 14  # « autre » is no shared resource: not drawn
    # on an ellipse of half-axes 1.6 and 1, evenly spread: no two resources close together
    assert np.allclose((xy[:, 0] / 1.6) ** 2 + xy[:, 1] ** 2, 1)
    gaps = np.linalg.norm(xy[:, None] - xy[None, :], axis=2)[np.triu_indices(len(xy), 1)]
    assert gaps.min() > 0.3
    top = int(np.argmax(xy[:, 1]))
    assert res["textposition"][top] == "top center"
    assert {res["textposition"][i] for i in np.flatnonzero(np.abs(xy[:, 1]) < 0.5)} <= {
        "middle left",
        "middle right",
    }


def test_ranking_axis_title_is_wrapped_to_fit_a_notebook(example_diag):
    fig = plots.plot_issue_ranking(example_diag.issue_ranking).to_dict()
    title = fig["layout"]["xaxis"]["title"]["text"]
    lines = title.split("<br>")
    assert len(lines) == 2 and all(len(line) <= 48 for line in lines)
    assert " ".join(lines) == "Part des répondants qui jugent l'enjeu important " + (
        "(intervalle de confiance à 95 %)"
    )


def test_heatmap_slants_column_labels_only_when_they_are_long():
    ranking = pd.DataFrame({"issue_id": ["a"], "label": ["A"], "consensus": [1.0], "rank": [1]})

    def angle(kinds):
        matrix = pd.DataFrame(
            {"issue_id": "a", "actor_type": kinds, "support": 0.5, "suppressed": False}
        )
        return plots.plot_group_heatmap(matrix, ranking, 5).to_dict()["layout"]["xaxis"]

    assert angle(["association", "entreprise"])["tickangle"] == -30
    assert angle(["élu", "habitant"])["tickangle"] == 0


def test_project_resources_matrix_labels_stay_on_one_slanted_line(example_diag):
    """15 resource columns: labels wrapped over 2-3 lines ran into each other once slanted."""
    from diagnostic.analysis.network import project_resources

    d = example_diag
    matrix = project_resources(d.cooperation_projects, d.needs, d.offers)
    fig = plots.plot_project_resources(matrix, d.cooperation_projects).to_dict()
    xs = fig["data"][0]["x"]
    assert len(xs) == matrix["category"].nunique() and not any("<br>" in x for x in xs)
    layout = fig["layout"]
    assert layout["xaxis"]["tickangle"] == -45
    longest = max(len(x) for x in xs)  # about 6 pixels a character, slanted
    assert layout["margin"]["b"] >= 6 * longest
