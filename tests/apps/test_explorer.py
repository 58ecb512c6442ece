import dataclasses
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from diagnostic.analysis.statuses import read_statuses
from diagnostic.apps.collective import collective_app
from diagnostic.apps.explorer import ALL, ALL_TYPES, explorer_app, issue_ranking_app
from diagnostic.apps.review import cooperation_app, roles_app
from diagnostic.apps.workshop import votes_app
from diagnostic.forms.roles import read_roles


@pytest.fixture
def explorer(example_diag):
    return explorer_app(example_diag)


def test_actor_type_filter_updates_the_figure_in_place(example_diag):
    app = issue_ranking_app(example_diag)
    figure = app.figure
    before = list(figure.data[0].x)
    assert app.actor_type.options[0] == (ALL_TYPES, ALL)
    app.actor_type.value = "cooperative"
    after = list(figure.data[0].x)
    assert app.figure is figure and after != before
    coop = example_diag.rank_issues(["cooperative"]).sort_values("rank", ascending=False)
    assert after == coop["support"].astype(float).tolist()
    assert "<b>16</b>" in app.status.value
    assert app.errors.outputs == ()


def test_every_explorer_figure_follows_the_actor_type(explorer):
    figures = [explorer.ranking, explorer.heatmap, explorer.likert, explorer.participation]
    before = [f.to_dict()["data"] for f in figures]
    explorer.actor_type.value = "association"
    after = [f.to_dict()["data"] for f in figures]
    changed = [b != a for b, a in zip(before, after)]
    assert changed == [True, False, True, True]  # the heatmap compares every type
    assert list(explorer.participation.data[0].x) == [46]
    assert explorer.errors.outputs == ()


def _shown(status):
    return int(re.search(r"<b>(\d+)</b>", status).group(1))


def test_place_filter_restricts_to_one_commune(explorer, example_diag):
    # Mortagne's own figures are those of its types with at least 5 actors there (types of
    # at least 5 actors overall): 15 entreprises and 7 associations; its 5 collectivités and
    # coopératives are counted with the EPCI (and its financeur nowhere)
    actors = example_diag.actors
    sizes = actors["actor_type"].value_counts()
    here = actors[(actors["commune_code"] == "61293") & actors["actor_type"].map(sizes).ge(5)]
    mine = here["actor_type"].value_counts()
    n = int(mine[mine >= 5].sum())
    assert (len(here), n) == (27, 22)
    explorer.place.value = "commune:61293"
    assert _shown(explorer.status.value) == n
    assert sorted(explorer.participation.data[0].x) == sorted(mine[mine >= 5].tolist())
    explorer.place.value = "epci:200036069"
    in_epci = _shown(explorer.status.value)
    explorer.place.value = ALL
    everyone = _shown(explorer.status.value)
    assert everyone == int(sizes[sizes >= 5].sum()) == 144
    # the EPCI's actors minus one commune's, and everyone minus the EPCI's: never 1 to 4
    assert in_epci - n >= 5 and everyone - in_epci >= 5


def test_theme_filter_keeps_its_issues_only(explorer, example_diag):
    explorer.theme.value = "Économie"
    wanted = set(
        example_diag.issue_ranking.loc[example_diag.issue_ranking["theme"] == "Économie", "label"]
    )
    assert set(explorer.ranking.data[0].y) == wanted
    assert set(explorer.heatmap.data[0].y) == wanted


def test_missing_answers_can_be_hidden(explorer):
    assert "Ne sait pas" in [t.name for t in explorer.likert.data]
    explorer.include_missing.value = False
    assert "Ne sait pas" not in [t.name for t in explorer.likert.data]


def test_a_click_on_the_heatmap_selects_the_actor_type(explorer):
    label = explorer.heatmap.data[0].x[1]
    explorer._pick_type(explorer.heatmap.data[0], SimpleNamespace(xs=[label]))
    assert explorer.actor_type.value == "collectivite"


