"""Minimal live capture of workshop dot votes, and the priorities they give.

A participant spreads a few dots over the items (issues or opportunities). Each
participant weighs the same: their dots are normalised to a share of 1 before items
are ranked, so that someone who puts many dots does not count more.
"""

from __future__ import annotations

import pandas as pd

VOTE_COLUMNS = {
    "participant": "string",
    "actor_type": "string",
    "item_id": "string",
    "dots": "Int64",
}


def empty_votes() -> pd.DataFrame:
    """An empty `votes` table: participant, actor_type, item_id, dots."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in VOTE_COLUMNS.items()})


def add_votes(
    votes: pd.DataFrame, participant: str, actor_type: str | None, dots: dict[str, int]
) -> pd.DataFrame:
    """Return `votes` with one participant's dots, replacing what they gave before.

    Items with zero dots are not kept.

    >>> v = add_votes(empty_votes(), "Anne", "association", {"mobilite": 2, "emploi": 0})
    >>> v[["participant", "item_id", "dots"]].values.tolist()
    [['Anne', 'mobilite', 2]]
    """
    participant = str(participant).strip()
    if not participant:
        raise ValueError("indiquez le nom (ou un pseudonyme) du participant.")
    if any(int(n) < 0 for n in dots.values()):
        raise ValueError("le nombre de gommettes ne peut pas être négatif.")
    new = pd.DataFrame(
        {
            "participant": participant,
            "actor_type": actor_type,
            "item_id": list(dots),
            "dots": [int(n) for n in dots.values()],
        }
    )
    new = new[new["dots"] > 0].astype(VOTE_COLUMNS)
    kept = votes[votes["participant"] != participant]
    return pd.concat([kept, new], ignore_index=True).astype(VOTE_COLUMNS)


def rank_votes(votes: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Rank items by votes normalised per participant.

    Parameters
    ----------
    votes : DataFrame
        The `votes` table.
    labels : dict, optional
        item_id -> label; items without a vote are listed with zero.

    Returns
    -------
    DataFrame
        item_id, label, participants (Int64), dots (Int64), weight (Float64, sum of each
        participant's share), share (Float64, weight / participants), rank (Int64).

    Examples
    --------
    >>> v = pd.DataFrame({"participant": ["a", "a", "b"], "actor_type": ["x"] * 3,
    ...                   "item_id": ["i1", "i2", "i2"], "dots": [3, 1, 1]})
    >>> rank_votes(v)[["item_id", "weight"]].values.tolist()
    [['i2', 1.25], ['i1', 0.75]]
    """
    labels = labels or {}
    v = votes[votes["dots"].fillna(0) > 0]
    total = v.groupby("participant")["dots"].transform("sum")
    v = v.assign(part=v["dots"].astype(float) / total.astype(float))
    out = v.groupby("item_id").agg(
        participants=("participant", "nunique"), dots=("dots", "sum"), weight=("part", "sum")
    )
    items = list(dict.fromkeys([*labels, *out.index]))
    out = out.reindex(items).fillna(0).rename_axis("item_id").reset_index()
    n = max(v["participant"].nunique(), 1)
    out["share"] = out["weight"] / n
    out["label"] = out["item_id"].map(lambda i: labels.get(i, i))
    out = out.sort_values(["weight", "dots", "item_id"], ascending=[False, False, True])
    out["rank"] = range(1, len(out) + 1)
    return out.astype(
        {
            "item_id": "string",
            "label": "string",
            "participants": "Int64",
            "dots": "Int64",
            "weight": "Float64",
            "share": "Float64",
            "rank": "Int64",
        }
    )[["item_id", "label", "participants", "dots", "weight", "share", "rank"]].reset_index(
        drop=True
    )


def compare_priorities(ranking: pd.DataFrame, votes_ranking: pd.DataFrame) -> pd.DataFrame:
    """Survey rank beside workshop rank for each issue (for the slope chart).

    Returns
    -------
    DataFrame
        item_id, label, survey_rank, workshop_rank (Int64; missing when not voted on).
    """
    left = ranking[["issue_id", "label", "rank"]].rename(
        columns={"issue_id": "item_id", "rank": "survey_rank"}
    )
    right = votes_ranking[["item_id", "rank"]].rename(columns={"rank": "workshop_rank"})
    return left.merge(right, on="item_id", how="left").astype(
        {"survey_rank": "Int64", "workshop_rank": "Int64"}
    )
