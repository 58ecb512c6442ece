"""Tables behind the explorer: filters, Likert answer counts and the cooperation network.

Everything an interactive view recomputes on a filter change lives here as a plain
function on DataFrames, so that apps stay thin and the same results can be tested and
reused outside a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from diagnostic.analysis.issues import (  # one wording rule for labels
    outside_repeats,
    short_issue_label,
)
from diagnostic.analysis.network import cooperation_graph
from diagnostic.analysis.tallies import IssueTally, Tally, as_objects, tally, tally_responses
from diagnostic.privacy.disclosure import public_of
from diagnostic.schemas import columns as table_columns
from diagnostic.schemas import validate

NOT_GIVEN = "non précisé"


def likert_answers(
    answers: pd.DataFrame, questions: pd.DataFrame, choices: pd.DataFrame, actors: pd.DataFrame
) -> pd.DataFrame:
    """Every answer to a Likert issue question, "don't know" codes included.

    Returns
    -------
    DataFrame
        actor_id, actor_type, issue_id, label, theme, value, level_label, order
        (position on the scale, missing codes last), is_missing (bool).
    """
    likert = questions[questions["role"] == "issue_importance"]
    if likert.empty:
        return pd.DataFrame(columns=table_columns("likert_answers"))
    labels = likert["label"].tolist()
    qinfo = likert.assign(short=[short_issue_label(lbl, labels) for lbl in labels])
    qinfo = qinfo.rename(columns={"question_id": "issue_id", "short": "issue_label"})
    scale = choices.rename(columns={"label": "level_label"})
    sub = outside_repeats(answers).merge(
        qinfo[["issue_id", "issue_label", "theme", "list_name"]],
        left_on="question_id",
        right_on="issue_id",
    )
    sub = sub.merge(
        scale[["list_name", "value", "level_label", "order", "is_missing_code"]],
        on=["list_name", "value"],
    )
    types = actors.set_index("actor_id")["actor_type"]
    return pd.DataFrame(
        {
            "actor_id": sub["actor_id"],
            # no type is no group: never « non précisé » as if it were one
            "actor_type": sub["actor_id"].map(types).astype("string"),
            "issue_id": sub["issue_id"],
            "label": sub["issue_label"],
            "theme": sub["theme"],
            "value": sub["value"],
            "level_label": sub["level_label"],
            "order": sub["order"].astype("Int64"),
            "is_missing": sub["is_missing_code"].fillna(False).astype(bool),
        }
    ).reset_index(drop=True)


def likert_scale(questions: pd.DataFrame, choices: pd.DataFrame) -> pd.DataFrame:
    """The levels of the issue-importance scale, even those nobody chose.

    Returns
    -------
    DataFrame
        level_label, order, is_missing, sorted by order.
    """
    lists = questions.loc[questions["role"] == "issue_importance", "list_name"].dropna()
    sub = choices[choices["list_name"].isin(set(lists))]
    out = pd.DataFrame(
        {
            "level_label": sub["label"],
            "order": sub["order"].astype("Int64"),
            "is_missing": sub["is_missing_code"].fillna(False).astype(bool),
        }
    )
    return out.drop_duplicates("level_label").sort_values("order").reset_index(drop=True)


def count_likert(
    likert: pd.DataFrame,
    by: str = "label",
    include_missing: bool = True,
    scale: pd.DataFrame | None = None,
    min_base: int = 1,
) -> pd.DataFrame:
    """Answers per group and level, with a row for every level even when nobody chose it.

    Parameters
    ----------
    likert : DataFrame
        From `likert_answers` (possibly filtered).
    by : str
        Grouping column: ``label`` (one bar per issue) or ``actor_type``.
    include_missing : bool
        Keep "ne sait pas" answers as their own level; otherwise drop them before shares.
    scale : DataFrame, optional
        From `likert_scale`: levels nobody chose are kept too.
    min_base : int
        Groups with fewer answers than this (`min_group_size`) are left out: neither counts
        nor shares of a small group. Rows without a group (no actor type) are never one.

    Returns
    -------
    DataFrame
        group, level_label, order, is_missing, count (int), share (count / group total).

    Examples
    --------
    >>> lk = pd.DataFrame({"label": ["A", "A", "B"], "level_label": ["Oui", "Non", "Oui"],
    ...                    "order": [2, 1, 2], "is_missing": [False] * 3})
    >>> count_likert(lk)["count"].tolist()
    [1, 1, 0, 1]
    """
    levels = scale if scale is not None else likert
    levels = (
        levels[["level_label", "order", "is_missing"]]
        .drop_duplicates("level_label")
        .sort_values("order")
    )
    if not include_missing:
        levels = levels[~levels["is_missing"]]
        likert = likert[~likert["is_missing"]]
    sizes = likert[by].value_counts()
    groups = [g for g in pd.unique(likert[by].dropna()) if sizes.get(g, 0) >= min_base]
    counts = likert.groupby([by, "level_label"], sort=False, observed=True).size()
    full = pd.MultiIndex.from_product(
        [groups, levels["level_label"]], names=["group", "level_label"]
    )
    counts = counts.reindex(full, fill_value=0).rename("count").reset_index()
    counts = counts.merge(levels, on="level_label", how="left")
    total = counts.groupby("group")["count"].transform("sum")
    counts["share"] = (counts["count"] / total.where(total > 0)).astype("Float64")
    counts["count"] = counts["count"].astype(int)
    return counts.sort_values(["group", "order"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class ExplorerData:
    """What the explorer filters, prepared once so that a filter change stays cheap.

    Build it with `prepare_explorer`; `results` gives every table the explorer draws.
    `min_base`: the Likert bars of fewer answers are left out.
    """

    tally: IssueTally
    likert: Tally
    actors: pd.DataFrame
    scale: pd.DataFrame
    epci_communes: dict
    _actor_keys: tuple
    min_base: int = 1

    @staticmethod
    def _mask(keys: tuple, actor_types, epci, commune, theme=None) -> np.ndarray:
        kinds, epcis, communes, themes = keys
        mask = np.ones(len(kinds), dtype=bool)
        if actor_types:
            mask &= np.isin(kinds, list(actor_types))
        if epci:
            mask &= epcis == epci
        if commune:
            mask &= communes == commune
        if theme:
            mask &= themes == theme
        return mask

    def results(
        self,
        actor_types=None,
        epci: str | None = None,
        commune: str | None = None,
        theme: str | None = None,
        include_missing: bool = True,
    ) -> dict:
        """Every table of the explorer for one choice of filters.

        Returns
        -------
        dict
            ``ranking`` (`issue_ranking` of the filtered responses), ``matrix`` and
            ``ranking_all`` (`group_matrix` and `issue_ranking` of every actor type: the
            comparison between types),
            ``likert`` (from `count_likert`, by issue) and ``actors`` (filtered).
        """
        ranking = self.tally.rank(actor_types, epci, commune, theme)
        return {
            "ranking": ranking,
            "matrix": self.tally.matrix(None, epci, commune, theme),
            "ranking_all": self.tally.rank(None, epci, commune, theme) if actor_types else ranking,
            "likert": self.count_likert(actor_types, epci, commune, theme, include_missing),
            "actors": self.actors[self._mask(self._actor_keys, actor_types, epci, commune)],
        }

    def count_likert(
        self, actor_types=None, epci=None, commune=None, theme=None, include_missing: bool = True
    ) -> pd.DataFrame:
        """Same table as `count_likert` (by issue) on the filtered Likert answers."""
        places = [commune] if commune else self.epci_communes.get(epci, []) if epci else None
        c = self.likert.sum(
            ["label", "level_label"],
            commune_code=places,
            actor_type=actor_types,
            theme=[theme] if theme else None,
        )
        scale = self.scale
        if not include_missing:
            keep = ~scale["is_missing"].to_numpy()
            c, scale = c[:, keep], scale[keep]
        labels = self.likert.axes["label"]
        present = c.sum(axis=1) >= max(1, self.min_base)  # no share of a small base
        c, labels = c[present], labels[present]
        total = c.sum(axis=1, keepdims=True)
        k = len(scale)
        out = pd.DataFrame(
            {
                "group": np.repeat(labels, k),
                "level_label": np.tile(scale["level_label"], len(labels)),
                "order": np.tile(scale["order"], len(labels)),
                "is_missing": np.tile(scale["is_missing"].to_numpy(), len(labels)),
                "count": c.ravel().astype(int),
                "share": (c / np.where(total > 0, total, 1)).ravel(),
            }
        )
        order = np.argsort(out["group"].to_numpy().astype(str), kind="stable")
        out = out.iloc[order][["group", "level_label", "count", "order", "is_missing", "share"]]
        return out.astype({"share": "Float64", "order": "Int64"}).reset_index(drop=True)


def _keys(frame: pd.DataFrame, places: pd.DataFrame) -> tuple:
    placed = frame[["actor_id"]].merge(places, on="actor_id", how="left")
    theme = frame["theme"] if "theme" in frame else pd.Series(pd.NA, index=frame.index)
    return tuple(
        as_objects(s)
        for s in (frame["actor_type"], placed["epci_code"], placed["commune_code"], theme)
    )


def prepare_explorer(diag, public: bool = True) -> ExplorerData:
    """Tally and index the long tables of a `Diagnostic`, once.

    With `public` (the default: the explorer is the collective's), everything is counted
    on the public view of the actors (`diagnostic.privacy.disclosure.public_actors`): small
    types merged into « autres » or withheld, places generalised so that every (type,
    place) pair holds 0 or at least `min_group_size` actors. Every filter then selects a
    union of such pairs, and so does the difference of any two filters: no filter, nor any
    subtraction between them, isolates fewer than `min_group_size` actors.
    """
    actors, responses, answers = diag.actors, diag.responses, diag.answers
    if public:
        view = public_of(diag).actors
        kinds = dict(zip(view["actor_id"], view["actor_type"]))
        kept = responses["actor_id"].isin(set(kinds))
        responses = responses[kept].assign(
            actor_type=lambda r: r["actor_id"].map(kinds).astype("string")
        )
        answers = answers[answers["actor_id"].isin(set(kinds))]
        actors = view
    places = actors[["actor_id", "commune_code", "epci_code"]]
    likert = likert_answers(answers, diag.questions, diag.choices, actors)
    # a place per actor for the Likert tally: its commune, else its EPCI (« epci:CODE »)
    spot = places.assign(commune_code=places["commune_code"].fillna("epci:" + places["epci_code"]))[
        ["actor_id", "commune_code"]
    ]
    likert = likert.merge(spot, on="actor_id", how="left")
    # the tally finds an actor's EPCI from its commune: an EPCI-level actor gets its own
    tallied = actors[["actor_id", "epci_code"]].assign(commune_code=spot["commune_code"])
    scale = likert_scale(diag.questions, diag.choices)
    actors = actors.assign(actor_type=actors["actor_type"].fillna(NOT_GIVEN)).reset_index(drop=True)
    epci_communes = (
        spot.assign(epci_code=places["epci_code"])
        .dropna(subset=["epci_code"])
        .groupby("epci_code")["commune_code"]
        .agg(lambda s: sorted(set(s.dropna())))
        .to_dict()
    )
    return ExplorerData(
        tally=tally_responses(responses, tallied, diag.settings),
        likert=tally(
            likert,
            ["commune_code", "actor_type", "theme", "label", "level_label"],
            order={"level_label": scale["level_label"].tolist()},
        ),
        actors=actors,
        scale=scale,
        epci_communes=epci_communes,
        _actor_keys=_keys(actors, places),
        min_base=diag.settings.min_group_size if public else 1,
    )


def resource_network(
    needs: pd.DataFrame,
    offers: pd.DataFrame,
    actors: pd.DataFrame,
    category_labels: dict[str, str] | None = None,
) -> nx.Graph:
    """Two-mode network: actors linked to the resources they need or offer.

    The needs-and-offers layers of `diagnostic.analysis.network.cooperation_graph`, with
    only the actors that need or offer something.

    Returns
    -------
    networkx.Graph
    """
    return cooperation_graph(
        actors, needs=needs, offers=offers, resource_labels=category_labels, linked_only=True
    )


def participation_by_commune(participation: pd.DataFrame) -> pd.DataFrame:
    """Respondents per commune, all actor types together (from the `participation` table).

    Returns
    -------
    DataFrame
        commune_code, commune, respondents, per_1000_inhabitants; placed communes only.
    """
    validate(
        participation,
        "participation",
        ["commune_code", "commune", "respondents", "per_1000_inhabitants"],
    )
    placed = participation.dropna(subset=["commune_code"])
    out = placed.groupby("commune_code", as_index=False).agg(
        commune=("commune", "first"),
        respondents=("respondents", "sum"),
        per_1000_inhabitants=("per_1000_inhabitants", "sum"),
    )
    return out.sort_values("respondents", ascending=False).reset_index(drop=True)
