"""Convergence and divergence between actor types: gaps, tests, shared priorities."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from diagnostic.analysis._codes import first_by_code, kept_rows, key_codes, level_codes
from diagnostic.analysis.issues import group_matrix
from diagnostic.i18n import label, text
from diagnostic.schemas import conform, validate
from diagnostic.settings import Settings

NO_TEST = "aucun (moins de deux types comparables)"


def newcombe_interval(s1: int, n1: int, s2: int, n2: int, alpha: float = 0.05):
    """Newcombe's hybrid score interval of the difference of two proportions p1 − p2.

    >>> [round(x, 4) for x in newcombe_interval(5, 5, 0, 5)]
    [0.3855, 1.0]
    """
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = proportion_confint(s1, n1, alpha=alpha, method="wilson")
    l2, u2 = proportion_confint(s2, n2, alpha=alpha, method="wilson")
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


class _Counts:
    """Every contingency table the tests need, counted once over all issues.

    `levels[issue, type, level]` counts Likert answers, `support[issue, type, 0|1]`
    counts (not) supporting answers, `rows[issue, type]` counts every answer; issues and
    types are the sorted codes of the `responses` columns (the groupby order).
    """

    def __init__(self, responses: pd.DataFrame):
        kind, self.kinds = key_codes(responses["actor_type"])
        issue, self.issues = key_codes(responses["issue_id"])
        known = (kind >= 0) & (issue >= 0)
        n_issues, n_kinds = len(self.issues), len(self.kinds)
        cell = issue * n_kinds + kind
        level = responses["level"].to_numpy(dtype=float, na_value=np.nan)
        rated = known & ~np.isnan(level)
        level_code, self.values = level_codes(kept_rows(level, rated))
        n_values = len(self.values)
        self.levels = np.bincount(
            kept_rows(cell, rated) * n_values + level_code, minlength=n_issues * n_kinds * n_values
        ).reshape(n_issues, n_kinds, n_values)
        supports = responses["supports"].to_numpy(dtype=bool)
        self.support = np.bincount(
            kept_rows(cell, known) * 2 + kept_rows(supports, known),
            minlength=n_issues * n_kinds * 2,
        ).reshape(n_issues, n_kinds, 2)
        self.rows = self.support.sum(axis=2)
        self.label = first_by_code(responses["label"], issue, self.issues)
        self.seen = np.flatnonzero(np.bincount(kept_rows(issue, issue >= 0), minlength=n_issues))

    def test(self, i: int, eligible: list[str]) -> tuple[str, float, float]:
        """Kruskal–Wallis on Likert levels, else Fisher (2 types) or χ² on support."""
        kinds = np.sort(self.kinds.get_indexer(eligible))
        kinds = kinds[(kinds >= 0) & (self.rows[i, kinds] > 0)]
        levels = self.levels[i, kinds]
        if levels.sum():
            n = int(levels.sum())
            h, p = (
                _kruskal(levels)
                if levels.sum(axis=1).all()
                else stats.kruskal(*[np.repeat(self.values, counts) for counts in levels])
            )
            if not np.isfinite(h):  # every answer identical: nothing to tell apart
                return "Kruskal-Wallis", 1.0, 0.0
            return "Kruskal-Wallis", float(p), float(h / (n - 1))
        table = self.support[i, kinds][:, ::-1]  # columns: supports, does not
        n = int(table.sum())
        if (table.sum(axis=0) == 0).any():  # nobody (or everybody) supports: no difference
            return ("Fisher" if len(table) == 2 else "khi-deux"), 1.0, 0.0
        chi2 = stats.chi2_contingency(table, correction=False)[0]
        effect = math.sqrt(chi2 / (n * (min(table.shape) - 1)))
        if len(table) == 2:
            return "Fisher", float(stats.fisher_exact(table)[1]), effect
        return "khi-deux", float(stats.chi2_contingency(table)[1]), effect


def _kruskal(counts: np.ndarray) -> tuple[float, float]:
    """``scipy.stats.kruskal`` of groups given as counts of each sorted level (groups ×
    levels), step for step as scipy computes it, without sorting each answer again.

    Ranks of tied answers are averages (multiples of ½), so the rank sums below are exact
    and equal to scipy's, whatever the order of the answers.
    """
    by_level = counts.sum(axis=0)
    before = np.cumsum(by_level) - by_level
    mean_rank = (before + (by_level + 1) / 2).astype(float)
    sizes = counts.sum(axis=1)
    totaln = int(sizes.sum())
    tied = by_level[by_level > 0].astype(float)
    ties = 1 - np.sum(tied**3 - tied) / (totaln**3 - totaln)
    ssbn = sum(np.float64(counts[i] @ mean_rank) ** 2 / int(sizes[i]) for i in range(len(counts)))
    h = 12.0 / (totaln * (totaln + 1)) * ssbn - 3 * (totaln + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        h /= ties
    return h, special.chdtrc(np.asarray(len(counts) - 1, dtype=float), h)


def find_divergences(
    responses: pd.DataFrame,
    settings: Settings = Settings(),
    type_labels: dict[str, str] | None = None,
    *,
    matrix: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per issue, the support gap between the most and least supportive eligible types.

    Only types with at least `min_group_size` respondents are compared. The gap comes with
    Newcombe's interval; the test (Kruskal–Wallis on Likert levels, Fisher or χ² on
    support) is a flag next to the effect size, its p-values corrected by
    Benjamini–Hochberg across issues.

    `matrix` is `group_matrix(responses, settings)`, when already computed.

    Returns
    -------
    DataFrame
        The `divergence` table, one row per issue.
    """
    validate(responses, "responses", ["actor_id", "actor_type", "issue_id", "supports"])
    labels = type_labels or {}
    matrix = group_matrix(responses, settings) if matrix is None else matrix
    eligible = matrix[~matrix["suppressed"]]
    cells_of = {issue: cells for issue, cells in eligible.groupby("issue_id", sort=False)}
    counts = _Counts(responses)
    rows = []
    for i in counts.seen:
        issue_id = counts.issues[i]
        cells = cells_of.get(issue_id, eligible.iloc[0:0])
        row = {
            "issue_id": issue_id,
            "label": counts.label[issue_id],
            "test": label(NO_TEST, settings.language),
            "significant": False,
        }
        if len(cells) >= 2:
            support = cells["support"].astype(float).to_numpy()
            hi, lo = cells.iloc[int(np.argmax(support))], cells.iloc[int(np.argmin(support))]
            low, high = newcombe_interval(
                int(hi["supporters"]),
                int(hi["respondents"]),
                int(lo["supporters"]),
                int(lo["respondents"]),
            )
            test, p, effect = counts.test(i, cells["actor_type"].tolist())
            row.update(
                gap=support.max() - support.min(),
                gap_ci_low=low,
                gap_ci_high=high,
                test=label(test, settings.language),
                p_value=p,
                effect_size=effect,
                between=(
                    f"{labels.get(hi['actor_type'], hi['actor_type'])} > "
                    f"{labels.get(lo['actor_type'], lo['actor_type'])}"
                ),
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return conform(out, "divergence")
    tested = out["p_value"].notna() if "p_value" in out else pd.Series(False, index=out.index)
    if tested.any():
        reject, adjusted, _, _ = multipletests(
            out.loc[tested, "p_value"].astype(float),
            alpha=settings.divergence_alpha,
            method="fdr_bh",
        )
        out.loc[tested, "p_adjusted"] = adjusted
        out.loc[tested, "significant"] = reject
    return conform(out, "divergence")


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
