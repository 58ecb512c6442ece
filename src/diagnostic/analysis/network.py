"""Network view of the actors: who shares more issues than chance, and stable communities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from diagnostic.settings import Settings

if TYPE_CHECKING:  # imported where a graph is built: a run of more than
    # `network_max_actors` actors builds none before its writing (0.1 s at start saved)
    import networkx as nx


def _support_matrix(responses: pd.DataFrame) -> pd.DataFrame:
    """Actors × issues, 1 where the actor supports the issue (sorted both ways)."""
    table = pd.crosstab(
        responses["actor_id"].astype(str),
        responses["issue_id"].astype(str),
        values=responses["supports"].astype(int),
        aggfunc="max",
    )
    return table.fillna(0).astype(int).sort_index().sort_index(axis=1)


def actor_links(responses: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """Pairs of actors sharing more supported issues than chance (hypergeometric test).

    With N issues, actor a supporting n_a of them and actor b n_b, the number shared under
    independence is hypergeometric; a pair is kept when P(X ≥ shared) < `network_alpha`.

    Returns
    -------
    DataFrame
        actor_a, actor_b, shared, p_value (actor_a < actor_b), sorted.
    """
    from scipy.stats import hypergeom  # scipy.stats costs a second to import: only here

    matrix = _support_matrix(responses)
    ids, m = matrix.index.to_numpy(), matrix.to_numpy()
    n_issues, counts = m.shape[1], m.sum(axis=1)
    i, j = np.triu_indices(len(ids), k=1)
    shared = (m @ m.T)[i, j]
    p = hypergeom.sf(shared - 1, n_issues, counts[i], counts[j])
    keep = (shared > 0) & (p < settings.network_alpha)
    return pd.DataFrame(
        {
            "actor_a": ids[i[keep]],
            "actor_b": ids[j[keep]],
            "shared": shared[keep],
            "p_value": p[keep],
        }
    ).reset_index(drop=True)


def _stable_cores(graph: nx.Graph, settings: Settings) -> list[set]:
    """Louvain over fixed seeds; keep links whose ends fall together in most runs."""
    import networkx as nx

    together = dict.fromkeys(graph.edges, 0)
    for seed in range(settings.louvain_runs):
        where = {}
        for k, community in enumerate(
            nx.community.louvain_communities(graph, weight="weight", seed=seed)
        ):
            where.update(dict.fromkeys(community, k))
        for u, v in together:
            together[u, v] += where[u] == where[v]
    stable = nx.Graph()
    stable.add_nodes_from(graph.nodes)
    stable.add_edges_from(
        e for e, n in together.items() if n >= settings.louvain_stability * settings.louvain_runs
    )
    return [c for c in nx.connected_components(stable) if len(c) >= settings.min_group_size]


def find_actor_communities(responses: pd.DataFrame, settings: Settings = Settings()) -> list[dict]:
    """Stable communities of the actor network, each named by its issues of highest lift.

    Returns
    -------
    list of dict
        One per community: actors (sorted list), issues (top issue ids), lift (values).
    """
    import networkx as nx

    links = actor_links(responses, settings)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(set(links["actor_a"]) | set(links["actor_b"])))
    graph.add_weighted_edges_from(links[["actor_a", "actor_b", "shared"]].itertuples(index=False))
    if not graph.number_of_edges():
        return []
    matrix = _support_matrix(responses)
    overall = matrix.mean()
    groups = []
    for core in _stable_cores(graph, settings):
        members = sorted(core)
        lift = (matrix.loc[members].mean() / overall.replace(0, np.nan)).dropna()
        lift = lift[lift > 1].sort_index().sort_values(ascending=False, kind="stable").head(3)
        groups.append({"actors": members, "issues": lift.index.tolist(), "lift": lift.tolist()})
    return sorted(groups, key=lambda g: (-len(g["actors"]), g["actors"]))


#: Node names of the cooperation graph: an actor is its pseudonymous id.
ISSUE_PREFIX, RESOURCE_PREFIX = "issue:", "resource:"
#: Resources in this catch-all category are no shared resource: never a node.
OTHER_RESOURCE = "autre"


def _one_row_per_id(people: pd.DataFrame) -> pd.DataFrame:
    """One row per actor_id: should two actors share a pseudonym, a type or commune they
    disagree on is left empty rather than taken from either."""
    rows = people.drop_duplicates()
    out = rows.drop_duplicates("actor_id").reset_index(drop=True)
    for col in ("actor_type", "commune_code"):
        ids = rows.drop_duplicates(["actor_id", col])["actor_id"]
        out.loc[out["actor_id"].isin(ids[ids.duplicated()]), col] = pd.NA
    return out


def cooperation_graph(
    actors: pd.DataFrame,
    responses: pd.DataFrame | None = None,
    needs: pd.DataFrame | None = None,
    offers: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
    *,
    resource_labels: dict[str, str] | None = None,
    linked_only: bool = False,
) -> nx.Graph:
    """Actors with the issues they support, the resources they need or offer and the
    cooperation opportunities between them: the one graph every view and export draws from.

    Each layer is added when its table is given. Nodes: actors (their id; ``kind`` actor,
    ``label``, ``actor_type``, ``commune_code``), issues (``issue:<id>``, kind issue) and
    resources (``resource:<category>``, kind resource; the « autre » catch-all left out).
    Edges carry ``relation`` (soutient, besoin, offre, « besoin et offre », or the
    opportunity's kind) and ``weight``; opportunity edges also ``category``, ``score`` and
    ``status``, and the first listed opportunity of a pair of actors is kept (a reciprocal
    exchange is listed before its direct halves).

    Parameters
    ----------
    linked_only : bool
        Keep only the actors that have at least one edge.

    Returns
    -------
    networkx.Graph
    """
    import networkx as nx

    labels = resource_labels or {}
    graph = nx.Graph()
    people = _one_row_per_id(actors.reindex(columns=["actor_id", "actor_type", "commune_code"]))
    for a in people.sort_values("actor_id").itertuples():
        graph.add_node(
            a.actor_id,
            kind="actor",
            label=a.actor_id,
            actor_type="" if pd.isna(a.actor_type) else str(a.actor_type),
            commune_code="" if pd.isna(a.commune_code) else str(a.commune_code),
        )
    if responses is not None:
        support = responses[responses["supports"]].sort_values(["issue_id", "actor_id"])
        for issue, label in support.drop_duplicates("issue_id")[["issue_id", "label"]].values:
            graph.add_node(ISSUE_PREFIX + str(issue), kind="issue", label=str(label))
        graph.add_edges_from(
            ((a, ISSUE_PREFIX + str(i)) for a, i in support[["actor_id", "issue_id"]].values),
            relation="soutient",
            weight=1.0,
        )
    for relation, table in (("besoin", needs), ("offre", offers)):
        if table is None:
            continue
        table = table[table["category"].notna() & (table["category"] != OTHER_RESOURCE)]
        for a, cat in table[["actor_id", "category"]].drop_duplicates().values:
            node = RESOURCE_PREFIX + str(cat)
            graph.add_node(node, kind="resource", label=str(labels.get(cat, cat)))
            if graph.has_edge(a, node) and graph.edges[a, node]["relation"] != relation:
                graph.edges[a, node]["relation"] = "besoin et offre"
            else:
                graph.add_edge(a, node, relation=relation, weight=1.0)
    if opportunities is not None:
        pairs = opportunities[opportunities["kind"].isin(["direct", "reciprocal"])]
        # columns as object arrays: their cells as a row of itertuples holds them
        cells = [
            pairs[c].to_numpy(dtype=object)
            for c in ("need_actor", "offer_actor", "kind", "score", "category", "status")
        ]
        for need, offer, kind, score, category, status in zip(*cells):
            if graph.has_edge(need, offer):
                continue
            graph.add_edge(
                need,
                offer,
                relation=str(kind),
                weight=float(score),
                category=category,
                score=float(score),
                status=status,
            )
    if linked_only:
        graph.remove_nodes_from(
            [n for n, d in graph.nodes(data="kind") if d == "actor" and not graph.degree(n)]
        )
    return graph


def project_resources(
    projects: pd.DataFrame, needs: pd.DataFrame, offers: pd.DataFrame
) -> pd.DataFrame:
    """Projects × resources: how many members of each project need or offer each resource.

    The view that replaces the actor–resource network: its size is the number of projects
    (at most `max_projects`) times the number of resources, whatever the number of actors.
    The project's own resource is full; the others show what its members could also pool
    next. « autre » (free text) is left out, as in the projects.

    Parameters
    ----------
    projects : DataFrame
        The `cooperation_projects` table (project_id, members).
    needs, offers : DataFrame
        The `needs` and `offers` tables (actor_id, category).

    Returns
    -------
    DataFrame
        project_id, category, needing, offering (Int64): one row per project and resource
        with at least one member needing or offering it, in the projects' order then by
        category.
    """
    members = (
        projects[["project_id", "members"]]
        .assign(actor_id=projects["members"].astype("string").fillna("").str.split(";"))
        .explode("actor_id")
    )
    members = members[members["actor_id"].astype(str) != ""][["project_id", "actor_id"]]
    members = members.assign(actor_id=members["actor_id"].astype(str))
    counts = []
    for column, table in (("needing", needs), ("offering", offers)):
        table = table[table["category"].notna() & (table["category"] != OTHER_RESOURCE)]
        table = pd.DataFrame(
            {"actor_id": table["actor_id"].astype(str), "category": table["category"].astype(str)}
        ).drop_duplicates()
        joined = members.merge(table, on="actor_id")
        counts.append(joined.groupby(["project_id", "category"]).size().rename(column))
    out = pd.concat(counts, axis=1).fillna(0).astype("Int64")
    if not len(out):
        columns = {"project_id": "string", "category": "string", "needing": "Int64"}
        return pd.DataFrame(columns=[*columns, "offering"]).astype({**columns, "offering": "Int64"})
    out = out.rename_axis(["project_id", "category"]).reset_index()
    order = {p: i for i, p in enumerate(projects["project_id"])}
    out = out.assign(_order=out["project_id"].map(order)).sort_values(["_order", "category"])
    return (
        out.drop(columns="_order")
        .reset_index(drop=True)
        .astype({"project_id": "string", "category": "string"})
    )
