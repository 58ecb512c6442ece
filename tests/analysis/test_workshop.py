import pandas as pd
import pytest
from conftest import bare_example
from openpyxl import load_workbook

import diagnostic
from diagnostic import (
    Settings,
    afom,
    read_votes,
    regard_croise,
    shared_priorities,
    write_votes_template,
)
from diagnostic.analysis.workshop import compare_rankings

RANKING = pd.DataFrame(
    {
        "issue_id": ["x", "y", "z"],
        "label": ["X", "Y", "Z"],
        "rank": [1, 2, 3],
        "support": [0.8, 0.6, 0.2],
        "support_by_type_mean": [0.7, 0.55, pd.NA],
        "tag": ["transversal", "clivant", "peu partagé"],
        "reason": ["cité par 2 types", "écart de 50 points", "cité par 0 type"],
    }
)
VOTES = pd.DataFrame(
    {
        "participant": ["p1", "p1", "p2"],
        "actor_type": ["a", "a", "b"],
        "item_id": ["x", "z", "z"],
        "dots": [1, 3, 2],
    }
)


def test_shared_priorities_normalised_per_participant_by_hand():
    out = shared_priorities(RANKING, VOTES).set_index("issue_id")
    # p1: x 1/4, z 3/4; p2: z 2/2 -> means over the 2 voters
    assert out["workshop_share"].to_dict() == pytest.approx(
        {"z": (0.75 + 1) / 2, "x": 0.125, "y": 0.0}
    )
    assert out["workshop_rank"].to_dict() == {"z": 1, "x": 2, "y": 3}
    assert out["shift"].to_dict() == {"z": 2, "x": -1, "y": -1}
    assert out.at["z", "trend"] == "gagne du terrain" and out.at["x", "trend"] == "perd du terrain"
    assert out.at["z", "participants"] == 2


def test_spearman_comparison_by_hand():
    cmp = compare_rankings(shared_priorities(RANKING, VOTES))
    # survey ranks (1, 2, 3) vs workshop (2, 3, 1): d² = 1 + 1 + 4
    assert cmp.rho == pytest.approx(1 - 6 * 6 / (3 * (3**2 - 1)))
    assert cmp.n == 3
    assert cmp.text.startswith(
        "Classements de l'enquête et de l'atelier : corrélation de Spearman -0,50"
    )
    assert "gagnent du terrain : Z" in cmp.text


def test_spearman_with_ties_in_the_workshop():
    votes = pd.DataFrame(
        {"participant": ["p"] * 2, "actor_type": "a", "item_id": ["x", "y"], "dots": [1, 1]}
    )
    shared = shared_priorities(RANKING, votes)
    assert shared.set_index("issue_id")["workshop_rank"].to_dict() == {"x": 1, "y": 1, "z": 3}
    # average ranks for Spearman: workshop (1.5, 1.5, 3) against (1, 2, 3)
    assert compare_rankings(shared).rho == pytest.approx(0.8660254037844386)


def test_template_round_trip_with_anomalies(tmp_path):
    path = write_votes_template(tmp_path / "votes.xlsx", RANKING, ["Alice", "Bob"])
    wb = load_workbook(path)
    ws = wb["votes"]
    assert [c.value for c in ws[1]] == [
        "participant",
        "type d'acteur",
        "item_id",
        "element",
        "gommettes",
    ]
    assert ws.max_row == 1 + 2 * 3
    ws["B2"], ws["E2"], ws["E3"] = "association", 3, "deux"  # Alice: x = 3, y invalid
    ws["E5"], ws["C6"], ws["E6"] = 2, "inconnu", 1  # Bob: x = 2, unknown item
    ws.append([None, None, "x", "X", 4])  # no participant
    ws.append(["Bob", None, "x", "X", 1])  # Bob again on x: summed
    wb.save(path)
    read = read_votes(path, RANKING["issue_id"])
    v = read.votes.set_index(["participant", "item_id"])["dots"]
    assert v[("Alice", "x")] == 3 and v[("Bob", "x")] == 3 and v[("Alice", "z")] == 0
    problems = read.anomalies["problem"].tolist()
    assert problems == [
        "nombre de gommettes invalide : mettez un nombre entier positif",
        "élément inconnu : vérifiez la colonne item_id du modèle",
        "participant non renseigné : ligne ignorée",
        "même participant et même élément sur plusieurs lignes : gommettes additionnées",
    ]
    assert read.anomalies["row"].tolist()[:3] == [3, 6, 8]
    assert (read.account.rows_read, read.account.rows_loaded, read.account.rows_rejected) == (
        8,
        5,
        3,
    )


