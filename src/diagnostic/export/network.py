"""The cooperation network for Gephi (GEXF) and Kumu (element and connection CSVs)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from diagnostic._io.atomic import atomic_path, write_csv, write_text
from diagnostic.analysis.network import cooperation_graph
from diagnostic.export.cells import inert_frame
from diagnostic.i18n import text
from diagnostic.privacy.masking import mask_text

if TYPE_CHECKING:  # imported by the functions that build or write a graph: the process
    # that writes the network (a forked worker), not the analyses' (0.1 s at start)
    import networkx as nx


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


def _plain_records(graph: nx.Graph, language: str = "fr") -> tuple[list, list]:
    """([(node, data)], [(a, b, data)]) of `plain_graph`'s copy, in the order that copy
    gives them (the order of `graph`'s nodes and edges), without building the copy: ids as
    text, node kinds in words, every value cleaned (`_clean`)."""
    masked: dict[str, str] = {}

    def clean(value):  # `_clean`, the common text and decimal values first
        kind = type(value)
        if kind is str:
            done = masked.get(value)
            return _clean(value, masked) if done is None else done
        if kind is float:
            return "" if value != value else value
        return _clean(value, masked)

    kinds: dict = {}
    nodes = []
    for node, data in graph.nodes(data=True):
        if "kind" in data:
            if data["kind"] not in kinds:
                kinds[data["kind"]] = text(f"network.{data['kind']}", language)
            data = {**data, "kind": kinds[data["kind"]]}
        nodes.append((str(node), {k: clean(v) for k, v in data.items()}))
    raw = list(graph.edges(data=True))
    keys = _same_keys([data for _, _, data in raw])
    if not keys:  # edges of different keys, or none: one by one
        edges = [(str(a), str(b), {k: clean(v) for k, v in data.items()}) for a, b, data in raw]
        return nodes, edges

    def cleaned(values: list) -> list:  # `clean` of each value, in one loop
        out = []
        for value in values:
            kind = type(value)
            if kind is str:
                done = masked.get(value)
                out.append(_clean(value, masked) if done is None else done)
            elif kind is float:
                out.append("" if value != value else value)
            else:
                out.append(_clean(value, masked))
        return out

    # every edge with the same keys (the cooperation network's): cleaned column by column
    columns = [cleaned([data[k] for _, _, data in raw]) for k in keys]
    edges = [(str(a), str(b), dict(zip(keys, row))) for (a, b, _), row in zip(raw, zip(*columns))]
    return nodes, edges


def plain_graph(graph: nx.Graph, language: str = "fr") -> nx.Graph:
    """Text-only copy of `graph`, node kinds in words (« acteur »), text masked: what
    `to_gexf` and `to_kumu` write (give it to both with ``plain=True``: built once)."""
    import networkx as nx

    out = nx.Graph() if not graph.is_directed() else nx.DiGraph()
    nodes, edges = _plain_records(graph, language)
    out.add_nodes_from(nodes)
    out.add_edges_from(edges)
    return out


def write_network(graph: nx.Graph, folder, language: str = "fr") -> tuple[Path, Path, Path]:
    """Write ``cooperation.gexf`` (`to_gexf`), ``elements.csv`` and ``connections.csv``
    (`to_kumu`) of `graph` into `folder`: the very files `plain_graph`'s copy gives them,
    read from `graph` in one pass, without the copy (an edge's order and ends in the copy
    are those of `graph`: its nodes are added in `graph`'s order, then its edges in the
    order `graph` lists them, so that each node's new neighbours follow that order).

    Returns
    -------
    (GEXF path, elements path, connections path)
    """
    folder = Path(folder)
    nodes, edges = _plain_records(graph, language)
    gexf = folder / "cooperation.gexf"
    document = _gexf_document(nodes, edges, graph.is_directed())
    if document is None or graph.is_multigraph():  # networkx's writer, on the copy
        return (to_gexf(plain_graph(graph, language), gexf, plain=True),) + to_kumu(
            plain_graph(graph, language), folder, plain=True
        )
    write_text(gexf, document)
    return (gexf, *_write_kumu(nodes, edges, folder))


def to_gexf(graph: nx.Graph, path, language: str = "fr", *, plain: bool = False) -> Path:
    """Write `graph` as GEXF (Gephi), atomically, node kinds in `language` (`plain`:
    `graph` is already `plain_graph`'s copy)."""
    path = Path(path)
    graph = graph if plain else plain_graph(graph, language)
    document = _gexf_text(graph)
    if document is None:  # what the direct writer does not cover: networkx's writer
        import networkx as nx

        with atomic_path(path) as tmp:
            nx.write_gexf(graph, tmp)
    else:
        write_text(path, document)
    return path


#: Node and edge keys networkx's GEXF writer turns into XML attributes or elements
#: (dynamic spells, visual data, parents…) rather than attribute values.
_SPECIAL = frozenset({"id", "pid", "start", "end", "spells", "viz", "parents", "key", "type"})
#: GEXF type of each attribute value's Python type, as networkx's writer names it.
_GEXF_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#09;",
    }
)


def _attr(value) -> str:
    """An XML attribute's value, escaped as ElementTree escapes it."""
    return value.translate(_ESCAPES)


def _gexf_value(value) -> str:
    """An attribute value as networkx's writer prints it (booleans in lower case,
    infinities and NaN as GEXF spells them), escaped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, float):
        text = {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(text, text)
    return _attr(text)


def _gexf_text(graph: nx.Graph) -> str | None:
    """`graph` as GEXF 1.2 text, the very text networkx's ``write_gexf`` gives a plain
    graph (static attributes of text, whole or decimal numbers and booleans), written in
    one pass instead of through an ElementTree of a million elements; None for a graph
    outside that (multigraph, graph attributes, dynamic or visual data, other types)."""
    if graph.is_multigraph() or set(graph.graph) - {"name"}:
        return None
    return _gexf_document(
        list(graph.nodes(data=True)),
        list(graph.edges(data=True)),
        graph.is_directed(),
        str(graph.graph.get("name", "")),
    )


def _same_keys(records: list[dict]) -> tuple | None:
    """The keys of every record of `records` when all have the same, in the same order."""
    keys = tuple(records[0]) if records else ()
    return keys if all(len(r) == len(keys) and tuple(r) == keys for r in records) else None


def _escaped(values: list, cache: dict) -> list[str]:
    """`_gexf_value` of each of `values`, each distinct text escaped once (`cache`)."""
    out = []
    for value in values:
        if type(value) is str:
            done = cache.get(value)
            if done is None:
                done = cache[value] = _attr(value)
            out.append(done)
        else:
            out.append(_gexf_value(value))
    return out


def _gexf_document(nodes: list, edges: list, directed: bool, name: str = "") -> str | None:
    """GEXF text of `nodes` ([(id, data)]) and `edges` ([(a, b, data)]): see `_gexf_text`.

    A class whose elements all carry the same keys in the same order (the cooperation
    network's) is written column by column, each distinct value escaped once; any other
    element by element. The same text either way."""
    ids: dict[tuple[str, str], str] = {}  # (class, title) -> attribute id, in order of use
    kinds: dict[tuple[str, str], str] = {}
    body: list[str] = []
    cache: dict = {}

    def element(cls: str, head: str, data: dict) -> bool:
        """One node or edge: its tag, then its attribute values (False: not plain)."""
        if not data:
            body.append(head + " />")
            return True
        body.append(head + ">")
        body.append("        <attvalues>")
        for key, value in data.items():
            kind = _GEXF_TYPES.get(type(value))
            if kind is None or key in _SPECIAL:
                return False
            title = str(key)
            if (cls, title) not in ids:
                ids[cls, title] = str(len(ids))
                kinds[cls, title] = kind
            body.append(
                f'          <attvalue for="{ids[cls, title]}" value="{_gexf_value(value)}" />'
            )
        body.append("        </attvalues>")
        body.append(f"      </{cls}>")
        return True

    def columns(cls: str, heads: list[str], records: list[dict], keys: tuple) -> bool:
        """The elements of `cls`, all with the attribute `keys`: what `element` writes."""
        if not keys:
            body.extend(head + " />" for head in heads)
            return True
        values = []
        for key in keys:
            column = [r[key] for r in records]
            if key in _SPECIAL or any(type(v) not in _GEXF_TYPES for v in column):
                return False
            values.append(_escaped(column, cache))
        for key in keys:  # declared in order of use: the first element's order
            if (cls, str(key)) not in ids:
                ids[cls, str(key)] = str(len(ids))
                kinds[cls, str(key)] = _GEXF_TYPES[type(records[0][key])]
        # the text around the values: parts[0] value 0 parts[1] value 1 … parts[-1]
        before = [">\n        <attvalues>\n"] + ['" />\n'] * (len(keys) - 1)
        parts = [
            f'{b}          <attvalue for="{ids[cls, str(k)]}" value="' for b, k in zip(before, keys)
        ]
        parts.append(f'" />\n        </attvalues>\n      </{cls}>')
        for head, cells in zip(heads, zip(*values)):
            body.append(head + "".join(p + c for p, c in zip(parts, cells)) + parts[-1])
        return True

    def write(cls: str, heads: list[str], records: list[dict]) -> bool:
        keys = _same_keys(records)
        if keys is not None:
            return columns(cls, heads, records, keys)
        return all(element(cls, head, data) for head, data in zip(heads, records))

    body.append("    <nodes>" if nodes else "    <nodes />")
    heads, records = [], []
    for node, data in nodes:
        data = dict(data)
        label = _attr(str(data.pop("label", node)))
        heads.append(f'      <node id="{_attr(str(node))}" label="{label}"')
        records.append(data)
    if not write("node", heads, records):
        return None
    if nodes:
        body.append("    </nodes>")
    body.append("    <edges>" if edges else "    <edges />")
    heads, records = [], []
    ends: dict[str, str] = {}  # each node's id escaped once, not once per edge

    def end(node) -> str:
        text = str(node)
        done = ends.get(text)
        if done is None:
            done = ends[text] = _attr(text)
        return done

    for number, (a, b, data) in enumerate(edges):
        data = dict(data)
        head = f'      <edge source="{end(a)}" target="{end(b)}" id="{number}"'
        for key in ("label", "weight"):
            if key in data:
                head += f' {key}="{_attr(str(data.pop(key)))}"'
        heads.append(head)
        records.append(data)
    if not write("edge", heads, records):
        return None
    if edges:
        body.append("    </edges>")
    declared = []
    # networkx puts each class's block first when it meets the class's first attribute
    for cls in reversed(list(dict.fromkeys(c for c, _ in ids))):
        declared.append(f'    <attributes mode="static" class="{cls}">')
        declared += [
            f'      <attribute id="{i}" title="{_attr(title)}" type="{kinds[c, title]}" />'
            for (c, title), i in ids.items()
            if c == cls
        ]
        declared.append("    </attributes>")
    import networkx as nx

    spec = nx.readwrite.gexf.GEXF.versions["1.2draft"]
    kind = "directed" if directed else "undirected"
    opening = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<gexf xmlns="{spec["NS_GEXF"]}" xmlns:xsi="{spec["NS_XSI"]}" '
        f'xsi:schemaLocation="{spec["SCHEMALOCATION"]}" version="{spec["VERSION"]}">',
        f'  <meta lastmodifieddate="{time.strftime("%Y-%m-%d")}">',
        f"    <creator>NetworkX {nx.__version__}</creator>",
        "  </meta>",
        f'  <graph defaultedgetype="{kind}" mode="static" name="{_attr(name)}">',
    ]
    return "\n".join([*opening, *declared, *body, "  </graph>", "</gexf>", ""])


def to_kumu(
    graph: nx.Graph, folder, language: str = "fr", *, plain: bool = False
) -> tuple[Path, Path]:
    """Write Kumu-style ``elements.csv`` (Label, Type, …) and ``connections.csv`` (From, To, Type)
    (`plain`: `graph` is already `plain_graph`'s copy).

    Returns
    -------
    (elements path, connections path)
    """
    g = graph if plain else plain_graph(graph, language)
    return _write_kumu(list(g.nodes(data=True)), list(g.edges(data=True)), Path(folder))


def _write_kumu(nodes: list, edges: list, folder: Path) -> tuple[Path, Path]:
    """`to_kumu` of the plain `nodes` ([(id, data)]) and `edges` ([(a, b, data)])."""
    elements = pd.DataFrame(
        [
            {
                "Label": n,
                "Type": d.get("kind", ""),
                **{k: v for k, v in d.items() if k != "kind" and not (k == "label" and v == n)},
            }
            for n, d in nodes
        ]
    )
    keys = _same_keys([d for _, _, d in edges])
    if edges and keys is not None and not {"From", "To", "Type"} & set(keys):
        # every edge with the same keys: the same table, built column by column
        columns = {
            "From": [a for a, _, _ in edges],
            "To": [b for _, b, _ in edges],
            "Type": [d["relation"] for _, _, d in edges] if "relation" in keys else "",
        }
        for key in keys:
            if key not in ("relation", "weight"):
                columns[key] = [d[key] for _, _, d in edges]
        connections = pd.DataFrame(columns)
    else:
        connections = pd.DataFrame(
            [
                {
                    "From": a,
                    "To": b,
                    "Type": d.get("relation", ""),
                    **{k: v for k, v in d.items() if k not in ("relation", "weight")},
                }
                for a, b, d in edges
            ],
            columns=["From", "To", "Type"] if not edges else None,
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
