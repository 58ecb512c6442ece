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
