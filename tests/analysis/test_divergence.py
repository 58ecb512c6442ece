import math

import pandas as pd
import pytest
from conftest import likert_responses
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diagnostic import Settings, find_divergences, group_matrix, rank_issues
from diagnostic.analysis.divergence import NO_TEST, newcombe_interval, type_similarity

Z = 1.959963984540054


def _binary(rows):
    """rows: (actor_id, actor_type, issue_id, ticked) for a multi-select issue."""
    df = pd.DataFrame(rows, columns=["actor_id", "actor_type", "issue_id", "supports"])
    return df.assign(label=df["issue_id"].str.upper(), theme="t", level=pd.NA, levels=pd.NA)


def _wilson(s, n):
    p = s / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("s1, n1, s2, n2", [(5, 5, 0, 5), (3, 6, 1, 5), (2, 8, 2, 8)])
def test_newcombe_interval_by_hand(s1, n1, s2, n2):
    (l1, u1), (l2, u2) = _wilson(s1, n1), _wilson(s2, n2)
    p1, p2 = s1 / n1, s2 / n2
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert newcombe_interval(s1, n1, s2, n2) == pytest.approx((low, high))


def test_fisher_on_binary_support_two_types():
    rows = [(f"a{i}", "a", "x", True) for i in range(5)] + [
        (f"b{i}", "b", "x", False) for i in range(5)
    ]
    r = find_divergences(_binary(rows), Settings(min_group_size=5)).iloc[0]
    assert r["test"] == "Fisher-Freeman-Halton"
    assert r["gap"] == 1.0
    # two-sided Fisher: the two extreme tables, each 1 / C(10, 5)
    assert r["p_value"] == pytest.approx(2 / math.comb(10, 5))
    assert r["effect_size"] == pytest.approx(1.0)  # phi of a perfect split
    assert r["gap_ci_low"] == pytest.approx(1 - math.sqrt(2) * (Z * Z / (5 + Z * Z)))
    assert r["between"] == "a > b" and r["significant"]


def _exact_ffh(supporters, sizes):
    """Fisher–Freeman–Halton p-value of a 2 × k table by enumerating every table with the
    same margins (hypergeometric weights): the independent reference of the test."""
    from itertools import product

    total = sum(supporters)
    weight = lambda xs: math.prod(math.comb(n, x) for x, n in zip(xs, sizes))  # noqa: E731
    tables = [xs for xs in product(*(range(n + 1) for n in sizes)) if sum(xs) == total]
    all_weights = sum(weight(xs) for xs in tables)
    seen = weight(supporters)
    return sum(weight(xs) for xs in tables if weight(xs) <= seen * (1 + 1e-7)) / all_weights


def test_freeman_halton_three_types_against_full_enumeration():
    from scipy.stats import fisher_exact

    counts = {"a": (7, 8), "b": (1, 8), "c": (4, 8)}  # supporters, respondents
    rows = [(f"{t}{i}", t, "x", i < s) for t, (s, n) in counts.items() for i in range(n)]
    r = find_divergences(_binary(rows), Settings(min_group_size=5)).iloc[0]
    exact = _exact_ffh([7, 1, 4], [8, 8, 8])
    assert r["test"] == "Fisher-Freeman-Halton"
    assert abs(r["p_value"] - exact) < 0.005  # Monte-Carlo, 9 999 draws
    # Cramér's V: expected 4 supporters and 4 non-supporters in each type
    stat = sum((s - 4) ** 2 / 4 + ((n - s) - 4) ** 2 / 4 for s, n in counts.values())
    assert r["effect_size"] == pytest.approx(math.sqrt(stat / 24))
    assert r["gap"] == pytest.approx(6 / 8)
    assert r["types"] == 3 and r["respondents"] == 24
    # post hoc: Fisher on each pair, Holm over the 3 pairs; a vs b is the smallest p
    p = sorted(
        [
            fisher_exact([[7, 1], [1, 7]])[1],
            fisher_exact([[7, 1], [4, 4]])[1],
            fisher_exact([[4, 4], [1, 7]])[1],
        ]
    )
    assert p[0] == fisher_exact([[7, 1], [1, 7]])[1]
    assert r["significant"] and r["between"] == "a > b"
    assert r["pair_p_adjusted"] == pytest.approx(3 * p[0])
    assert r["pair_gap"] == pytest.approx(6 / 8)
    # the same table gives the same p-value again (seeded draws)
    again = find_divergences(_binary(rows), Settings(min_group_size=5)).iloc[0]
    assert again["p_value"] == r["p_value"]


