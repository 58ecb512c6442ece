"""Convergence and divergence between actor types: gaps, tests, shared priorities."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

from diagnostic.analysis import contrasts
from diagnostic.analysis._codes import first_by_code, key_codes
from diagnostic.analysis.issues import group_matrix, issue_cells
from diagnostic.i18n import text
from diagnostic.schemas import conform, validate
from diagnostic.settings import Settings

NO_TEST = "aucun (moins de deux types comparables)"


def newcombe_interval(s1: int, n1: int, s2: int, n2: int, alpha: float = 0.05):
    """Newcombe's hybrid score interval of the difference of two proportions p1 − p2.

    >>> [round(x, 4) for x in newcombe_interval(5, 5, 0, 5)]
    [0.3855, 1.0]
    """
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = (float(x) for x in contrasts.wilson(s1, n1, alpha))
    l2, u2 = (float(x) for x in contrasts.wilson(s2, n2, alpha))
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def find_divergences(
    responses: pd.DataFrame,
    settings: Settings = Settings(),
    type_labels: dict[str, str] | None = None,
    *,
    matrix: pd.DataFrame | None = None,
    cells: tuple | None = None,
) -> pd.DataFrame:
    """Per issue, the test of the support gap between actor types, and the pair it names.

    The compared cells are those of the ranking (`diagnostic.analysis.contrasts`): types
    with at least `min_group_size` actors, cells with at least `min_group_size` answers.
    The test is on the quantity shown, top-box support: Fisher–Freeman–Halton on the
    type × supports table (exact for two types, seeded Monte-Carlo with a sequential stop
    beyond),
    Benjamini–Hochberg across issues. The gap is that of the most and least supportive
    types, with Newcombe's interval; `between` names the widest pair whose pairwise Fisher
    test stays significant after Holm's correction, only for a significant issue.

    `matrix` is unused (kept for callers passing `group_matrix(responses, settings)`);
    `cells` is ``issue_cells(responses)`` when the caller has it already.

    Returns
    -------
    DataFrame
        The `divergence` table, one row per issue.
    """
    validate(responses, "responses", ["actor_id", "actor_type", "issue_id", "supports"])
    labels = type_labels or {}
    if responses.empty:
        return conform(pd.DataFrame(), "divergence")
    issues, kinds, n, s, actors = cells if cells is not None else issue_cells(responses)
    seen = n.sum(axis=1) > 0
    issues, n, s = issues[seen], n[seen], s[seen]
    label_of = first_by_code(responses["label"], *key_codes(responses["issue_id"]))
    qualify = contrasts.qualifying(actors, settings)
    show = contrasts.shown(n, qualify, settings)
    tests = contrasts.type_contrasts(s, n, qualify, settings)
    named = [labels.get(k, k) for k in kinds]
    rows = []
    for i, issue_id in enumerate(issues):
        cols = np.flatnonzero(show[i])
        row = {
            "issue_id": issue_id,
            "label": label_of[issue_id],
            "test": NO_TEST,
            "significant": False,
            "types": len(cols),
            "respondents": int(n[i, cols].sum()),
            "between": "",
        }
        if tests["tested"][i]:
            support = s[i, cols] / n[i, cols]
            hi, lo = cols[int(np.argmax(support))], cols[int(np.argmin(support))]
            low, high = newcombe_interval(
                int(s[i, hi]), int(n[i, hi]), int(s[i, lo]), int(n[i, lo])
            )
            row.update(
                gap=float(support.max() - support.min()),
                gap_ci_low=low,
                gap_ci_high=high,
                test=contrasts.FFH,
                p_value=tests["p_value"][i],
                p_adjusted=tests["p_adjusted"][i],
                significant=bool(tests["significant"][i]),
                effect_size=tests["effect_size"][i],
            )
            pair = tests["pair"][i]
            if pair:
                a, b, q = pair
                row.update(
                    between=f"{named[a]} > {named[b]}",
                    pair_gap=float(s[i, a] / n[i, a] - s[i, b] / n[i, b]),
                    pair_p_adjusted=q,
                )
        rows.append(row)
    return conform(pd.DataFrame(rows), "divergence")


def _priorities(cells: pd.DataFrame, k: int) -> set[str]:
    """Top-k issues of one type by support, keeping ties at the k-th place."""
    supported = cells[cells["support"] > 0].sort_values("support", ascending=False)
    if supported.empty:
        return set()
    cut = supported["support"].iloc[min(k, len(supported)) - 1]
    return set(supported.loc[supported["support"] >= cut, "issue_id"])


def type_similarity(
    responses: pd.DataFrame,
    settings: Settings = Settings(),
    type_labels: dict[str, str] | None = None,
    *,
    matrix: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of top priorities two actor types have in common, for every pair of types.

    Each type's priorities are its `similarity_top_k` most supported issues (ties kept);
    the similarity of two types is the number in common over the smaller list. Types below
    `min_group_size` are left out.

    `matrix` is `group_matrix(responses, settings)`, when already computed.

    Returns
    -------
    DataFrame
        The `type_similarity` table, one row per pair of eligible types.
    """
    validate(responses, "responses", ["actor_id", "actor_type", "issue_id", "supports"])
    labels = type_labels or {}
    matrix = group_matrix(responses, settings) if matrix is None else matrix
    matrix = matrix[~matrix["suppressed"]].assign(support=lambda m: m["support"].astype(float))
    tops = {
        t: _priorities(c, settings.similarity_top_k)
        for t, c in matrix.groupby("actor_type", sort=True)
    }
    issue_label = dict(zip(matrix["issue_id"], matrix["label"]))
    rows = []
    for a, b in combinations(sorted(tops), 2):
        common = sorted(tops[a] & tops[b])
        size = min(len(tops[a]), len(tops[b]))
        share = len(common) / size if size else 0.0
        la, lb = labels.get(a, a), labels.get(b, b)
        rows.append(
            {
                "type_a": a,
                "type_b": b,
                "common": len(common),
                "top_k": size,
                "similarity": share,
                "issues": " ; ".join(issue_label[i] for i in common),
                "text": text("similarity", settings.language, a=la, b=lb, share=share * 100),
            }
        )
    return conform(pd.DataFrame(rows), "type_similarity")