def test_missing_columns_is_a_plain_french_error(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("qui;quoi\na;b\n", encoding="utf-8")
    with pytest.raises(diagnostic.DiagnosticError, match="colonnes manquantes"):
        read_votes(path)


@pytest.mark.parametrize(
    "support, gap, quadrant",
    [
        (0.7, 0.3, "enjeu confirmé"),
        (0.7, 0.0, "perçu non objectivé"),
        (0.2, 0.3, "sous-estimé"),
        (0.2, -0.2, "non prioritaire"),
    ],
)
def test_regard_croise_quadrants(support, gap, quadrant):
    ranking = RANKING.iloc[:1].assign(support_by_type_mean=support)
    out = regard_croise(
        ranking,
        pd.DataFrame({"issue_id": ["x"], "gap": [gap]}),
        Settings(priority_threshold=0.5, gap_threshold=0.1),
    )
    assert out["quadrant"].tolist() == [quadrant]


def test_regard_croise_falls_back_on_overall_support_and_skips_unlinked_issues():
    out = regard_croise(RANKING, pd.DataFrame({"issue_id": ["z"], "gap": [0.5]}))
    assert out["issue_id"].tolist() == ["z"] and out["support"].tolist() == [0.2]


def test_afom_items_cite_their_source():
    opp = pd.DataFrame(
        {
            "kind": ["reciprocal", "pooling", "mutualisation"],
            "actors": ["a ; b", "a ; c", "a ; b ; c"],
            "category": ["v ↔ w", "locaux", "locaux"],
        }
    )
    cross = regard_croise(RANKING, pd.DataFrame({"issue_id": ["x", "z"], "gap": [0.3, 0.4]}))
    out = afom(RANKING, opp, cross, shared_priorities(RANKING, VOTES), {"locaux": "Locaux"})
    assert set(out["source"]) == {"enquête", "indicateur", "atelier"}
    rows = list(out[["category", "item", "source"]].itertuples(index=False, name=None))
    assert rows == [
        ("atouts", "Ressource disponible : Locaux", "enquête"),
        ("faiblesses", "X", "enquête"),
        ("faiblesses", "X", "indicateur"),
        ("opportunités", "Échanges réciproques entre acteurs", "enquête"),
        ("opportunités", "Mutualisation : Locaux", "enquête"),
        ("opportunités", "Mobilisation en atelier : Z", "atelier"),
        ("menaces", "Désaccord sur : Y", "enquête"),
        ("menaces", "Enjeu sous-estimé : Z", "indicateur"),
    ]


def test_example_project_with_workshop_votes(tmp_path, example_diag):
    folder = tmp_path / "projet"
    bare_example(folder)
    ranking = example_diag.issue_ranking
    template = write_votes_template(folder / "votes.xlsx", ranking, ["P1", "P2"])
    wb = load_workbook(template)
    ws = wb["votes"]
    for row in range(2, ws.max_row + 1):  # every participant puts 5 dots on the last issue
        ws.cell(row, 5).value = 5 if ws.cell(row, 3).value == ranking["issue_id"].iloc[-1] else 0
    wb.save(template)
    toml = folder / "diagnostic.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[workshop]\nvotes = "votes.xlsx"\n', encoding="utf-8"
    )
    d = diagnostic.run_diagnostic(diagnostic.read_project(toml))
    assert len(d.votes) == 2 * len(ranking) and len(d.shared_priorities) == len(ranking)
    top = d.shared_priorities.iloc[0]
    assert top["issue_id"] == ranking["issue_id"].iloc[-1] and top["workshop_share"] == 1.0
    assert top["trend"] == "gagne du terrain" and d.rank_comparison.n == len(ranking)
    assert (d.afom["source"] == "atelier").any()
    assert "votes.xlsx" in {a.file for a in d.accounts}


def test_example_diagnostic_has_every_analysis_table(example_diag):
    d = example_diag
    for name in (
        "issue_ranking",
        "group_matrix",
        "divergence",
        "type_similarity",
        "opportunities",
        "clusters",
        "afom",
    ):
        assert list(getattr(d, name).columns) == diagnostic.schemas.columns(name)
        assert len(getattr(d, name)), name
    # the example's workshop and its links to INSEE indicators (see tests/test_datasets.py)
    assert d.rank_comparison is not None and len(d.votes) and len(d.regard_croise) == 4
    # types are named with their labels from the form
    assert "Commune ou intercommunalité" in " ".join(d.issue_ranking["reason"])
    crossed = d.with_indicator_gaps(pd.DataFrame({"issue_id": ["enjeu_sante"], "gap": [0.3]}))
    assert crossed.regard_croise["quadrant"].tolist() == ["enjeu confirmé"]
    assert (crossed.afom["source"] == "indicateur").any()


def test_a_tie_shares_its_rank_in_the_app_and_in_the_workbook():
    # Two participants, one dot each on a different issue: the two issues weigh the same
    # (0.5 of the room each), so both are first; the third issue, without votes, is third.
    from diagnostic.analysis.workshop import rank_votes, shared_priorities

    votes = pd.DataFrame(
        {
            "participant": ["Anne", "Bruno"],
            "actor_type": ["association", "commune"],
            "item_id": ["mobilite", "sante"],
            "dots": [1, 1],
        }
    ).astype({"dots": "Int64"})
    live = rank_votes(votes, {"mobilite": "Mobilité", "sante": "Santé", "emploi": "Emploi"})
    assert dict(zip(live["item_id"], live["rank"])) == {"mobilite": 1, "sante": 1, "emploi": 3}
    ranking = pd.DataFrame(
        {
            "issue_id": ["emploi", "mobilite", "sante"],
            "label": ["Emploi", "Mobilité", "Santé"],
            "rank": [1, 2, 3],
            "support": [0.9, 0.8, 0.7],
        }
    )
    shared = shared_priorities(ranking, votes)
    assert dict(zip(shared["issue_id"], shared["workshop_rank"])) == {
        "mobilite": 1,
        "sante": 1,
        "emploi": 3,
    }


def test_afom_counts_reciprocal_pairs_not_rows_and_says_when_the_list_was_cut():
    # a ↔ b swap two resources: one pair; c ↔ d one: two pairs in three rows
    opp = pd.DataFrame(
        {
            "kind": ["reciprocal"] * 3,
            "actors": ["a ; b", "a ; b", "c ; d"],
            "category": ["v ↔ w", "x ↔ y", "v ↔ w"],
        }
    )
    evidence = afom(RANKING, opp).set_index("item")["evidence"]
    said = evidence["Échanges réciproques entre acteurs"]
    assert said.startswith("2 paires d'acteurs")
    cut = afom(RANKING, opp, reciprocal_limit=3).set_index("item")["evidence"]
    assert cut["Échanges réciproques entre acteurs"].startswith("au moins 2 paires")
