"""The cooperation network for Gephi (GEXF) and Kumu (element and connection CSVs)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from diagnostic._io.atomic import atomic_path, write_csv
from diagnostic.analysis.network import cooperation_graph
from diagnostic.export.cells import inert_frame
from diagnostic.i18n import text
from diagnostic.privacy.masking import mask_text


def _clean(value, masked: dict[str, str]):
    """GEXF attributes must be plain text or numbers; text is masked like every export
    (each distinct text once: `masked` holds the texts already seen)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        if value not in masked:
            masked[value] = mask_text(value)
        return masked[value]
    return value.item() if hasattr(value, "item") else value


def plain_graph(graph: nx.Graph, language: str = "fr") -> nx.Graph:
    """Text-only copy of `graph`, node kinds in words (« acteur »), text masked: what
    `to_gexf` and `to_kumu` write (give it to both with ``plain=True``: built once)."""
    out = nx.Graph() if not graph.is_directed() else nx.DiGraph()
    masked: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        data = (
            {**data, "kind": text(f"network.{data['kind']}", language)} if "kind" in data else data
        )
        out.add_node(str(node), **{k: _clean(v, masked) for k, v in data.items()})
    for a, b, data in graph.edges(data=True):
        out.add_edge(str(a), str(b), **{k: _clean(v, masked) for k, v in data.items()})
    return out


def to_gexf(graph: nx.Graph, path, language: str = "fr", *, plain: bool = False) -> Path:
    """Write `graph` as GEXF (Gephi), atomically, node kinds in `language` (`plain`:
    `graph` is already `plain_graph`'s copy)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        nx.write_gexf(graph if plain else plain_graph(graph, language), tmp)
    return path


def to_kumu(
    graph: nx.Graph, folder, language: str = "fr", *, plain: bool = False
) -> tuple[Path, Path]:
    """Write Kumu-style ``elements.csv`` (Label, Type, …) and ``connections.csv`` (From, To, Type)
    (`plain`: `graph` is already `plain_graph`'s copy).

    Returns
    -------
    (elements path, connections path)
    """
    folder = Path(folder)
    g = graph if plain else plain_graph(graph, language)
    elements = pd.DataFrame(
        [
            {
                "Label": n,
                "Type": d.get("kind", ""),
                **{k: v for k, v in d.items() if k != "kind" and not (k == "label" and v == n)},
            }
            for n, d in g.nodes(data=True)
        ]
    )
    connections = pd.DataFrame(
        [
            {
                "From": a,
                "To": b,
                "Type": d.get("relation", ""),
                **{k: v for k, v in d.items() if k not in ("relation", "weight")},
            }
            for a, b, d in g.edges(data=True)
        ],
        columns=["From", "To", "Type"] if not g.number_of_edges() else None,
    )
    paths = (folder / "elements.csv", folder / "connections.csv")
    for frame, path in zip((elements, connections), paths):
        write_csv(inert_frame(frame), path)
    return paths


def opportunity_graph(opportunities: pd.DataFrame, actors: pd.DataFrame) -> nx.Graph:
    """Actors linked by their direct and reciprocal cooperation opportunities.

    The opportunities layer of `diagnostic.analysis.network.cooperation_graph`: nodes carry
    the pseudonymous id, actor type and commune code; edges the resource, the kind of
    opportunity, the score and the workshop status. No personal data.
    """
    return cooperation_graph(actors, opportunities=opportunities, linked_only=True)
