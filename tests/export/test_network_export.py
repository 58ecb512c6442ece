"""The GEXF writer: the same text as networkx's ``write_gexf``, written directly."""

from __future__ import annotations

import networkx as nx
import pytest

from diagnostic.export.network import plain_graph, to_gexf, to_kumu, write_network


def _networkx(graph, path):
    nx.write_gexf(graph, path)
    return path.read_text(encoding="utf-8")


def _graphs():
    g = nx.Graph(name='réseau "A" & <B>')
    g.add_node("A-1", kind="acteur", actor_type="asso", commune_code="61001")
    g.add_node("x<&>\"y'\tz\nw\r", kind="acteur", label="Boulangerie « Dupont » & fils")
    g.add_node("bare")
    g.add_node("flags", on=True, off=False, count=3, share=0.1, big=float("inf"))
    g.add_node("odd", low=float("-inf"), none=float("nan"))
    g.add_edge("A-1", "bare", relation="direct", category="locaux", score=0.8, weight=0.8)
    g.add_edge("A-1", "flags", weight=2)
    g.add_edge("bare", "flags")
    g.add_edge("odd", "flags", label="l<a>bel", status="à valider", n=-4)
    yield g
    d = nx.DiGraph()
    d.add_edge("b", "a", relation="réciproque")  # edge attributes only: one block
    d.add_node("c")
    yield d
    yield nx.Graph()  # nothing at all
    e = nx.Graph()
    e.add_nodes_from(["a", "b"])
    yield e


@pytest.mark.parametrize("graph", list(_graphs()))
def test_gexf_is_networkx_text(tmp_path, graph):
    expected = _networkx(graph, tmp_path / "nx.gexf")
    ours = to_gexf(graph, tmp_path / "ours.gexf", plain=True).read_text(encoding="utf-8")
    assert ours == expected


def test_gexf_outside_the_plain_case_is_networkx(tmp_path):
    g = nx.Graph()
    g.add_node("a", viz={"size": 3.0}, start=1)  # visual and dynamic data
    g.add_edge("a", "b", id="e1", type="x")
    expected = _networkx(g, tmp_path / "nx.gexf")
    assert to_gexf(g, tmp_path / "ours.gexf", plain=True).read_text() == expected
    m = nx.MultiGraph()
    m.add_edge("a", "b", key=7, w=1)
    expected = _networkx(m, tmp_path / "m.gexf")
    assert to_gexf(m, tmp_path / "m2.gexf", plain=True).read_text() == expected


def _uniform():
    """Every node, every edge with the same keys in the same order: written column by
    column. Text to escape, braces, numbers of several kinds, NaN and infinities."""
    g = nx.Graph()
    values = ["a{0}b", 'x<&>"y', "{}", "", "é\tz\nw\r"]
    for i in range(12):
        g.add_node(
            f"n{i}",
            kind="actor",
            label=f"n{i}" if i % 3 else f"Nom {{{i}}} & fils",
            actor_type=values[i % len(values)],
            commune_code=str(61000 + i),
        )
    numbers = [0.5, -0.0, 0.0, float("nan"), float("inf"), 1e-7, 3.0]
    for i in range(11):
        g.add_edge(
            f"n{i}",
            f"n{(i * 5 + 1) % 12}",
            relation="direct" if i % 2 else "réciproque",
            weight=numbers[i % len(numbers)],
            category=values[(i + 1) % len(values)],
            score=numbers[(i + 2) % len(numbers)],
            status=i % 3 == 0,
        )
    return g


def _mixed():
    """`_uniform` with one edge and one node of other keys: written element by element."""
    g = _uniform()
    g.add_edge("n0", "n11", relation="direct", weight=1.0, note="autre clé")
    g.add_node("seul", kind="issue", label="Mobilité")
    return g


def test_gexf_column_by_column_is_networkx_text(tmp_path):
    graph = plain_graph(_uniform())
    expected = _networkx(graph, tmp_path / "nx.gexf")
    ours = to_gexf(graph, tmp_path / "ours.gexf", plain=True).read_text(encoding="utf-8")
    assert ours == expected


@pytest.mark.parametrize("graph", [_uniform(), _mixed(), nx.Graph()])
def test_write_network_writes_what_the_plain_copy_gives(tmp_path, graph):
    """One pass over the graph, no text-only copy: the same three files as `plain_graph`
    given to `to_gexf` and `to_kumu` (text masked, kinds in words)."""
    graph.add_node("contact", kind="actor", label="Écrire à jean.dupont@example.org")
    plain = plain_graph(graph, "fr")
    old = tmp_path / "old"
    to_gexf(plain, old / "cooperation.gexf", plain=True)
    to_kumu(plain, old, plain=True)
    new = write_network(graph, tmp_path / "new", "fr")
    assert [p.name for p in new] == ["cooperation.gexf", "elements.csv", "connections.csv"]
    for path in new:
        assert path.read_bytes() == (old / path.name).read_bytes(), path.name
    assert "jean.dupont@example.org" not in new[0].read_text(encoding="utf-8")
