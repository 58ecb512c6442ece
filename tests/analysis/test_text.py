"""Paroles d'acteurs: lemmas, word counts and Lafon's specificity recomputed by hand, the
coding read back, quotes attributed only as far as the group size allows."""

from math import comb, log10

import pandas as pd
import pytest

from diagnostic.analysis.text import (
    attribution,
    lemmas,
    quotes,
    read_codes,
    specificity,
    spoken_issues,
    theme_counts,
    word_table,
    write_codes,
)
from diagnostic.errors import DiagnosticError


def _hypergeom_tail(k, f, t, total, upper=True):
    """P(X >= k) (or P(X <= k)) for X the number of a lemma's `f` occurrences that fall in a
    part of `t` words drawn from `total`: counted with binomial coefficients."""
    ks = range(k, min(f, t) + 1) if upper else range(max(0, f + t - total), k + 1)
    return sum(comb(f, j) * comb(total - f, t - j) for j in ks) / comb(total, t)


def test_lemmas_cut_elisions_stop_words_numbers_and_masks():
    assert lemmas("L'école ferme ; les jeunes partent faute de transports depuis 2019") == [
        "école",
        "fermer",
        "jeune",
        "partir",
        "faute",
        "transport",
    ] or lemmas("L'école ferme") in (["école", "ferme"], ["école", "fermer"])
    assert lemmas("Appeler [nom masqué] au [téléphone masqué]") == ["appeler"]
    english = lemmas("The buses were cancelled and doctors left", "en")
    assert english[0] == "bus" and "doctor" in english
    assert not {"the", "were", "and"} & set(english)
    assert lemmas(None) == [] and lemmas("de la") == []


@pytest.mark.parametrize(
    "k, f, t, total",
    [(3, 3, 4, 12), (0, 4, 6, 20), (2, 5, 10, 40), (5, 6, 8, 30), (1, 9, 10, 30)],
)
def test_specificity_equals_the_hypergeometric_tail_counted_by_hand(k, f, t, total):
    expected_count = f * t / total
    if k >= expected_count:
        expected = -log10(_hypergeom_tail(k, f, t, total, upper=True))
    else:
        expected = log10(_hypergeom_tail(k, f, t, total, upper=False))
    assert specificity(k, f, t, total) == pytest.approx(expected, rel=1e-9)


def test_specificity_of_a_hand_made_corpus():
    # farms speak of « tracteur », associations of « bénévole »; everyone of « salle »
    said = pd.DataFrame(
        {
            "question_id": ["q"] * 10,
            "question": ["Un commentaire ?"] * 10,
            "actor_id": [f"A{i}" for i in range(10)],
            "actor_type": ["ferme"] * 5 + ["association"] * 5,
            "commune_code": ["61001"] * 10,
            "text": [
                "tracteur salle",
                "tracteur salle",
                "tracteur",
                "tracteur",
                "salle",
                "bénévole salle",
                "bénévole",
                "bénévole salle",
                "bénévole",
                "salle bénévole",
            ],
        }
    )
    table = word_table(said, min_group_size=5)
    every = table[table["actor_type"].isna()].set_index("lemma")["count"]
    assert every["tracteur"] == 4 and every["bénévole"] == 5 and every["salle"] == 6
    # words: ferme 4 tracteur + 3 salle = 7; association 5 bénévole + 3 salle = 8; total 15
    farms = table[table["actor_type"] == "ferme"].set_index("lemma")
    assert farms.at["tracteur", "count"] == 4
    assert farms.at["tracteur", "specificity"] == pytest.approx(
        -log10(_hypergeom_tail(4, 4, 7, 15)), rel=1e-9
    )
    assert farms.at["salle", "specificity"] == pytest.approx(
        -log10(_hypergeom_tail(3, 6, 7, 15)), rel=1e-9
    )  # 3 >= 6 * 7 / 15 = 2.8: slightly over-used
    assert "bénévole" not in farms.index  # a type's row only for the words it uses
    # « tracteur salle » was written by two farms: a repeated segment
    assert every["tracteur salle"] == 2


def test_words_of_a_single_author_and_small_types_are_not_published():
    said = pd.DataFrame(
        {
            "question_id": ["q"] * 7,
            "question": ["?"] * 7,
            "actor_id": [f"A{i}" for i in range(7)],
            "actor_type": ["ferme"] * 5 + ["mairie"] * 2,
            "commune_code": [None] * 7,
            "text": ["route"] * 5 + ["route Dupontel", "route"],
        }
    )
    table = word_table(said, min_group_size=5)
    assert "dupontel" not in set(table["lemma"])  # one author: could be a name
    assert set(table["actor_type"].dropna()) == {"ferme"}  # 2 mairies: no row of their own
    assert table[table["actor_type"].isna()].set_index("lemma").at["route", "count"] == 7


