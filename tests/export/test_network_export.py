"""The GEXF writer: the same text as networkx's ``write_gexf``, written directly."""

from __future__ import annotations

import networkx as nx
import pytest

from diagnostic.export.network import to_gexf


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
