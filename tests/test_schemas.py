import pandas as pd
import pytest

from diagnostic import Settings, group_matrix, shared_priorities
from diagnostic.errors import SchemaError
from diagnostic.schemas import validate


def test_a_misspelt_column_is_an_error_not_an_empty_column():
    responses = pd.DataFrame(
        {"actor_id": ["a"], "actor_typ": ["association"], "issue_id": ["x"], "supports": [True]}
    )
    with pytest.raises(SchemaError, match=r"« responses ».*colonnes manquantes : actor_type"):
        group_matrix(responses, Settings())


def test_a_number_with_a_letter_is_an_error_not_a_missing_value():
    ranking = pd.DataFrame(
        {"issue_id": ["x"], "label": ["Mobilité"], "rank": [1], "support": [0.5]}
    )
    votes = pd.DataFrame(
        {
            "participant": ["Anne", "Bruno"],
            "actor_type": [None, None],
            "item_id": ["x", "x"],
            "dots": ["2", "0.4x"],
        }
    )
    with pytest.raises(
        SchemaError, match=r"colonne « dots », ligne 1 : « 0.4x » n'est pas un nombre"
    ):
        shared_priorities(ranking, votes)


def test_typed_columns_pass_and_bad_flags_are_named():
    frame = pd.DataFrame(
        {
            "actor_id": ["a", "b", "c"],
            "supports": [True, False, None],
            "level": [1.0, None, 2.5],
        }
    )
    assert validate(frame, "responses", ["actor_id", "supports", "level"]) is frame
    bad = frame.assign(supports=["oui", True, None])
    with pytest.raises(SchemaError, match="« supports », ligne 0 : « oui » n'est pas vrai ou faux"):
        validate(bad, "responses", ["supports"])


def test_question_runs_finds_each_run_of_a_question_and_every_question():
    """Runs of consecutive rows of one question (issue 20: the distinct questions of 10
    million answers without hashing each row): a question met twice has two runs."""
    from diagnostic.schemas import question_runs

    table = pd.DataFrame(
        {"question_id": pd.array(["a", "a", "b", "c", "c", "c", "a"], dtype="string")}
    )
    starts, ends, ids = question_runs(table)
    assert starts.tolist() == [0, 2, 3, 6]
    assert ends.tolist() == [2, 3, 6, 7]
    assert ids.tolist() == ["a", "b", "c", "a"]
    empty = pd.DataFrame({"question_id": pd.array([], dtype="string")})
    assert [x.tolist() for x in question_runs(empty)] == [[], [], []]
    # a missing question id: None, the caller reads the column itself
    gap = pd.DataFrame({"question_id": pd.array(["a", None], dtype="string")})
    assert question_runs(gap) is None


def test_other_choice_is_added_from_the_runs_as_from_the_whole_column():
    """`with_other_choice` reads only the category questions' runs; a table with a missing
    question id takes the whole column: the same lists get « autre »."""
    from diagnostic.forms.lists import with_other_choice

    questions = pd.DataFrame(
        {
            "question_id": ["type", "secteur", "avis"],
            "role": ["actor_type", "sector", "issue"],
            "list_name": ["types", "secteurs", "avis"],
        }
    )
    choices = pd.DataFrame(
        {"list_name": ["types", "secteurs"], "value": ["asso", "agri"], "label": ["A", "B"]}
        | {"order": [1, 1]}
    )
    ids = ["type", "type", "avis", "secteur", "type"]
    values = ["asso", "autre", "autre", "agri", "asso"]  # « autre » for type, not sector
    for qids in (ids, ids + [None]):
        answers = pd.DataFrame(
            {
                "question_id": pd.array(qids, dtype="string"),
                "value": pd.array(values + ["autre"] * (len(qids) - 5), dtype="string"),
            }
        )
        out = with_other_choice(questions, choices, answers, "Autre")
        assert out.loc[out["value"] == "autre", "list_name"].tolist() == ["types"]


def test_question_rows_are_those_isin_gives():
    """`question_rows` reads the runs of questions; a missing question id: the column."""
    from diagnostic.schemas import question_rows

    ids = ["a", "a", "b", "c", "c", "a"]
    for qids in (ids, ids + [None]):
        table = pd.DataFrame({"question_id": pd.array(qids, dtype="string")})
        for wanted in (["a"], ["b", "c"], [], ["z"]):
            expected = table["question_id"].isin(wanted).to_numpy(dtype=bool, na_value=False)
            assert question_rows(table, wanted).tolist() == expected.tolist()
    assert question_rows(table, pd.Series(["c"])).tolist() == [0, 0, 0, 1, 1, 0, 0]


def test_the_annex_parts_take_their_actors_answers_in_the_tables_order():
    """Each part of the data annex reads its actors' answers in the answers' own order
    (written by hand: actors' rows 3, none, 0, 5, 1, 4, 2 in parts of two actors)."""
    import numpy as np

    from diagnostic.export import data_sheet

    order, bounds = data_sheet._part_runs(np.array([3, -1, 0, 5, 1, 4, 2]), 2)
    parts = [order[bounds[k] : bounds[k + 1]].tolist() for k in range(3)]
    assert parts == [[2, 4], [0, 6], [3, 5]]  # the answer without an actor in none
