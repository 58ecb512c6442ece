"""Rules shared by the ranking, its fast path and the divergence table, on plain counts.

Every function takes the supporters `s` and respondents `n` of each issue (rows) and actor
type (columns), so that `issues.rank_issues`, `tallies.IssueTally.rank` and
`divergence.find_divergences` apply exactly the same rules:

- the *qualifying* types are those with at least `min_group_size` actors who answered an
  issue question: a fixed set, the same for every issue;
- a cell is *shown* when its type qualifies and the cell has at least `min_group_size`
  answers;
- a type *shares* an issue when the lower bound of the Wilson 95 % interval of its support
  reaches `support_threshold` (not the point estimate: 2 of 5 does not count as 30 %);
- the gap between types is *tested* on the quantity shown, top-box support, with the
  Fisher–Freeman–Halton test on the 2 × k table (exact for two types, Monte-Carlo with a
  fixed seed and a sequential stop otherwise), Benjamini–Hochberg over the issues; the pair named « X > Y » is the
  widest pair among the pairwise Fisher tests that Holm's correction keeps.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import combinations

import numpy as np
from scipy import special

from diagnostic.settings import Settings

#: Name of the test on the type × supports table.
FFH = "Fisher-Freeman-Halton"
#: Monte-Carlo draws of the test beyond two types, and their seed (results reproducible).
RESAMPLES = 9999
SEED = 20240517
#: Besag–Clifford sequential stop: this many tables as rare as the one seen end the draws.
AS_RARE = 100
BATCH = 1000


def wilson(s, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval (1 − `alpha`, two-sided) of the proportion s / n, n > 0,
    bounds clipped to [0, 1]: the formula of statsmodels' ``proportion_confint(method=
    "wilson")``, written here because importing statsmodels (and scipy.stats with it)
    costs a run 0.6 s for these few lines (tests compare the two).

    >>> [round(float(x), 4) for x in wilson(5, 5)]
    [0.5655, 1.0]
    """
    s, n = np.asarray(s, dtype=float), np.asarray(n, dtype=float)
    q = s / n
    crit = -special.ndtri(alpha / 2)  # scipy.stats.norm.isf(alpha / 2)
    crit2 = crit**2
    denom = 1 + crit2 / n
    center = (q + crit2 / (2 * n)) / denom
    dist = crit * np.sqrt(q * (1.0 - q) / n + crit2 / (4.0 * n**2)) / denom
    return np.clip(center - dist, 0, 1), np.clip(center + dist, 0, 1)


def wilson_low(s, n) -> np.ndarray:
    """Lower bound of the Wilson 95 % interval of s / n (NaN where n is 0)."""
    s, n = np.asarray(s, dtype=float), np.asarray(n, dtype=float)
    out = np.full(s.shape, np.nan)
    seen = n > 0
    out[seen] = wilson(s[seen], n[seen])[0]
    return out