def test_top_box_support_is_tested_on_a_likert_issue():
    a, b = [1, 1, 2, 2, 3], [3, 4, 4, 5, 5]
    rows = [(f"a{i}", "a", "x", v) for i, v in enumerate(a)] + [
        (f"b{i}", "b", "x", v) for i, v in enumerate(b)
    ]
    r = find_divergences(likert_responses(rows)).iloc[0]
    # supports (levels 4-5): a 0 of 5, b 4 of 5; 4 supporters among 10, 5 in a:
    # P(x in a) = C(5, x) C(5, 4 - x) / C(10, 4); x = 0 and x = 4 are the tables as rare
    assert r["test"] == "Fisher-Freeman-Halton"
    assert r["p_value"] == pytest.approx(2 * math.comb(5, 4) / math.comb(10, 4))
    assert r["gap"] == pytest.approx(4 / 5)


def test_a_wide_gap_that_the_test_does_not_confirm_is_not_divisive():
    # 3 of 5 against 0 of 5: a 60-point gap, Fisher p = 0.167 -> no « clivant », no pair
    rows = [(f"a{i}", "a", "x", i < 3) for i in range(5)]
    rows += [(f"b{i}", "b", "x", False) for i in range(5)]
    r = find_divergences(_binary(rows)).iloc[0]
    assert r["gap"] == pytest.approx(0.6) and r["between"] == ""
    assert r["p_value"] == pytest.approx(2 * math.comb(5, 3) / math.comb(10, 3))
    assert not r["significant"]
    ranking = rank_issues(_binary(rows)).iloc[0]
    assert ranking["tag"] != "clivant" and "écart" not in ranking["reason"]


def test_benjamini_hochberg_by_hand():
    rows = []
    for issue, split in (("x", 5), ("y", 3), ("z", 1)):
        rows += [(f"a{i}", "a", issue, i < split) for i in range(6)]
        rows += [(f"b{i}", "b", issue, False) for i in range(6)]
    out = find_divergences(_binary(rows), Settings(min_group_size=5)).set_index("issue_id")
    p = out["p_value"].astype(float)
    ranked = p.sort_values()
    m = len(p)
    adj = [min(1.0, min(ranked.iloc[j] * m / (j + 1) for j in range(i, m))) for i in range(m)]
    assert out.loc[ranked.index, "p_adjusted"].tolist() == pytest.approx(adj)
    assert out["significant"].tolist() == [bool(v < 0.05) for v in out["p_adjusted"]]


@pytest.mark.parametrize(
    "rows, expected_test",
    [
        (
            [(f"a{i}", "a", "x", True) for i in range(5)]
            + [(f"b{i}", "b", "x", True) for i in range(4)],
            NO_TEST,
        ),
        ([(f"a{i}", "a", "x", True) for i in range(5)], NO_TEST),  # one actor type only
    ],
)
def test_no_test_without_two_comparable_types(rows, expected_test):
    r = find_divergences(_binary(rows), Settings(min_group_size=5)).iloc[0]
    assert r["test"] == expected_test and pd.isna(r["gap"]) and pd.isna(r["p_value"])
    assert not r["significant"]


def test_issue_nobody_cites_is_not_divergent():
    rows = [(f"{t}{i}", t, "x", False) for t in "ab" for i in range(5)]
    r = find_divergences(_binary(rows)).iloc[0]
    assert r["gap"] == 0 and r["p_value"] == 1.0 and not r["significant"]


def test_type_similarity_top_k_with_ties():
    # type a supports x, y, z fully; b supports x, then w; c has 4 actors (suppressed)
    rows = []
    for i in range(5):
        rows += [(f"a{i}", "a", q, 5) for q in "xyz"] + [(f"a{i}", "a", "w", 1)]
        rows += [
            (f"b{i}", "b", "x", 5),
            (f"b{i}", "b", "w", 5 if i < 3 else 1),
            (f"b{i}", "b", "y", 1),
            (f"b{i}", "b", "z", 1),
        ]
    rows += [(f"c{i}", "c", "x", 5) for i in range(4)]
    out = type_similarity(
        likert_responses(rows), Settings(similarity_top_k=2), {"a": "Associations"}
    )
    r = out.iloc[0]
    assert len(out) == 1 and (r["type_a"], r["type_b"]) == ("a", "b")
    # a's top 2 with ties: {x, y, z}; b's: {x, w}; 1 in common over the smaller list (2)
    assert r["common"] == 1 and r["top_k"] == 2 and r["similarity"] == 0.5
    assert r["text"] == "« Associations » et « b » partagent 50 % de leurs priorités"