def test_attribution_names_the_commune_only_for_groups_of_the_minimum_size():
    actors = pd.DataFrame(
        {
            "actor_id": [f"A{i}" for i in range(14)],
            "actor_type": ["ferme"] * 5 + ["mairie"] * 6 + ["financeur"] * 3,
            "commune_code": ["61001"] * 5 + ["61001"] * 2 + ["61002"] * 4 + ["61001"] * 3,
        }
    )
    kw = dict(
        type_labels={"ferme": "Exploitation agricole", "mairie": "Commune", "financeur": "Fonds"},
        commune_names={"61001": "Ceaucé", "61002": "Passais"},
        min_group_size=5,
    )
    assert attribution("ferme", "61001", actors, **kw) == "Exploitation agricole, Ceaucé"
    assert attribution("mairie", "61001", actors, **kw) == "Commune"  # 2 mairies in Ceaucé
    assert attribution("mairie", "61002", actors, **kw) == "Commune"  # 4 in Passais
    assert attribution(None, "61001", actors, **kw) == "un acteur"
    assert attribution("financeur", "61001", actors, **kw) == "un acteur"  # 3: never named


def _said():
    return pd.DataFrame(
        {
            "question_id": ["q"] * 6,
            "question": ["Le principal défi ?"] * 6,
            "actor_id": [f"A{i}" for i in range(6)],
            "actor_type": ["ferme", "ferme", "association", "association", "commune", "ferme"],
            "commune_code": ["61001"] * 6,
            "text": [
                "Le manque de transport pour les jeunes du canton",
                "Le transport des jeunes vers le lycée est trop long",
                "Les jeunes partent faute de transport et de travail",
                "Trouver des bénévoles pour encadrer les jeunes",
                "Le transport à la demande ne suffit pas aux jeunes",
                "Court",
            ],
        }
    )


def test_quotes_are_proposed_by_typicality_one_type_at_a_time():
    out = quotes(_said())
    assert out["theme"].unique().tolist() == ["Le principal défi ?"]
    assert len(out) == 3 and not out["chosen"].any()
    assert sorted(out["actor_type"]) == ["association", "commune", "ferme"]  # three types
    assert "Court" not in set(out["text"])  # under 20 characters


def test_chosen_quotes_come_first_with_their_edit_masked_again():
    chosen = pd.DataFrame(
        {
            "question_id": ["q"],
            "actor_id": ["A3"],
            "theme": ["Bénévolat"],
            "text": ["Trouver des bénévoles, dit Marie Durand au 06 12 34 56 78"],
        }
    )
    out = quotes(_said(), chosen=chosen)
    first = out[out["chosen"]].iloc[0]
    assert first["theme"] == "Bénévolat" and first["actor_id"] == "A3"
    assert "06 12" not in first["text"] and "[téléphone masqué]" in first["text"]
    assert "Durand" not in first["text"]


def test_coding_round_trips_and_counts_by_theme_and_type(tmp_path):
    codes = pd.DataFrame(
        {
            "question_id": ["q", "q", "q", "q", "q"],
            "actor_id": ["A0", "A1", "A2", "A2", "A7"],
            "theme": ["enjeu_mobilite", "enjeu_mobilite", "enjeu_mobilite", "Jeunesse", "Jeunesse"],
        }
    )
    write_codes(tmp_path / "codage.csv", codes)
    back = read_codes(tmp_path / "codage.csv")
    assert back.values.tolist() == sorted(codes.values.tolist())
    actors = pd.DataFrame(
        {
            "actor_id": [f"A{i}" for i in range(10)],
            "actor_type": ["ferme"] * 6 + ["association"] * 4,
        }
    )
    counts = theme_counts(back, actors, min_group_size=5).set_index("theme")
    assert counts.loc["enjeu_mobilite"].to_dict() == {"total": 3, "ferme": 3}  # A0-A2: farms
    # A2 a farm, A7 an association: the 4 associations get no column of their own
    assert counts.loc["Jeunesse"].to_dict() == {"total": 2, "ferme": 1}
    ranking = pd.DataFrame({"issue_id": ["enjeu_mobilite"], "label": ["Mobilité"]})
    spoken = spoken_issues(back, ranking)
    assert spoken.values.tolist() == [["enjeu_mobilite", "Mobilité", 3]]


