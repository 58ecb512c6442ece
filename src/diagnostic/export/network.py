"""The cooperation network for Gephi (GEXF) and Kumu (element and connection CSVs)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from diagnostic._io.atomic import atomic_path
from diagnostic.export.tables import inert_frame
from diagnostic.privacy.masking import mask_text


def _clean(value):
    """GEXF attributes must be plain text or numbers; text is masked like every export."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        return mask_text(value)
    return value.item() if hasattr(value, "item") else value


def _plain_graph(graph: nx.Graph) -> nx.Graph:
    out = nx.Graph() if not graph.is_directed() else nx.DiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(str(node), **{k: _clean(v) for k, v in data.items()})
    for a, b, data in graph.edges(data=True):
        out.add_edge(str(a), str(b), **{k: _clean(v) for k, v in data.items()})
    return out


def to_gexf(graph: nx.Graph, path) -> Path:
    """Write `graph` as GEXF (Gephi), atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        nx.write_gexf(_plain_graph(graph), tmp)
    return path


def to_kumu(graph: nx.Graph, folder) -> tuple[Path, Path]:
    """Write Kumu-style ``elements.csv`` (Label, Type, …) and ``connections.csv`` (From, To, Type).

    Returns
    -------
    (elements path, connections path)
    """
    folder = Path(folder)
    g = _plain_graph(graph)
    elements = pd.DataFrame(
        [
            {"Label": n, "Type": d.get("kind", ""), **{k: v for k, v in d.items() if k != "kind"}}
            for n, d in g.nodes(data=True)
        ]
    )
    connections = pd.DataFrame(
        [
            {
                "From": a,
                "To": b,
                "Type": d.get("kind", ""),
                **{k: v for k, v in d.items() if k != "kind"},
            }
            for a, b, d in g.edges(data=True)
        ],
        columns=["From", "To", "Type"] if not g.number_of_edges() else None,
    )
    paths = (folder / "elements.csv", folder / "connections.csv")
    for frame, path in zip((elements, connections), paths):
        with atomic_path(path) as tmp:
            inert_frame(frame).to_csv(tmp, index=False, encoding="utf-8")
    return paths


def opportunity_graph(opportunities: pd.DataFrame, actors: pd.DataFrame) -> nx.Graph:
    """Actors linked by their direct and reciprocal cooperation opportunities.

    Nodes carry the pseudonymous id, actor type and commune code; edges the resource,
    the kind of opportunity, the score and the workshop status. No personal data.
    """
    g = nx.Graph()
    pairs = opportunities[opportunities["kind"].isin(["direct", "reciprocal"])]
    info = actors.set_index("actor_id")
    for actor in sorted(set(pairs["need_actor"]) | set(pairs["offer_actor"])):
        g.add_node(
            actor,
            kind="acteur",
            actor_type=info.at[actor, "actor_type"],
            commune_code=info.at[actor, "commune_code"],
        )
    for p in pairs.itertuples():
        if g.has_edge(p.need_actor, p.offer_actor):
            continue  # a reciprocal pair is listed before its direct halves
        g.add_edge(
            p.need_actor,
            p.offer_actor,
            kind=p.kind,
            category=p.category,
            score=float(p.score),
            status=p.status,
        )
    return g
