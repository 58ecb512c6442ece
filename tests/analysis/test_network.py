import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diagnostic import Settings, find_groups
from diagnostic.analysis.network import actor_links, cooperation_graph


def _support(rows):
    """rows: (actor_id, actor_type, issue_id, supports)."""
    df = pd.DataFrame(rows, columns=["actor_id", "actor_type", "issue_id", "supports"])
    return df.assign(label=df["issue_id"].str.upper())


def _all_issues(actors, issues, chosen):
    return [(a, t, i, i in chosen[a]) for a, t in actors for i in issues]


@pytest.mark.parametrize("n_issues, kept", [(4, False), (6, False), (10, True)])
def test_hypergeometric_link_by_hand(n_issues, kept):
    issues = [f"i{k:02d}" for k in range(n_issues)]
    chosen = {"a": {"i00", "i01"}, "b": {"i00", "i01"}, "c": {"i02", "i03"}}
    links = actor_links(
        _support(_all_issues([(a, "t") for a in "abc"], issues, chosen)),
        Settings(network_alpha=0.05),
    )
    # a and b share both issues they support: P(X >= 2) = C(2,2) C(n-2,0) / C(n,2)
    p = 1 / math.comb(n_issues, 2)
    pair = links[(links["actor_a"] == "a") & (links["actor_b"] == "b")]
    assert (len(pair) == 1) == kept == (p < 0.05)
    if kept:
        assert pair["p_value"].iloc[0] == pytest.approx(p) and pair["shared"].iloc[0] == 2
    assert not ((links["actor_a"] == "a") & (links["actor_b"] == "c")).any()  # nothing shared


def _two_blocks(n=20):
    issues = [f"i{k:02d}" for k in range(12)]
    actors = [(f"x{k:02d}", "association") for k in range(n)] + [
        (f"y{k:02d}", "entreprise") for k in range(n)
    ]
    chosen = {
        a: ({"i00", "i01", "i02", "i03"} if a.startswith("x") else {"i06", "i07", "i08", "i09"})
        | {f"i{(int(a[1:]) % 12):02d}"}
        for a, _ in actors
    }
    return _support(_all_issues(actors, issues, chosen))


def test_network_finds_the_two_planted_communities_named_by_lift():
    out = find_groups(_two_blocks(), Settings(min_group_size=5))
    net = out[out["cluster_id"].str.startswith("R")]
    assert len(net) == 2
    assert sorted(net["size"]) == [20, 20]
    by_type = dict(zip(net["actor_types"], net["label"]))
    # lift = share in the group / overall share. i00: 20 x plus y00 and y12 -> 1 / (22/40);
    # i08: 20 y plus x08 only -> 1 / (21/40); ties broken by issue id
    assert by_type["association : 20"] == (
        "Réseau d'acteurs autour de : I00 (×1,8) ; I01 (×1,8) ; I02 (×1,8)"
    )
    assert by_type["entreprise : 20"] == (
        "Réseau d'acteurs autour de : I08 (×1,9) ; I09 (×1,9) ; I06 (×1,8)"
    )
    assert net["method"].str.startswith("réseau (Louvain").all()


def test_too_few_actors_gives_issue_groups_only_and_says_so():
    rows = [(a, "t", "x", True) for a in "abcdef"]
    out = find_groups(_support(rows), Settings(min_group_size=5, network_min_actors=30))
    assert out["cluster_id"].tolist() == ["G01"]
    assert (
        out["method"].iloc[0] == "enjeu (analyse de réseau non faite : trop peu d'acteurs (6 < 30))"
    )


@hsettings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_same_inputs_give_same_clusters_whatever_the_row_order(rnd):
    df = _two_blocks(12)
    s = Settings(min_group_size=5, network_min_actors=10, louvain_runs=5)
    a = find_groups(df, s)
    b = find_groups(df.sample(frac=1, random_state=rnd.randint(0, 10_000)), s)
    pd.testing.assert_frame_equal(a, b)


