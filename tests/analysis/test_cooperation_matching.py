import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diagnostic import Settings, apply_statuses, match_needs_offers, read_statuses
from diagnostic.analysis.cooperation import haversine_km, normalise_text, text_similarity

COLS = ["actor_id", "actor_type", "sector", "commune_code", "epci_code", "cooperation"]


def _actors(rows):
    return pd.DataFrame(rows, columns=COLS).astype("string")


def _res(rows):
    rows = [r if len(r) == 3 else (*r, pd.NA) for r in rows]
    return pd.DataFrame(rows, columns=["actor_id", "category", "text"])


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("Véhicule ÉLECTRIQUE", "vehicule electrique", 1.0),
        ("Un minibus pour les aînés", "minibus aines", 1.0),
        ("chambre froide", "", 0.0),
    ],
)
def test_text_similarity_is_accent_and_case_insensitive(a, b, expected):
    assert text_similarity(a, b) == expected


def test_normalise_text_drops_french_little_words():
    assert normalise_text("Des locaux pour l'atelier d'été") == "locaux atelier ete"


@pytest.mark.parametrize(
    "lat1, lon1, lat2, lon2, km",
    [
        (0, 0, 0, 1, 2 * math.pi * 6371.0088 / 360),
        (48.0, 0.5, 48.1, 0.5, 2 * math.pi * 6371.0088 / 3600),
        (45, 3, 45, 3, 0.0),
    ],
)
def test_haversine(lat1, lon1, lat2, lon2, km):
    assert haversine_km(lat1, lon1, lat2, lon2) == pytest.approx(km)


def test_distance_between_centroids_raises_geo_score_and_is_explained():
    actors = _actors(
        [("n", "association", "s1", "1", "E", "oui"), ("o", "entreprise", "s2", "2", "F", "oui")]
    )
    coords = pd.DataFrame({"commune_code": ["1", "2"], "lat": [48.0, 48.1], "lon": [0.5, 0.5]})
    s = Settings(geo_half_distance_km=10)
    out = match_needs_offers(
        _res([("n", "locaux")]), _res([("o", "locaux")]), actors, settings=s, coordinates=coords
    ).iloc[0]
    d = 2 * math.pi * 6371.0088 / 3600  # 0.1 degree of latitude
    assert out["distance_km"] == pytest.approx(d)
    assert out["score_geo"] == pytest.approx(1 / (1 + d / 10))  # better than 0.2 (other EPCI)
    assert "(à 11 km)" in out["explanation"]
    no_coords = match_needs_offers(_res([("n", "locaux")]), _res([("o", "locaux")]), actors).iloc[0]
    assert no_coords["score_geo"] == 0.2 and pd.isna(no_coords["distance_km"])


def test_text_similarity_counts_in_the_score():
    actors = _actors(
        [("n", "association", "s", "1", "E", "oui"), ("o", "entreprise", "t", "1", "E", "oui")]
    )
    out = match_needs_offers(
        _res([("n", "vehicules", "Un minibus électrique")]),
        _res([("o", "vehicules", "minibus electrique")]),
        actors,
    ).iloc[0]
    s = Settings()
    assert out["score_text"] == 1.0
    assert out["score"] == pytest.approx(
        s.weight_category + s.weight_text + s.weight_geo + s.weight_willingness
    )


def test_competition_flag_same_sector_same_commune():
    actors = _actors(
        [
            ("n", "entreprise", "commerce", "1", "E", "oui"),
            ("o", "entreprise", "commerce", "1", "E", "peut_etre"),
            ("p", "entreprise", "commerce", "2", "E", "oui"),
        ]
    )
    out = match_needs_offers(
        _res([("n", "locaux")]), _res([("o", "locaux"), ("p", "locaux")]), actors
    ).set_index("offer_actor")
    assert out.at["o", "flags"] == "risque de concurrence"
    assert "risque de concurrence" in out.at["o", "explanation"]
    assert "peut-être prêt à coopérer" in out.at["o", "explanation"]
    assert out.at["o", "score_willingness"] == 0.5
    assert out.at["p", "flags"] == ""


def test_statuses_are_kept_on_rerun(tmp_path):
    actors = _actors([(a, "association", "s", "1", "E", "oui") for a in "abc"])
    out = match_needs_offers(
        _res([("a", "locaux"), ("b", "locaux")]), _res([("c", "locaux")]), actors
    )
    edited = (
        out.assign(status=["Validé", "ECARTE"])
        .rename(
            columns={
                "kind": "Type de piste",
                "actors": "Acteurs",
                "category": "Ressource",
                "status": "Statut",
            }
        )
        .replace({"direct": "directe"})
    )
    path = tmp_path / "pistes.csv"
    edited.to_csv(path, index=False, sep=";")
    assert read_statuses(path)["kind"].tolist() == ["direct", "direct"]
    again = apply_statuses(out.iloc[::-1], path)
    assert dict(zip(again["actors"], again["status"])) == {"a ; c": "validé", "b ; c": "écarté"}
    unknown = apply_statuses(out, out.assign(status="peut-être"))
    assert (unknown["status"] == "à valider").all()


