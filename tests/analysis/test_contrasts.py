"""The example's ranking, tags and tests recomputed independently: plain pandas, scipy's
Fisher exact test, an exact enumeration of the Fisher–Freeman–Halton test, Wilson bounds
and Benjamini–Hochberg written out here."""

import math
from itertools import combinations

import numpy as np
import pytest
from scipy.stats import fisher_exact

Z = 1.959963984540054


def _wilson_low(s, n):
    p = s / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    return centre - Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))


def _exact_ffh(s, n):
    """Every 2 × k table with the margins of (s, n), weighted by prod C(n_j, x_j)."""
    logs = [
        np.array(
            [math.lgamma(m + 1) - math.lgamma(x + 1) - math.lgamma(m - x + 1) for x in range(m + 1)]
        )
        for m in n
    ]
    total = sum(s)
    grid = np.zeros(1)
    sums = np.zeros(1, dtype=int)
    for lw in logs:  # build every table column by column (kept only while sum <= total)
        grid = (grid[:, None] + lw[None, :]).ravel()
        sums = (sums[:, None] + np.arange(len(lw))[None, :]).ravel()
        keep = sums <= total
        grid, sums = grid[keep], sums[keep]
    grid = grid[sums == total]
    seen = sum(lw[x] for lw, x in zip(logs, s))
    w = np.exp(grid - grid.max())
    return float(w[grid <= seen + 1e-7].sum() / w.sum())


def _bh(p):
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p)
    adj = np.empty(m)
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        adj[i] = running
    return adj


def test_example_tags_tests_and_order_recomputed(example_diag):
    d, st = example_diag, example_diag.settings
    r = d.responses.astype({"actor_type": object, "issue_id": object, "actor_id": object})
    actors = r.drop_duplicates("actor_id").groupby("actor_type").size()
    compared = sorted(actors[actors >= st.min_group_size].index)
    assert compared == ["association", "collectivite", "cooperative", "entreprise"]
    cells = r.groupby(["issue_id", "actor_type"])["supports"].agg(["sum", "size"])
    expected = {}
    for issue in sorted(r["issue_id"].unique()):
        c = cells.loc[issue]
        c = c[c.index.isin(compared) & (c["size"] >= st.min_group_size)]
        s, n = c["sum"].astype(int).tolist(), c["size"].astype(int).tolist()
        share = [a / b for a, b in zip(s, n)]
        sharing = sum(_wilson_low(a, b) >= st.support_threshold for a, b in zip(s, n))
        everyone = r[r["issue_id"] == issue]
        expected[issue] = {
            "p": _exact_ffh(s, n),
            "gap": max(share) - min(share),
            "breadth": sharing,
            "mean": sum(share) / len(share),
            "support": everyone["supports"].mean(),
            "answers": len(everyone),
            "types": list(c.index),
            "s": s,
            "n": n,
        }
    issues = sorted(expected)
    adj = dict(zip(issues, _bh([expected[i]["p"] for i in issues])))
    div = d.divergence.set_index("issue_id")
    ranking = d.issue_ranking.set_index("issue_id")
    wide = max(2, math.ceil(st.transversal_share * len(compared)))
    published = div.loc[issues, "p_value"].astype(float).tolist()
    published_adj = dict(zip(issues, _bh(published)))
    for issue, e in expected.items():
        got = div.loc[issue]
        # Monte-Carlo: up to 9 999 draws, or until 100 tables as rare (relative error ~ 10 %)
        assert got["p_value"] == pytest.approx(e["p"], rel=0.35, abs=0.006)
        # Benjamini–Hochberg by hand on the published p-values gives the adjusted ones
        assert got["p_adjusted"] == pytest.approx(published_adj[issue])
        significant = adj[issue] < st.divergence_alpha
        assert bool(got["significant"]) == significant
        assert got["gap"] == pytest.approx(e["gap"])
        assert ranking.at[issue, "breadth"] == e["breadth"]
        assert ranking.at[issue, "support_by_type_mean"] == pytest.approx(e["mean"])
        if significant and e["gap"] >= st.divisive_gap:
            tag = "clivant"
        elif e["breadth"] >= wide:
            tag = "transversal"
        elif e["breadth"] >= 1:
            tag = "spécifique à un groupe"
        else:
            tag = "peu partagé"
        assert ranking.at[issue, "tag"] == tag
        # the pair: widest pair whose Fisher test stays significant after Holm
        pairs = list(combinations(range(len(e["s"])), 2))
        p = [
            fisher_exact([[e["s"][a], e["n"][a] - e["s"][a]], [e["s"][b], e["n"][b] - e["s"][b]]])[
                1
            ]
            for a, b in pairs
        ]
        order = np.argsort(p)
        holm = np.empty(len(p))
        running = 0.0
        for k, i in enumerate(order):
            running = max(running, min(1.0, (len(p) - k) * p[i]))
            holm[i] = running
        kept = [
            (abs(e["s"][a] / e["n"][a] - e["s"][b] / e["n"][b]), a, b)
            for (a, b), q in zip(pairs, holm)
            if q < st.divergence_alpha
        ]
        names = {
            "association": "Association ou structure de l'ESS",
            "collectivite": "Commune ou intercommunalité",
            "cooperative": "Coopérative",
            "entreprise": "Entreprise, artisan ou commerce",
        }
        if significant and kept:
            _, a, b = max(kept)
            hi, lo = (a, b) if e["s"][a] / e["n"][a] > e["s"][b] / e["n"][b] else (b, a)
            assert got["between"] == f"{names[e['types'][hi]]} > {names[e['types'][lo]]}"
        else:
            assert got["between"] == ""
    # the order: breadth, type mean, support, answers (all decreasing)
    by_hand = sorted(
        expected,
        key=lambda i: (
            -expected[i]["breadth"],
            -expected[i]["mean"],
            -expected[i]["support"],
            -expected[i]["answers"],
        ),
    )
    assert d.issue_ranking["issue_id"].tolist() == by_hand