def benjamini_hochberg(p, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """(rejected, adjusted p-values) of Benjamini–Hochberg's step-up procedure at false
    discovery rate `alpha`: as statsmodels' ``multipletests(p, alpha, method="fdr_bh")``
    gives them (see `wilson` for why it is written here)."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p)
    ranked = p[order]
    factor = np.arange(1, len(p) + 1) / float(len(p))
    reject = ranked <= factor * alpha
    if reject.any():
        reject[: np.flatnonzero(reject).max()] = True
    adjusted = np.minimum.accumulate((ranked / factor)[::-1])[::-1]
    adjusted[adjusted > 1] = 1
    out_reject, out_adjusted = np.empty_like(reject), np.empty_like(adjusted)
    out_reject[order], out_adjusted[order] = reject, adjusted
    return out_reject, out_adjusted


def qualifying(actors_by_type, settings: Settings) -> np.ndarray:
    """Which types are compared: those with at least `min_group_size` actors."""
    return np.asarray(actors_by_type) >= settings.min_group_size


def shown(n: np.ndarray, qualify: np.ndarray, settings: Settings) -> np.ndarray:
    """Cells (issues × types) whose support is published and compared."""
    return qualify[None, :] & (n >= settings.min_group_size)


def ranking_columns(s, n, qualify, settings: Settings) -> dict:
    """Per issue: breadth (types sharing it), mean and lowest support over the shown cells,
    how many cells are shown, and which types share it (issues × types booleans)."""
    s, n = np.asarray(s, dtype=float), np.asarray(n, dtype=float)
    show = shown(n, qualify, settings)
    with np.errstate(divide="ignore", invalid="ignore"):
        support = np.where(show, s / n, np.nan)
    sharing = show & (np.nan_to_num(wilson_low(s, n), nan=-1.0) >= settings.support_threshold)
    count = show.sum(axis=1)
    total = np.where(show, support, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    low = np.where(count > 0, np.where(show, support, np.inf).min(axis=1, initial=np.inf), np.nan)
    high = np.where(
        count > 0, np.where(show, support, -np.inf).max(axis=1, initial=-np.inf), np.nan
    )
    return {
        "support": support,
        "sharing": sharing,
        "breadth": sharing.sum(axis=1),
        "type_mean": mean,
        "min_support": low,
        "gap": np.where(count >= 2, high - low, 0.0),
        "count": count,
        "qualifying": int(np.sum(qualify)),
    }


def median_level(counts: np.ndarray) -> float:
    """Median of levels 1..k given how many answers each level has (the mean of the two
    middle answers when their number is even); NaN without answers."""
    total = int(counts.sum())
    if not total:
        return float("nan")
    cum = np.cumsum(counts)
    lo = int(np.searchsorted(cum, (total - 1) // 2, side="right")) + 1
    hi = int(np.searchsorted(cum, total // 2, side="right")) + 1
    return (lo + hi) / 2


def consensus_level(counts: np.ndarray) -> float:
    """Tastle–Wierman consensus from the answers per level 1..k (see `issues.consensus`)."""
    total = counts.sum()
    k = len(counts)
    if not total or k < 2:
        return float("nan")
    x = np.arange(1, k + 1)[counts > 0]
    p = counts[counts > 0] / total
    mu = float((p * x).sum())
    return float(1 + (p * np.log2(1 - np.abs(x - mu) / (k - 1))).sum())


def ranking_order(breadth, type_mean, support, respondents, issue_ids) -> np.ndarray:
    """Positions of the issues from first to last: breadth, then mean support by type, then
    overall support, then number of answers (all decreasing; a missing mean comes last);
    only issues equal on all four follow their identifiers."""
    ids = np.asarray([str(i) for i in issue_ids], dtype=object)
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    mean = np.asarray(type_mean, dtype=float)
    keys = (
        id_rank,
        -np.asarray(respondents, dtype=float),
        -np.asarray(support, dtype=float),
        np.where(np.isnan(mean), np.inf, -mean),
        np.isnan(mean),
        -np.asarray(breadth, dtype=float),
    )
    return np.lexsort(keys)


def _log_choose(n: int, x: np.ndarray) -> np.ndarray:
    """log C(n, x) for an array of x."""
    return special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)


@lru_cache(maxsize=65536)
def _fisher(s1: int, n1: int, s2: int, n2: int) -> float:
    """Two-sided Fisher exact p-value of s1 / n1 against s2 / n2: the probability of every
    table as rare as the one seen (hypergeometric, same margins), as
    ``scipy.stats.fisher_exact`` computes it, on the whole support at once."""
    total = s1 + s2
    if total in (0, n1 + n2):
        return 1.0
    x = np.arange(max(0, total - n2), min(n1, total) + 1)
    log_p = _log_choose(n1, x) + _log_choose(n2, total - x)
    seen = log_p[s1 - x[0]]
    weights = np.exp(log_p - log_p.max())
    return float(min(1.0, weights[log_p <= seen + 1e-7].sum() / weights.sum()))


@lru_cache(maxsize=65536)
def _ffh(s: tuple, n: tuple) -> float:
    """P-value of the Fisher–Freeman–Halton test of supporters `s` among `n` per type: the
    probability of a table as rare as the one seen among the tables with the same margins.

    Two types: exact (`_fisher`). More: Monte-Carlo, tables drawn from the multivariate
    hypergeometric distribution with a fixed seed, in batches, with Besag and Clifford's
    sequential stop: after `AS_RARE` tables as rare as the one seen among L draws,
    p = AS_RARE / L (a large p-value needs few draws); otherwise, after `RESAMPLES` draws,
    p = (1 + as rare) / (1 + RESAMPLES), as ``scipy.stats.fisher_exact(table,
    method=MonteCarloMethod(...))`` gives it.
    """
    total = sum(s)
    if len(s) < 2 or total in (0, sum(n)):  # nobody (or everybody) supports
        return 1.0
    if len(s) == 2:
        return _fisher(s[0], n[0], s[1], n[1])
    tables = [_log_choose(m, np.arange(m + 1)) for m in n]
    seen = sum(table[x] for table, x in zip(tables, s)) + 1e-7
    rng = np.random.default_rng(SEED)
    done = rare = 0
    while done < RESAMPLES:
        size = min(BATCH, RESAMPLES - done)
        draws = rng.multivariate_hypergeometric(np.array(n), total, size=size)
        stat = sum(table[draws[:, j]] for j, table in enumerate(tables))
        count = rare + np.cumsum(stat <= seen)
        if count[-1] >= AS_RARE:
            return AS_RARE / (done + int(np.argmax(count >= AS_RARE)) + 1)
        done, rare = done + size, int(count[-1])
    return (1 + rare) / (1 + RESAMPLES)


def support_test(s, n) -> tuple[float, float]:
    """Fisher–Freeman–Halton p-value and Cramér's V of the supporters `s` among `n` answers
    of each compared type."""
    s, n = np.asarray(s, dtype=np.int64), np.asarray(n, dtype=np.int64)
    table = np.vstack([s, n - s])
    p = _ffh(tuple(s.tolist()), tuple(n.tolist()))
    total = int(n.sum())
    if (table.sum(axis=1) == 0).any():
        return p, 0.0
    expected = table.sum(axis=1)[:, None] * n[None, :] / total  # Pearson's χ², by cell
    chi2 = float((((table - expected) ** 2)[expected > 0] / expected[expected > 0]).sum())
    return p, math.sqrt(chi2 / total)


def holm(p) -> np.ndarray:
    """Holm's step-down adjusted p-values (as ``multipletests(p, method="holm")`` gives
    them; that function runs the garbage collector at each call, a third of a second)."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = stepped
    return out