def test_statuses_read_back_from_the_tables(demo_out, example_diag):
    # the pairs are no longer a workbook sheet (the projects are): their table is edited
    # the funder's table leaves out the pools that would place a member (privacy), so
    # every published pair takes its status back and the others stay « à valider »
    published = pd.read_csv(demo_out / "tables" / "opportunities.csv", dtype=str)
    back = read_statuses(demo_out / "tables" / "opportunities.csv")
    assert len(back) == len(published) <= len(example_diag.opportunities)
    # the groups a withheld actor was in are published without them (the 4 financeurs,
    # a type under 5): matched as if they were not there
    kinds = example_diag.actors["actor_type"]
    hidden = set(example_diag.actors.loc[kinds.map(kinds.value_counts()) < 5, "actor_id"])
    assert len(hidden) == 4
    validated = back.assign(status="validé")
    assert (
        apply_statuses(example_diag.opportunities, validated)["status"] == "validé"
    ).sum() < len(published)
    kept = apply_statuses(example_diag.opportunities, validated, hidden=hidden)
    assert (kept["status"] == "validé").sum() == len(published)
    assert (kept.loc[kept["status"] != "validé", "status"] == "à valider").all()


def test_matching_10_000_actors_through_the_category_index():
    rng = np.random.default_rng(0)
    n = 10_000
    ids = [f"A{i:05d}" for i in range(n)]
    communes = [str(61000 + i) for i in range(200)]
    actors = pd.DataFrame(
        {
            "actor_id": ids,
            "actor_type": "entreprise",
            "sector": rng.choice(list("abcd"), n),
            "commune_code": rng.choice(communes, n),
            "cooperation": rng.choice(["oui", "peut_etre", "non"], n),
        }
    ).astype("string")
    actors["epci_code"] = actors["commune_code"].str[-2:]
    needs = pd.DataFrame(
        {"actor_id": rng.choice(ids, 2 * n), "category": rng.choice(list("klmnop"), 2 * n)}
    )
    offers = pd.DataFrame(
        {"actor_id": rng.choice(ids, n), "category": rng.choice(list("klmnop"), n)}
    )
    # its speed is measured by `make bench`, never by a timed assertion here
    out = match_needs_offers(needs.assign(text=pd.NA), offers.assign(text=pd.NA), actors)
    direct = out[out["kind"] == "direct"]
    assert direct.groupby(["need_actor", "category"]).size().max() == Settings().max_offers_per_need
    refused = set(actors.loc[actors["cooperation"] == "non", "actor_id"])
    assert not set(direct["need_actor"]) & refused and not set(direct["offer_actor"]) & refused


_actor = st.tuples(
    st.sampled_from(["oui", "non", "peut_etre", None]), st.sampled_from(["1", "2", None])
)


_needs = st.lists(
    st.tuples(st.integers(0, 7), st.sampled_from(["locaux", "vehicules"])), max_size=12
)


def _case(people, need, offer):
    actors = _actors(
        [(f"a{i}", "association", "s", c, "E" if c else None, w) for i, (w, c) in enumerate(people)]
    )
    n = len(people)
    return (
        _res([(f"a{i % n}", c) for i, c in need]),
        _res([(f"a{i % n}", c) for i, c in offer]),
        actors,
    )


@hsettings(max_examples=50, deadline=None)
@given(st.lists(_actor, min_size=2, max_size=8), _needs, _needs)
def test_an_actor_who_refused_is_in_no_opportunity(people, need, offer):
    out = match_needs_offers(*_case(people, need, offer))
    refused = {f"a{i}" for i, (w, _) in enumerate(people) if w == "non"}
    named = set(" ; ".join(out["actors"]).split(" ; ")) if len(out) else set()
    assert not named & refused


@hsettings(max_examples=20, deadline=None)
@given(st.lists(_actor, min_size=2, max_size=8), _needs, _needs, st.integers(0, 1000))
def test_opportunities_do_not_depend_on_row_order(people, need, offer, seed):
    needs, offers, actors = _case(people, need, offer)
    again = match_needs_offers(
        needs.sample(frac=1, random_state=seed),
        offers.sample(frac=1, random_state=seed),
        actors.sample(frac=1, random_state=seed),
    )
    pd.testing.assert_frame_equal(match_needs_offers(needs, offers, actors), again)


def test_pair_geography_from_a_table_of_places_is_pair_by_pair_geography():
    """Millions of pairs between few communes read a table of places: the same place
    classes, distances and scores (to the last bit) as computing each pair."""
    import numpy as np
    import pandas as pd

    from diagnostic import Settings
    from diagnostic.analysis.cooperation import _geography, _geography_of

    rng = np.random.default_rng(7)
    n = 60
    commune = rng.integers(-1, 6, n)  # -1: no commune
    info = pd.DataFrame(
        {
            "k_commune_code": commune,
            "k_epci_code": np.where(commune < 0, rng.integers(-1, 2, n), commune // 3),
            "lat": np.where(commune < 0, np.nan, 45 + commune * 0.07),
            "lon": np.where(commune < 0, np.nan, 2 + commune * 0.05),
        }
    )
    cn, co = rng.integers(0, n, 5000), rng.integers(0, n, 5000)
    settings = Settings()
    table = _geography(cn, co, info, settings)  # 5,000 pairs, at most 12² places
    direct = _geography_of(cn, co, info, settings)
    for got, want in zip(table, direct):
        np.testing.assert_array_equal(got, want)


def test_rank_within_is_groupby_cumcount_and_size():
    import numpy as np
    import pandas as pd

    from diagnostic.analysis.cooperation import _rank_within

    keys = np.random.default_rng(1).integers(0, 7, 300)
    rank, size = _rank_within(keys)
    grouped = pd.Series(keys).groupby(keys)
    assert rank.tolist() == grouped.cumcount().tolist()
    assert size.tolist() == grouped.transform("size").tolist()
    empty = _rank_within(np.zeros(0, dtype=np.int64))
    assert [len(a) for a in empty] == [0, 0]