def test_reason_uses_actor_type_labels():
    rows = [(f"a{i}", "a", "x", 5) for i in range(5)] + [(f"b{i}", "b", "x", 1) for i in range(5)]
    r = rank_issues(
        likert_responses(rows), Settings(), {"a": "Associations", "b": "Communes"}
    ).iloc[0]
    assert r["reason"] == (
        "cité par 1 type d'acteurs sur 2 (min 0 %), importance médiane 3/5 ; "
        "écart significatif de 100 points entre Associations et Communes"
    )


def test_ties_rank_by_issue_id():
    rows = [(f"a{i}", "a", q, 5) for i in range(5) for q in ("y", "x")]
    out = rank_issues(likert_responses(rows))
    assert out["issue_id"].tolist() == ["x", "y"] and out["rank"].tolist() == [1, 2]


@hsettings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("xy"), st.integers(1, 5)),
        min_size=1,
        max_size=40,
    ),
    st.integers(2, 6),
)
def test_no_percentage_below_min_group_size(answers, min_size):
    rows = [(f"{t}{i}", t, q, v) for i, (t, q, v) in enumerate(answers)]
    s = Settings(min_group_size=min_size)
    m = group_matrix(likert_responses(rows), s)
    small = m["respondents"] < min_size
    assert m.loc[small, "support"].isna().all() and m.loc[small, "supporters"].isna().all()
    assert m.loc[~small, "support"].notna().all()
    div = find_divergences(likert_responses(rows), s)
    sim = type_similarity(likert_responses(rows), s)
    eligible = set(m.loc[~small, "actor_type"])
    assert set(sim["type_a"]) | set(sim["type_b"]) <= eligible
    assert div["gap"].isna().all() or len(eligible) >= 2


@hsettings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_divergence_does_not_depend_on_row_order(rnd):
    rows = [
        (f"{t}{i}", t, q, (i * 7 + len(q) + ord(t)) % 5 + 1)
        for t in "ab"
        for i in range(7)
        for q in ("x", "yy")
    ]
    df = likert_responses(rows)
    shuffled = df.sample(frac=1, random_state=rnd.randint(0, 10_000))
    pd.testing.assert_frame_equal(find_divergences(df), find_divergences(shuffled))
    pd.testing.assert_frame_equal(type_similarity(df), type_similarity(shuffled))


def test_multi_select_dont_know_is_left_out_of_the_denominator():
    from diagnostic import issue_responses

    questions = pd.DataFrame(
        {
            "question_id": ["q"],
            "label": ["Enjeux"],
            "type": ["multiple"],
            "list_name": ["e"],
            "role": ["issue"],
            "theme": ["t"],
        }
    )
    choices = pd.DataFrame(
        {
            "list_name": ["e"] * 3,
            "value": ["sante", "emploi", "nsp"],
            "label": ["Santé", "Emploi", "Ne sait pas"],
            "order": [1, 2, 3],
            "is_missing_code": [False, False, True],
        }
    )
    answers = pd.DataFrame(
        {"actor_id": ["x", "y", "z"], "question_id": "q", "value": ["sante", "nsp", None]}
    ).dropna()
    asked = pd.DataFrame({"actor_id": ["x", "y", "z"], "question_id": "q"})
    actors = pd.DataFrame({"actor_id": ["x", "y", "z"], "actor_type": ["t"] * 3})
    resp = issue_responses(answers, asked, questions, choices, actors)
    sante = resp[resp["issue_id"] == "q:sante"]
    # y only answered "ne sait pas": out; z was asked and ticked nothing: counts as not citing
    assert sante["actor_id"].tolist() == ["x", "z"] and sante["supports"].tolist() == [True, False]
    assert set(resp["issue_id"]) == {"q:sante", "q:emploi"}


def test_holm_matches_statsmodels():
    import numpy as np
    from statsmodels.stats.multitest import multipletests

    from diagnostic.analysis.contrasts import holm

    for p in ([0.01, 0.04, 0.03, 0.2], [0.5, 0.001, 0.001, 0.9, 0.02], [0.3]):
        assert np.allclose(holm(p), multipletests(p, method="holm")[1])


@pytest.mark.parametrize(
    "s1, n1, s2, n2",
    [(5, 5, 0, 5), (3, 6, 5, 5), (0, 7, 0, 9), (12, 40, 25, 41), (300, 1000, 340, 1000)],
)
def test_fisher_on_two_types_is_scipys(s1, n1, s2, n2):
    from scipy.stats import fisher_exact

    from diagnostic.analysis.contrasts import _fisher

    expected = fisher_exact([[s1, n1 - s1], [s2, n2 - s2]])[1]
    assert _fisher(s1, n1, s2, n2) == pytest.approx(expected, rel=1e-9, abs=1e-15)
