import pandas as pd
import pytest

from diagnostic import Settings, match_needs_offers
from diagnostic.analysis.cooperation import willingness


def _actors(rows):
    return pd.DataFrame(
        rows, columns=["actor_id", "actor_type", "commune_code", "epci_code", "cooperation"]
    ).astype("string")


def _res(rows):
    return pd.DataFrame(rows, columns=["actor_id", "category"]).assign(text=pd.NA)


@pytest.mark.parametrize(
    "value, score",
    [
        ("oui", 1.0),
        ("Oui", 1.0),
        ("peut_etre", 0.5),
        ("Peut-être", 0.5),
        (None, 0.5),
        ("non", None),
        ("Non", None),
        ("no", None),
    ],
)
def test_willingness(value, score):
    assert willingness(value) == score


def test_direct_match_score_components_and_refusal():
    actors = _actors(
        [
            ("n1", "association", "61293", "E", "oui"),
            ("o1", "entreprise", "61293", "E", "oui"),
            ("o2", "entreprise", "61029", "E", "peut_etre"),
            ("o3", "entreprise", "61293", "E", "non"),
        ]
    )
    s = Settings()
    out = match_needs_offers(
        _res([("n1", "vehicules")]),
        _res([("o1", "vehicules"), ("o2", "vehicules"), ("o3", "vehicules")]),
        actors,
        {"vehicules": "Véhicules"},
        s,
    )
    direct = out[out["kind"] == "direct"]
    assert direct["offer_actor"].tolist() == ["o1", "o2"]  # o3 refused: never appears
    assert "o3" not in " ".join(out["actors"])
    first = direct.iloc[0]
    assert first["score_geo"] == 1.0 and first["score_willingness"] == 1.0
    assert first["score"] == pytest.approx(s.weight_category + s.weight_geo + s.weight_willingness)
    second = direct.iloc[1]
    assert second["score_geo"] == 0.6 and second["score_willingness"] == 0.5
    assert "a besoin de « Véhicules »" in first["explanation"]
    assert (out["status"] == "à valider").all()
    # two offers of the same resource: pooling
    assert out.loc[out["kind"] == "pooling", "actors"].tolist() == ["o1 ; o2"]


def test_reciprocal_pairs_come_first():
    actors = _actors([("a", "association", "1", "E", "oui"), ("b", "entreprise", "1", "E", "oui")])
    out = match_needs_offers(
        _res([("a", "vehicules"), ("b", "benevoles")]),
        _res([("b", "vehicules"), ("a", "benevoles")]),
        actors,
    )
    assert out["kind"].tolist() == ["reciprocal", "direct", "direct"]
    assert out.iloc[0]["category"] == "vehicules ↔ benevoles"


def test_mutualisation_needs_three_actors():
    actors = _actors([(a, "association", "1", "E", "oui") for a in "abc"])
    out = match_needs_offers(_res([(a, "locaux") for a in "abc"]), _res([]), actors)
    assert out["kind"].tolist() == ["mutualisation"]
    assert out["actors"].iloc[0] == "a ; b ; c"


def test_planted_example_matches_come_out_with_explanation(example_diag):
    d = example_diag
    names = d.personal[d.personal["field"] == "nom_structure"].set_index("value")["actor_id"]
    jardins = names["Association Les Jardins partagés du Perche"]
    transport = names["Transports Perche Services"]
    cuma = names["CUMA des Collines"]
    refus = names["Scierie du Refus"]
    opp = d.opportunities
    pair = opp[
        (opp["kind"] == "reciprocal")
        & opp["actors"].str.contains(jardins)
        & opp["actors"].str.contains(transport)
    ]
    assert len(pair) == 1
    direct = opp[
        (opp["kind"] == "direct")
        & (opp["need_actor"] == jardins)
        & (opp["offer_actor"] == transport)
    ].iloc[0]
    assert direct["category"] == "vehicules" and direct["score_geo"] == 1.0
    assert "dans la même commune" in direct["explanation"]
    assert "Les deux sont prêts à coopérer" in direct["explanation"]
    assert (opp["need_actor"] == cuma).any()
    assert not opp["actors"].str.contains(refus).any()