def pairwise(s, n, alpha: float) -> tuple[int, int, float] | None:
    """The pair of types named « X > Y »: among the pairs whose two-sided Fisher test stays
    significant after Holm's correction (over every pair of the issue), the widest gap (then
    the smallest p); None when no pair is significant. Returns (higher, lower, Holm p)."""
    s, n = np.asarray(s, dtype=np.int64), np.asarray(n, dtype=np.int64)
    pairs = list(combinations(range(len(s)), 2))
    if not pairs:
        return None
    p = [_fisher(int(s[a]), int(n[a]), int(s[b]), int(n[b])) for a, b in pairs]
    adjusted = holm(p)
    reject = adjusted < alpha
    best = None
    for (a, b), keep, q in zip(pairs, reject, adjusted):
        if not keep:
            continue
        gap = abs(s[a] / n[a] - s[b] / n[b])
        if best is None or (gap, -q) > (best[0], -best[3]):
            hi, lo = (a, b) if s[a] / n[a] >= s[b] / n[b] else (b, a)
            best = (gap, hi, lo, float(q))
    return None if best is None else best[1:]


def type_contrasts(s, n, qualify, settings: Settings) -> dict:
    """The tests of every issue (rows of `s`, `n`) over its shown cells.

    Returns arrays per issue: ``tested`` (at least two shown cells), ``p_value``,
    ``p_adjusted`` (Benjamini–Hochberg over the tested issues), ``significant``,
    ``effect_size`` (Cramér's V), and ``pair`` (list of (higher, lower, Holm p) type
    positions, or None: only for significant issues).
    """
    s, n = np.asarray(s, dtype=np.int64), np.asarray(n, dtype=np.int64)
    show = shown(n, qualify, settings)
    issues = len(s)
    p = np.full(issues, np.nan)
    effect = np.full(issues, np.nan)
    tested = show.sum(axis=1) >= 2
    for i in np.flatnonzero(tested):
        cols = np.flatnonzero(show[i])
        p[i], effect[i] = support_test(s[i, cols], n[i, cols])
    adjusted = np.full(issues, np.nan)
    significant = np.zeros(issues, dtype=bool)
    if tested.any():
        reject, adj = benjamini_hochberg(p[tested], settings.divergence_alpha)
        adjusted[tested], significant[tested] = adj, reject
    pair = [None] * issues
    for i in np.flatnonzero(significant):
        cols = np.flatnonzero(show[i])
        found = pairwise(s[i, cols], n[i, cols], settings.divergence_alpha)
        if found:
            pair[i] = (int(cols[found[0]]), int(cols[found[1]]), found[2])  # type: ignore[call-overload]
    return {
        "tested": tested,
        "p_value": p,
        "p_adjusted": adjusted,
        "significant": significant,
        "effect_size": effect,
        "pair": pair,
    }


def tags(columns: dict, contrasts: dict, settings: Settings) -> list[str]:
    """The profile code of each issue (see `issues.TRANSVERSAL` …)."""
    from diagnostic.analysis.tags import DIVISIVE, MINOR, SPECIFIC, TRANSVERSAL

    wide = max(2, math.ceil(settings.transversal_share * columns["qualifying"]))
    out = []
    for breadth, gap, significant in zip(
        columns["breadth"], columns["gap"], contrasts["significant"]
    ):
        if significant and gap >= settings.divisive_gap:
            out.append(DIVISIVE)
        elif breadth >= wide:
            out.append(TRANSVERSAL)
        elif breadth >= 1:
            out.append(SPECIFIC)
        else:
            out.append(MINOR)
    return out
