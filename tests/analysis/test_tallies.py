import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from diagnostic.analysis.issues import group_matrix, rank_issues
from diagnostic.analysis.tallies import tally_responses
from diagnostic.settings import Settings

FILTERS = [
    {},
    {"actor_types": ["cooperative"]},
    {"actor_types": ["financeur"]},
    {"commune": "61293"},
    {"epci": "200036069"},
    {"theme": "Économie"},
    {"actor_types": ["association", "entreprise"], "theme": "Services"},
]


def _subset(responses, actors, actor_types=None, epci=None, commune=None, theme=None):
    place = actors.set_index("actor_id")
    keep = pd.Series(True, index=responses.index)
    if actor_types:
        keep &= responses["actor_type"].isin(actor_types)
    if epci:
        keep &= responses["actor_id"].map(place["epci_code"]) == epci
    if commune:
        keep &= responses["actor_id"].map(place["commune_code"]) == commune
    if theme:
        keep &= responses["theme"] == theme
    return responses[keep.fillna(False).astype(bool)]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) for f in FILTERS])
def test_tally_gives_exactly_the_library_ranking_and_matrix(example_diag, filters):
    tally = tally_responses(example_diag.responses, example_diag.actors, example_diag.settings)
    subset = _subset(example_diag.responses, example_diag.actors, **filters)
    assert_frame_equal(tally.rank(**filters), rank_issues(subset, example_diag.settings))
    assert_frame_equal(tally.matrix(**filters), group_matrix(subset, example_diag.settings))


@hsettings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from(["i1", "i2"]), st.integers(1, 5)),
        min_size=1,
        max_size=40,
    )
)
def test_tally_matches_rank_issues_on_any_answers(rows):
    responses = pd.DataFrame(
        {
            "actor_id": [f"x{n}" for n in range(len(rows))],
            "actor_type": [r[0] for r in rows],
            "issue_id": [r[1] for r in rows],
            "label": [r[1].upper() for r in rows],
            "theme": "t",
            "level": pd.array([float(r[2]) for r in rows], dtype="Float64"),
            "levels": 5,
            "supports": [r[2] >= 4 for r in rows],
        }
    ).astype({"actor_type": "string"})
    actors = pd.DataFrame(
        {"actor_id": responses["actor_id"], "commune_code": "01001", "epci_code": "200000000"}
    )
    s = Settings(min_group_size=2)
    assert_frame_equal(tally_responses(responses, actors, s).rank(), rank_issues(responses, s))


def test_a_commune_with_one_respondent_shows_no_percentage(example_diag):
    tally = tally_responses(example_diag.responses, example_diag.actors, example_diag.settings)
    per_commune = example_diag.actors["commune_code"].value_counts()
    lonely = per_commune.index[per_commune == 1][0]
    ranking = tally.rank(commune=lonely)
    assert len(ranking) and ranking["support"].isna().all()
    assert (ranking["respondents"] == 0).all()