def test_callback_errors_are_shown_not_swallowed(explorer, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(explorer, "data", SimpleNamespace(results=boom))
    explorer.actor_type.value = "cooperative"
    text = "".join(o.get("text", "") for o in explorer.errors.outputs)
    assert explorer.errors.outputs[0]["name"] == "stderr"
    assert "Erreur pendant la mise à jour" in text and "panne simulée" in text


def test_votes_app_ranks_priorities_as_votes_come_in(example_diag):
    app = votes_app(example_diag)
    assert sum(app.priorities.data[0].x) == 0
    for name, votes in [
        ("Anne", {"enjeu_sante": 4}),
        ("Bruno", {"enjeu_sante": 1, "enjeu_emploi": 1}),
    ]:
        app.participant.value = name
        for item, n in votes.items():
            app.dots[item].value = n
        app.save_button.click()
    assert app.errors.outputs == ()
    assert len(app.votes) == 3 and app.participant.value == ""
    top = dict(zip(app.priorities.data[0].y, app.priorities.data[0].x))
    assert top["Accès aux soins"] == 1.5 and top["Recrutement et emploi"] == 0.5
    slope = {t.name: list(t.y) for t in app.slope.data}  # survey rank -> workshop rank
    assert slope["Accès aux soins"][1] == 1 and slope["Recrutement et emploi"][1] == 2
    assert "<b>2</b> participants" in app.summary.value


@pytest.fixture
def undecided(example_diag):
    """The example before its workshop decided any lead or project."""
    leads = example_diag.opportunities.assign(status="à valider")
    projects = example_diag.cooperation_projects.assign(
        status="à valider", carrier=pd.NA, next_step=pd.NA
    )
    return dataclasses.replace(example_diag, opportunities=leads, cooperation_projects=projects)


def test_cooperation_app_saves_a_status_per_match(undecided, tmp_path):
    path = tmp_path / "statuts.csv"
    app = cooperation_app(undecided, path)
    assert len(app.statuses) == app.per_page
    app.statuses[0].value = "validé"
    app.statuses[1].value = "écarté"
    assert list(app.table.data[0].cells.values[3])[:2] == ["validé", "écarté"]
    app.save_button.click()
    saved = read_statuses(path)["status"].value_counts()
    assert saved["validé"] == 1 and saved["écarté"] == 1
    again = cooperation_app(undecided, path)
    assert (again.opportunities["status"] != "à valider").sum() == 2
    app.kind.value = "mutualisation"
    assert set(app.table.data[0].cells.values[0]) == {"mutualisation"}
    assert app.errors.outputs == ()


def test_cooperation_app_names_resources_and_types_by_their_labels(example_diag, tmp_path):
    app = cooperation_app(example_diag, tmp_path / "statuts.csv")
    shown = list(app.table.data[0].cells.values[1])
    pair = ("Matériel et équipements", "Compétences, expertise")  # listed in id order
    assert " ↔ ".join(pair) in shown or " ↔ ".join(reversed(pair)) in shown
    assert not any("materiel" in v for v in shown)
    app.kind.value = "mutualisation"
    explanation = app.table.data[0].cells.values[4][0]
    assert "« Association ou structure de l'ESS »" in explanation
    assert " association" not in explanation


def test_collective_app_shows_the_explorer_then_the_cooperation(undecided, tmp_path):
    path = tmp_path / "decisions_projets.csv"
    app = collective_app(undecided, path)
    assert "Public : collectif" in app.view.children[0].value  # the collective's by default
    assert app.view.children[1] is app.explorer.view
    assert app.view.children[3] is app.projects.view
    assert "Coopérer" in app.view.children[2].value
    before = list(app.explorer.ranking.data[0].x)
    app.explorer.actor_type.value = "cooperative"
    assert list(app.explorer.ranking.data[0].x) != before
    first = app.projects.shown()["project_id"].iloc[0]
    app.projects.status[first].value = "validé"
    app.projects.save_button.click()
    saved = pd.read_csv(path, dtype=str)
    assert saved.loc[saved["project_id"] == first, "status"].tolist() == ["validé"]
    assert (saved["status"] == "validé").sum() == 1
    assert app.errors.outputs == () and app.projects.errors.outputs == ()


def test_roles_app_writes_the_roles_csv(example_diag, tmp_path):
    questions = example_diag.questions.copy()
    questions.loc[questions["question_id"] == "commentaire", "role"] = pd.NA
    app = roles_app(questions, tmp_path / "roles.csv")
    assert len(app.rows.children) == 1  # only the question without a role
    app.roles["commentaire"].value = "free_text"
    app.themes["commentaire"].value = "Expression libre"
    app.save_button.click()
    roles = read_roles(tmp_path / "roles.csv").set_index("question_id")
    assert roles.loc["commentaire", "role"] == "free_text"
    assert roles.loc["commentaire", "theme"] == "Expression libre"
    assert app.errors.outputs == ()


def test_no_explorer_view_nor_difference_of_views_isolates_a_small_group(explorer):
    """Every filter combination of the app: each count, base and bar holds 0 or at least
    min_group_size actors, and so does the difference between any two views."""
    from itertools import combinations

    k = explorer.diag.settings.min_group_size
    views = {}
    for kind in [v for _l, v in explorer.actor_type.options]:
        for place in [v for _l, v in explorer.place.options]:
            explorer.actor_type.value, explorer.place.value = kind, place
            res = explorer.data.results(**explorer.filters())
            ids = set(res["actors"]["actor_id"])
            views[kind, place] = ids
            assert len(ids) == 0 or len(ids) >= k, (kind, place)
            assert (
                (res["ranking"]["respondents"] == 0) | (res["ranking"]["respondents"] >= k)
            ).all()
            shown = res["matrix"][~res["matrix"]["suppressed"]]
            assert (shown["respondents"] >= k).all()
            bases = res["likert"].groupby("group")["count"].sum()
            assert (bases >= k).all(), (kind, place)
            assert min(explorer.participation.data[0].x, default=k) >= k
            assert "non précisé" not in list(explorer.participation.data[0].y)
    for a, b in combinations(views.values(), 2):
        for rest in (a - b, b - a):
            assert len(rest) == 0 or len(rest) >= k


def test_likert_by_type_has_no_unspecified_type_and_no_small_base():
    from diagnostic.analysis.explore import count_likert, likert_answers

    questions = pd.DataFrame(
        {"question_id": ["q"], "label": ["Mobilité"], "theme": ["t"], "list_name": ["imp"],
         "role": ["issue_importance"]}
    )  # fmt: skip
    choices = pd.DataFrame(
        {"list_name": ["imp", "imp"], "value": ["1", "2"], "label": ["Peu", "Très"],
         "order": [1, 2], "is_missing_code": [False, False]}
    )  # fmt: skip
    ids = [f"A{i}" for i in range(9)]
    actors = pd.DataFrame(
        {"actor_id": ids, "actor_type": pd.array(["asso"] * 5 + ["ent"] * 2 + [None] * 2)}
    )
    answers = pd.DataFrame({"actor_id": ids, "question_id": "q", "value": ["2"] * 4 + ["1"] * 5})
    likert = likert_answers(answers, questions, choices, actors)
    assert likert["actor_type"].isna().sum() == 2  # no « non précisé » type
    by_type = count_likert(likert, by="actor_type", min_base=5)
    # 5 associations shown (4 « Très », 1 « Peu »); 2 entreprises and 2 untyped: no bar
    assert by_type[["group", "level_label", "count"]].values.tolist() == [
        ["asso", "Peu", 1],
        ["asso", "Très", 4],
    ]
    assert set(count_likert(likert, by="actor_type")["group"]) == {"asso", "ent"}


def test_an_epci_filter_counts_the_actors_generalised_to_that_epci(example_diag):
    """Two EPCIs: each EPCI view counts exactly the actors the public view places in it
    (commune kept or « autres communes de l'EPCI »), recounted here from the responses."""
    from dataclasses import replace

    from diagnostic.analysis.explore import prepare_explorer
    from diagnostic.privacy.disclosure import public_actors

    actors = example_diag.actors.copy()
    west = sorted(actors["commune_code"].dropna().unique())[:16]
    actors.loc[actors["commune_code"].isin(west), "epci_code"] = "200000002"
    diag = replace(example_diag, actors=actors)
    data = prepare_explorer(diag)
    view = public_actors(actors, 5).actors
    r = example_diag.responses
    kinds = view.set_index("actor_id")["actor_type"]
    for epci in ("200036069", "200000002"):
        ids = set(view.loc[view["epci_code"] == epci, "actor_id"])
        mine = r[r["actor_id"].isin(ids)]
        mine = mine.assign(actor_type=mine["actor_id"].map(kinds))
        expected = mine.groupby(["actor_type", "issue_id"]).size()
        matrix = data.results(epci=epci)["matrix"].set_index(["actor_type", "issue_id"])
        assert matrix["respondents"].to_dict() == expected.to_dict()
        assert len(data.results(epci=epci)["actors"]) == len(ids)


def test_cooperation_app_shows_other_visitors_statuses_and_keeps_unsaved_ones(undecided, tmp_path):
    path = tmp_path / "statuts.csv"
    a, b = (cooperation_app(undecided, path, refresh_seconds=None) for _ in range(2))
    a.statuses[0].value = "validé"
    a.save()
    b.kind.value = ""  # no change of value: nothing happens…
    assert b.refresh() == 1  # …the page looks at the file: a's status shown
    assert b.statuses[0].value == "validé" and "autre visiteur" in b.news.value
    assert list(b.table.data[0].cells.values[3])[0] == "validé"
    # b's unsaved change on a row a saves again is kept, and its save is refused
    b.statuses[1].value = "écarté"
    a.statuses[1].value = "validé"
    a.save()
    b.page.value = 2  # any interaction looks at the file
    b.page.value = 1
    assert b.statuses[1].value == "écarté" and "gardée sur cette page" in b.news.value
    from diagnostic.apps.merge import SaveConflict

    with pytest.raises(SaveConflict, match="« validé » \\(ici : « écarté »\\)"):
        b.save()
    assert read_statuses(path)["status"].value_counts()["validé"] == 2