def test_cooperation_graph_nodes_and_edges():
    actors = pd.DataFrame(
        {
            "actor_id": ["a", "b", "c"],
            "actor_type": ["association", pd.NA, "commune"],
            "commune_code": ["61050", "61116", pd.NA],
        }
    )
    responses = _support([("a", "association", "x", True), ("b", None, "x", False)])
    needs = pd.DataFrame({"actor_id": ["a", "c"], "category": ["locaux", "autre"]})
    offers = pd.DataFrame({"actor_id": ["b", "a"], "category": ["locaux", "locaux"]})
    opp = pd.DataFrame(
        {
            "kind": ["reciprocal", "direct"],
            "need_actor": ["a", "a"],
            "offer_actor": ["b", "b"],
            "category": ["locaux ↔ vehicule", "locaux"],
            "actors": ["a ; b", "a ; b"],
            "score": [0.9, 0.7],
            "status": ["validé", "à valider"],
        }
    )
    g = cooperation_graph(actors, responses, needs, offers, opp)
    assert g.nodes["a"] == {
        "kind": "actor",
        "label": "a",
        "actor_type": "association",
        "commune_code": "61050",
    }
    assert g.nodes["b"]["actor_type"] == "" and g.nodes["c"]["commune_code"] == ""
    assert (
        g.nodes["issue:x"]["kind"] == "issue" and g.nodes["resource:locaux"]["kind"] == "resource"
    )
    assert "resource:autre" not in g  # the catch-all is no shared resource
    assert not g.has_edge("b", "issue:x")
    assert g.edges["a", "resource:locaux"]["relation"] == "besoin et offre"
    # the reciprocal exchange, listed first, is the pair's edge
    assert g.edges["a", "b"] == {
        "relation": "reciprocal",
        "weight": 0.9,
        "category": "locaux ↔ vehicule",
        "score": 0.9,
        "status": "validé",
    }


def test_every_view_draws_the_same_graph():
    # the app's resource network and the exported opportunity graph are layers of one graph:
    # same node names, same attributes
    from diagnostic.analysis.explore import resource_network
    from diagnostic.export.network import opportunity_graph

    actors = pd.DataFrame(
        {
            "actor_id": ["a", "b", "c"],
            "actor_type": ["association", "commune", "ferme"],
            "commune_code": ["61050", "61116", "61001"],
        }
    )
    needs = pd.DataFrame({"actor_id": ["a"], "category": ["locaux"]})
    offers = pd.DataFrame({"actor_id": ["b"], "category": ["locaux"]})
    opp = pd.DataFrame(
        {
            "kind": ["direct"],
            "need_actor": ["a"],
            "offer_actor": ["b"],
            "category": ["locaux"],
            "actors": ["a ; b"],
            "score": [0.5],
            "status": ["à valider"],
        }
    )
    full = cooperation_graph(actors, None, needs, offers, opp)
    resources = resource_network(needs, offers, actors, {"locaux": "Locaux"})
    pairs = opportunity_graph(opp, actors)
    assert sorted(resources.nodes) == ["a", "b", "resource:locaux"]  # c needs nothing
    assert resources.nodes["resource:locaux"]["label"] == "Locaux"
    assert sorted(pairs.nodes) == ["a", "b"]
    for node in ("a", "b"):
        assert resources.nodes[node] == pairs.nodes[node] == full.nodes[node]
    assert pairs.edges["a", "b"] == full.edges["a", "b"]


def test_example_groups_and_graph(example_diag):
    c = example_diag.clusters
    assert c["cluster_id"].str.startswith("G").any() and c["cluster_id"].str.startswith("R").any()
    g = example_diag.cooperation_graph()
    kinds = pd.Series(dict(g.nodes(data="kind"))).value_counts()
    assert kinds["actor"] == len(example_diag.actors) and kinds["issue"] == 11


def test_project_resources_counts_members_needing_and_offering_by_hand():
    from diagnostic.analysis.network import project_resources

    projects = pd.DataFrame(
        {"project_id": ["P-2", "P-1"], "members": ["a;b;c", "c;d"]}
    )  # the table's order is kept: P-2 first
    needs = pd.DataFrame(
        {
            "actor_id": ["a", "b", "c", "c", "d", "d", "e"],
            "category": ["locaux", "locaux", "locaux", "vehicules", "autre", "vehicules", "locaux"],
        }
    )
    offers = pd.DataFrame(
        {"actor_id": ["a", "d", "a"], "category": ["vehicules", "locaux", "vehicules"]}
    )
    expected = pd.DataFrame(
        {
            "project_id": ["P-2", "P-2", "P-1", "P-1"],
            "category": ["locaux", "vehicules", "locaux", "vehicules"],
            "needing": [3, 1, 1, 2],  # « autre » left out; e is in no project
            "offering": [0, 1, 1, 0],  # a offers vehicules once, however often listed
        }
    ).astype(
        {"project_id": "string", "category": "string", "needing": "Int64", "offering": "Int64"}
    )
    pd.testing.assert_frame_equal(project_resources(projects, needs, offers), expected)


def test_project_resources_of_no_project_is_empty():
    from diagnostic.analysis.network import project_resources

    none = pd.DataFrame({"project_id": [], "members": []})
    out = project_resources(
        none,
        pd.DataFrame({"actor_id": [], "category": []}),
        pd.DataFrame({"actor_id": [], "category": []}),
    )
    assert list(out.columns) == ["project_id", "category", "needing", "offering"] and out.empty