def _survey(seed, n_actors=40, categories="abcdef"):
    """A small generated survey: actors in three communes of two EPCI, random needs and
    offers, some refusals."""
    import random

    rng = random.Random(seed)
    actors = _actors(
        [
            (
                f"x{i:02d}",
                rng.choice(["association", "entreprise"]),
                c,
                "E1" if c != "03" else "E2",
                rng.choice(["oui", "oui", "peut_etre", "non"]),
            )
            for i in range(n_actors)
            for c in [rng.choice(["01", "02", "03"])]
        ]
    )
    ids = actors["actor_id"].tolist()
    needs = [(a, c) for a in ids for c in rng.sample(categories, rng.randint(0, 3))]
    offers = [(a, c) for a in ids for c in rng.sample(categories, rng.randint(0, 3))]
    return actors, needs, offers


def _brute_force_exchanges(actors, needs, offers):
    """Every reciprocal exchange, by plain loops over pairs of willing actors."""
    refuse = set(actors.loc[actors["cooperation"] == "non", "actor_id"])
    need = {}
    offer = {}
    for a, c in needs:
        need.setdefault(a, set()).add(c)
    for a, c in offers:
        offer.setdefault(a, set()).add(c)
    ids = sorted(set(actors["actor_id"]) - refuse)
    found = set()
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            for c in need.get(a, set()) & offer.get(b, set()):
                for d in need.get(b, set()) & offer.get(a, set()):
                    found.add((f"{a} ; {b}", f"{c} ↔ {d}"))
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reciprocal_exchanges_are_exhaustive(seed):
    actors, needs, offers = _survey(seed)
    expected = _brute_force_exchanges(actors, needs, offers)
    settings = Settings(max_candidates=1)  # the indexed search would miss most of them
    out = match_needs_offers(_res(needs), _res(offers), actors, settings=settings)
    got = out[out["kind"] == "reciprocal"]
    assert len(expected) > 20
    assert len(got) == len(expected)
    assert set(zip(got["actors"], got["category"])) == expected
    # only the `max_reciprocal` best are published: none left out scores more than the lowest
    score = dict(zip(zip(got["actors"], got["category"]), got["score"]))
    capped = match_needs_offers(
        _res(needs), _res(offers), actors, settings=Settings(max_candidates=1, max_reciprocal=10)
    )
    kept = capped[capped["kind"] == "reciprocal"]
    kept_keys = set(zip(kept["actors"], kept["category"]))
    assert len(kept) == 10 and kept_keys < expected
    assert [score[k] for k in zip(kept["actors"], kept["category"])] == kept["score"].tolist()
    assert max(v for k, v in score.items() if k not in kept_keys) <= kept["score"].min()


@pytest.mark.parametrize("seed", [4, 5])
def test_reciprocal_search_in_small_batches_finds_the_same(seed, monkeypatch):
    """Scored a few exchanges at a time (as on 50,000 actors), the best kept are the same,
    free texts (which move scores) included."""
    import random

    from diagnostic.analysis import cooperation

    actors, needs, offers = _survey(seed)
    rng = random.Random(seed)
    words = ["", "", "salle", "salle de réunion", "camion", "camion frigorifique"]
    needs, offers = (_res(t).assign(text=[rng.choice(words) for _ in t]) for t in (needs, offers))
    settings = Settings(max_reciprocal=15)
    whole = match_needs_offers(needs, offers, actors, settings=settings)
    monkeypatch.setattr(cooperation, "EXCHANGE_BATCH", 3)
    batched = match_needs_offers(needs, offers, actors, settings=settings)
    pd.testing.assert_frame_equal(batched, whole)
    assert (whole["kind"] == "reciprocal").sum() == 15
    everything = match_needs_offers(needs, offers, actors, settings=Settings(max_reciprocal=10**6))
    every = everything[everything["kind"] == "reciprocal"]
    kept = whole[whole["kind"] == "reciprocal"]
    assert every["score"].nunique() > 3  # texts spread the scores
    assert every["score"].head(15).tolist() == kept["score"].tolist()