def test_a_coding_file_without_its_columns_is_refused_in_french(tmp_path):
    path = tmp_path / "codage.csv"
    path.write_text("question,acteur\nq,A1\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match="il manque « question_id »"):
        read_codes(path)


def test_coding_rows_of_answers_gone_are_reported_not_lost(tmp_path):
    from diagnostic.analysis.text import paroles

    answers = pd.DataFrame(
        {
            "actor_id": ["A1", "A2"],
            "question_id": ["q", "q"],
            "value": ["Le bus ne passe plus", "Plus de médecin au bourg"],
        }
    )
    questions = pd.DataFrame(
        {
            "question_id": ["q"],
            "label": ["Un commentaire ?"],
            "type": ["text"],
            "role": ["free_text"],
        }
    )
    actors = pd.DataFrame(
        {"actor_id": ["A1", "A2"], "actor_type": ["ferme", "ferme"], "commune_code": ["1", "2"]}
    )
    path = tmp_path / "codage.csv"
    path.write_text(
        "question_id,actor_id,theme\nq,A1,Mobilité\nq,A9,Santé\nautre,A2,Santé\n", encoding="utf-8"
    )
    out = paroles(answers, questions, actors, None, codes_file=path)
    assert out["text_codes"].values.tolist() == [["q", "A1", "Mobilité"]]
    found = pd.concat(out["text_anomalies"])
    # one line per file, column and problem, naming both rows and both answers gone
    assert found[["file", "row", "value", "action"]].values.tolist() == [
        ["codage.csv", 3, "q / A9 ; autre / A2", "rejeté"],
    ]
    assert found["problem"].item().endswith("(2 lignes : 3, 4)")


def test_names_are_not_read_as_verbs():
    # simplemma alone turns the cantons Valais and Jura into « valoir » and « jurer »
    assert lemmas("Valais") == ["valais"] and lemmas("Jura") == ["jura"]
    assert lemmas("Maisons vides au bourg")[0] == "maison"  # a plural still loses its s


def test_a_text_question_without_role_is_read_only_when_people_wrote_sentences():
    from diagnostic.analysis.text import text_answers

    answers = pd.DataFrame(
        {
            "actor_id": ["A1", "A2", "A3", "A1", "A2", "A3"],
            "question_id": ["canton"] * 3 + ["avis"] * 3,
            "value": [
                "Vaud",
                "Valais",
                "Appenzell Rhodes-Intérieures",
                "Le bus ne passe plus le matin",
                "Il manque un médecin au bourg",
                "Rien",
            ],
        }
    )
    questions = pd.DataFrame(
        {
            "question_id": ["canton", "avis"],
            "label": ["Dans quel canton ?", "Votre avis ?"],
            "type": ["text", "text"],
            "role": ["other", "other"],
        }
    )
    actors = pd.DataFrame(
        {"actor_id": ["A1", "A2", "A3"], "actor_type": ["a"] * 3, "commune_code": [None] * 3}
    )
    said = text_answers(answers, questions, actors)
    assert set(said["question_id"]) == {"avis"}  # median 1 word for the canton, 6 for avis


def test_words_of_a_real_french_export_counted_as_the_raw_file_says():
    """Vikidia's readers' survey (tests/corpus): « Pourquoi ? » after « avez-vous déjà fait
    un don ? » — 178 answers (and one « - »), « argent » written 22 times (counted here
    on the raw CSV)."""
    import re
    from pathlib import Path

    import diagnostic
    from diagnostic.analysis.text import text_answers

    path = Path(__file__).parents[1] / "corpus" / "webform_fr_vikidia_rsaved" / "raw_data.csv"
    raw = pd.read_csv(path, dtype=str)["Pourquoi ?...80"].dropna()
    raw = raw[raw != "-"]  # « - » is no answer (« * » and a shrug emoji are kept, word-less)
    by_hand = sum(len(re.findall(r"\bargent\b", t, re.IGNORECASE)) for t in raw)
    survey = diagnostic.read_responses(path)
    said = text_answers(survey.answers, survey.questions, survey.actors, survey.personal)
    mine = said[said["question"] == "Pourquoi ?...80"]
    assert len(mine) == len(raw) == 178
    table = word_table(mine)
    every = table[table["actor_type"].isna()].set_index("lemma")["count"]
    assert every["argent"] == by_hand == 22
    proposed = quotes(mine)
    folded = [" ".join(re.findall(r"\w+", t.lower())) for t in proposed["text"]]
    assert len(folded) == len(set(folded)) == 3  # no quote twice, punctuation aside
