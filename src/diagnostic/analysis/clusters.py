"""Groups of actors around shared issues."""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnostic.analysis._codes import first_by_code, key_codes
from diagnostic.analysis.network import find_actor_communities
from diagnostic.i18n import label, text
from diagnostic.schemas import conform, validate
from diagnostic.settings import Settings

ISSUE_METHOD = "enjeu"

#: The members of the groups `find_issue_groups` wrote last: id of an ``actors`` cell ->
#: (the cell, the distinct ids, the positions of its members in them). A group can hold
#: tens of thousands of ids; reading them back (`written_members`) then splits no text.
_WRITTEN: dict[int, tuple[str, np.ndarray, np.ndarray]] = {}


def written_members(cell) -> tuple[np.ndarray, np.ndarray] | None:
    """(distinct ids, positions of the members in them) of an ``actors`` cell of the
    `clusters` table when it is the very text `find_issue_groups` last wrote (splitting
    it on « ; » and stripping each id gives those members, in that order); else None."""
    found = _WRITTEN.get(id(cell))
    return found[1:] if found is not None and found[0] is cell else None


def find_issue_groups(responses: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """Issue-centred groups: the actors supporting an issue, merged when they overlap.

    Two groups merge when the Jaccard overlap of their actors is at least
    `settings.cluster_jaccard`; groups smaller than `min_group_size` are not shown.

    Returns
    -------
    DataFrame
        The `clusters` table.
    """
    validate(responses, "responses", ["actor_id", "actor_type", "issue_id", "supports"])
    return _issue_groups(responses, settings, *_actor_codes(responses))


def _actor_codes(responses: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the `actor_id` column into its sorted distinct ids (hashed once, reused)."""
    column = responses["actor_id"]
    if isinstance(column.dtype, pd.CategoricalDtype):  # codes ready: renumber in id order
        return _sorted_used(column.array.codes, column.cat.categories)
    codes, ids = pd.factorize(column.to_numpy(dtype=object), sort=True)
    return codes, np.asarray(ids, dtype=object)


def _sorted_used(codes: np.ndarray, names) -> tuple[np.ndarray, np.ndarray]:
    """Renumber `codes` into the sorted names actually used (as ``factorize(sort=True)``)."""
    names = np.asarray(names, dtype=object)
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(names)))
    order = used[np.argsort(names[used], kind="stable")]
    renumber = np.full(len(names) + 1, -1)
    renumber[order] = np.arange(len(order))
    return renumber[codes], names[order]


def _issue_groups(
    responses: pd.DataFrame, settings: Settings, all_actor_codes: np.ndarray, actor_ids: np.ndarray
) -> pd.DataFrame:
    """`find_issue_groups` with the actor codes already computed."""
    supports = responses["supports"].to_numpy(dtype=bool)
    issue_all, issue_names = key_codes(responses["issue_id"])
    issue_codes, issues = _sorted_used(issue_all[supports], issue_names)
    actor_codes, actors = _sorted_used(all_actor_codes[supports], actor_ids)
    member = np.zeros((len(actors), len(issues)), dtype=np.float32)
    member[actor_codes, issue_codes] = 1
    labels = first_by_code(responses["label"], np.where(supports, issue_all, -1), issue_names)
    groups = [({i}, str(labels[i])) for i in issues]
    member = _merge_overlapping(member, groups, settings.cluster_jaccard)
    first = first_by_code(responses["actor_type"], all_actor_codes, actor_ids)
    type_codes, type_names = pd.factorize(
        np.array([first.get(a, np.nan) for a in actors], dtype=object), sort=True
    )
    rows = []
    # ids that a split on « ; » and a strip give back as they are: their groups remembered
    plain = all(isinstance(a, str) and a and a == a.strip() and ";" not in a for a in actors)
    _WRITTEN.clear()
    held = np.ascontiguousarray(member.T > 0)  # each group's actors, one row each
    for j, (group_issues, name) in enumerate(groups):
        inside = held[j]
        size = int(inside.sum())
        if size < settings.min_group_size:
            continue
        cell = " ; ".join(actors[inside])
        if plain:
            _WRITTEN[id(cell)] = (cell, actors, np.flatnonzero(inside).astype(np.int32))
        counts = np.bincount(type_codes[inside & (type_codes >= 0)], minlength=len(type_names))
        mix = sorted(((int(n), t) for t, n in zip(type_names, counts) if n), key=lambda x: -x[0])
        rows.append(
            {
                "method": ISSUE_METHOD,
                "issues": " ; ".join(sorted(group_issues)),
                "actors": cell,
                "size": size,
                "actor_types": ", ".join(f"{t} : {n}" for n, t in mix),
                "label": text("groups.issue", settings.language, label=name),
            }
        )
    out = pd.DataFrame(rows)
    if not out.empty:
        out = out.sort_values(["size", "issues"], ascending=[False, True])
        out["cluster_id"] = [f"G{i:02d}" for i in range(1, len(out) + 1)]
    return conform(out, "clusters")


def _merge_overlapping(member: np.ndarray, groups: list, threshold: float) -> np.ndarray:
    """Merge the first pair of groups (in order) whose Jaccard overlap reaches `threshold`,
    until no pair does; `groups` is updated in place and the new membership returned.
    `member` is actors × groups (0/1)."""
    sizes = member.sum(axis=0)
    inter = _overlaps(member)
    while len(groups) > 1:
        union = sizes[:, None] + sizes[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            jac = np.where(union > 0, inter / union, 0)
        jac[np.tril_indices(len(groups))] = 0
        jac[(sizes == 0)[:, None] | (sizes == 0)[None, :]] = 0
        hits = np.argwhere(jac >= threshold)
        if not len(hits):
            return member
        i, j = hits[0]
        member[:, i] = np.maximum(member[:, i], member[:, j])
        groups[i] = (groups[i][0] | groups[j][0], groups[i][1] + " + " + groups[j][1])
        member = np.delete(member, j, axis=1)
        del groups[j]
        sizes = member.sum(axis=0)
        column = member.T @ member[:, i]
        inter = np.delete(np.delete(inter, j, axis=0), j, axis=1)
        inter[i, :], inter[:, i] = column, column
    return member


def _overlaps(member: np.ndarray) -> np.ndarray:
    """``member.T @ member`` for a 0/1 actors × groups matrix (float32): how many actors
    each pair of groups shares, counted on bits (exact below 2**24 actors, as the product
    is; 5 times faster than it on 50,000 actors × 200 groups)."""
    count = getattr(np, "bitwise_count", None)  # numpy 2
    if count is None or len(member) >= 2**24:
        return member.T @ member
    bits = np.packbits(member.T > 0, axis=1)  # groups × actors/8 bytes
    out = np.empty((bits.shape[0], bits.shape[0]), dtype=np.float32)
    for i in range(bits.shape[0]):
        out[i] = count(bits[i] & bits).sum(axis=1)
    return out


def _mix(types: pd.Series, members) -> str:
    return ", ".join(f"{t} : {n}" for t, n in types.loc[sorted(members)].value_counts().items())


def find_groups(responses: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """Issue-centred groups, plus the stable communities of the actor network.

    The network view (`diagnostic.analysis.network`) needs between `network_min_actors` and
    `network_max_actors` actors; otherwise only issue-centred groups are given and their
    `method` says why.

    Returns
    -------
    DataFrame
        The `clusters` table: ids G.. for issue-centred groups, R.. for network groups.
    """
    validate(responses, "responses", ["actor_id", "actor_type", "issue_id", "supports"])
    actor_codes, actor_ids = _actor_codes(responses)
    issue_groups = _issue_groups(responses, settings, actor_codes, actor_ids)
    n, language = len(actor_ids), settings.language
    if n < settings.network_min_actors or n > settings.network_max_actors:
        why = (
            text("groups.few", language, n=n, least=settings.network_min_actors)
            if n < settings.network_min_actors
            else text("groups.many", language, n=n, most=settings.network_max_actors)
        )
        return issue_groups.assign(
            method=text(
                "groups.no_network", language, why=why, method=label(ISSUE_METHOD, language)
            )
        )
    types = responses.drop_duplicates("actor_id").set_index("actor_id")["actor_type"]
    labels = responses.drop_duplicates("issue_id").set_index("issue_id")["label"]
    stability = f"{settings.louvain_stability:.0%}"
    method = text(
        "groups.method",
        language,
        runs=settings.louvain_runs,
        stability=stability if language == "en" else stability.replace("%", " %"),
    )
    rows = []
    for k, group in enumerate(find_actor_communities(responses, settings), start=1):
        named = [f"{labels[i]} (×{lift:.1f})" for i, lift in zip(group["issues"], group["lift"])]
        named = named if language == "en" else [n.replace(".", ",") for n in named]
        rows.append(
            {
                "cluster_id": f"R{k:02d}",
                "method": method,
                "issues": " ; ".join(group["issues"]),
                "actors": " ; ".join(group["actors"]),
                "size": len(group["actors"]),
                "actor_types": _mix(types, group["actors"]),
                "label": text(
                    "groups.network",
                    language,
                    issues=" ; ".join(named) or text("groups.various", language),
                ),
            }
        )
    return conform(
        pd.concat([issue_groups, conform(pd.DataFrame(rows), "clusters")], ignore_index=True),
        "clusters",
    )