def test_wilson_interval_is_statsmodels_wilson():
    """`contrasts.wilson` (written out to spare a run statsmodels' import) gives, to the
    last bit, statsmodels' Wilson interval: the values every published bound came from."""
    from statsmodels.stats.proportion import proportion_confint

    from diagnostic.analysis.contrasts import wilson

    rng = np.random.default_rng(7)
    n = rng.integers(1, 500, 2000)
    s = (rng.random(2000) * (n + 1)).astype(int).clip(0, n)
    s[:3], n[:3] = [0, 5, 1], [7, 5, 1]  # none, all, a single answer
    for alpha in (0.05, 0.1, 0.01):
        low, high = wilson(s, n, alpha)
        ref_low, ref_high = proportion_confint(s, n, alpha=alpha, method="wilson")
        assert np.array_equal(low, ref_low) and np.array_equal(high, ref_high)
    assert wilson(5, 5)[1] == 1.0 and wilson(0, 7)[0] == pytest.approx(0, abs=1e-15)
    # by hand: 3 of 10, 95 %, z = 1.959963984540054
    p, z = 0.3, Z
    centre = (p + z * z / 20) / (1 + z * z / 10)
    half = z * math.sqrt(p * (1 - p) / 10 + z * z / 400) / (1 + z * z / 10)
    assert wilson(3, 10)[0] == pytest.approx(centre - half, rel=1e-12)
    assert wilson(3, 10)[1] == pytest.approx(centre + half, rel=1e-12)


def test_benjamini_hochberg_is_statsmodels_fdr_bh():
    from statsmodels.stats.multitest import multipletests

    from diagnostic.analysis.contrasts import benjamini_hochberg

    rng = np.random.default_rng(11)
    for size in (1, 2, 5, 62, 300):
        p = rng.random(size) ** 3
        p[: size // 3] = p[0]  # ties
        for alpha in (0.05, 0.2):
            reject, adjusted = benjamini_hochberg(p, alpha)
            ref_reject, ref_adjusted, _, _ = multipletests(p, alpha=alpha, method="fdr_bh")
            assert np.array_equal(reject, ref_reject)
            assert np.array_equal(adjusted, ref_adjusted)
    # by hand: p = 0.01, 0.04, 0.03, 0.2 → sorted 0.01, 0.03, 0.04, 0.2; p·m/rank = 0.04,
    # 0.06, 0.0533…, 0.2, then the minimum from the right: 0.04, 0.0533…, 0.0533…, 0.2
    reject, adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.2], 0.05)
    assert adjusted.tolist() == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])
    assert reject.tolist() == [True, False, False, False]
