import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagnostic.analysis.workshop import add_votes, compare_priorities, empty_votes, rank_votes


def test_a_participant_voting_again_replaces_their_votes():
    v = add_votes(empty_votes(), "Anne", "association", {"a": 2, "b": 1})
    v = add_votes(v, "Anne", "association", {"b": 3})
    assert v[["participant", "item_id", "dots"]].values.tolist() == [["Anne", "b", 3]]


@pytest.mark.parametrize(
    "name, dots, message", [("", {"a": 1}, "participant"), ("Anne", {"a": -1}, "négatif")]
)
def test_bad_votes_are_refused(name, dots, message):
    with pytest.raises(ValueError, match=message):
        add_votes(empty_votes(), name, None, dots)


def test_each_participant_weighs_the_same():
    v = add_votes(empty_votes(), "a", "x", {"i1": 9, "i2": 1})
    v = add_votes(v, "b", "y", {"i2": 1})
    out = rank_votes(v, {"i1": "Un", "i2": "Deux", "i3": "Trois"})
    expected = pd.DataFrame(
        {
            "item_id": ["i2", "i1", "i3"],
            "label": ["Deux", "Un", "Trois"],
            "participants": [2, 1, 0],
            "dots": [2, 9, 0],
            "weight": [1.1, 0.9, 0.0],
            "share": [0.55, 0.45, 0.0],
            "rank": [1, 2, 3],
        }
    ).astype(
        {
            "item_id": "string",
            "label": "string",
            "participants": "Int64",
            "dots": "Int64",
            "weight": "Float64",
            "share": "Float64",
            "rank": "Int64",
        }
    )
    pd.testing.assert_frame_equal(out, expected)


@given(
    st.dictionaries(
        st.sampled_from(["p1", "p2", "p3"]),
        st.dictionaries(st.sampled_from(["i1", "i2", "i3"]), st.integers(1, 5), min_size=1),
        min_size=1,
    )
)
def test_weights_add_up_to_the_number_of_participants(ballots):
    v = empty_votes()
    for who, dots in ballots.items():
        v = add_votes(v, who, None, dots)
    assert float(rank_votes(v)["weight"].sum()) == pytest.approx(len(ballots))


def test_compare_priorities_puts_survey_and_workshop_ranks_side_by_side(example_diag):
    votes = add_votes(empty_votes(), "a", None, {"enjeu_tourisme": 3})
    both = compare_priorities(example_diag.issue_ranking, rank_votes(votes))
    row = both.set_index("item_id").loc["enjeu_tourisme"]
    assert row["workshop_rank"] == 1 and row["survey_rank"] == 11
