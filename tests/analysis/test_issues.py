import math

import pandas as pd
import pytest
from conftest import likert_responses

from diagnostic import Settings, group_matrix, issue_responses, rank_issues
from diagnostic.analysis.issues import consensus


@pytest.mark.parametrize(
    "levels, expected",
    [
        ([3, 3, 3], 1.0),
        ([1, 5], 0.0),
        ([1, 2], 1 + 0.5 * math.log2(1 - 0.5 / 4) * 2),
    ],
)
def test_consensus_tastle_wierman(levels, expected):
    assert consensus(pd.Series(levels), 5) == pytest.approx(expected)


def test_support_interval_breadth_and_type_weighting():
    # Type a: 6 actors, 3 support (50 %); type b: 5 actors, 5 support (100 %); type c: 2 actors.
    rows = [(f"a{i}", "a", "x", 5 if i < 3 else 2) for i in range(6)]
    rows += [(f"b{i}", "b", "x", 4) for i in range(5)]
    rows += [("c0", "c", "x", 5), ("c1", "c", "x", 5)]
    out = rank_issues(likert_responses(rows), Settings(min_group_size=5, support_threshold=0.3))
    r = out.iloc[0]
    # c is below the minimum size: hidden, and out of the totals too (else 13 answers and
    # 10 supporters minus the shown cells, 6 and 3 + 5, would give c's 2 of 2)
    assert r["respondents"] == 11
    assert r["support"] == pytest.approx(8 / 11)
    # Wilson interval computed by hand for 8/11 at 95 %
    z, n, p = 1.959963984540054, 11, 8 / 11
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert r["support_ci_low"] == pytest.approx(centre - half)
    assert r["support_ci_high"] == pytest.approx(centre + half)
    assert r["support_by_type_mean"] == pytest.approx((0.5 + 1.0) / 2)
    # a shares the issue only if the Wilson lower bound of 3/6 reaches 30 %: it is 18.8 %
    assert r["breadth"] == 1 and r["min_support"] == pytest.approx(0.5)
    # median of the 11 shown answers: 2,2,2,4,4,4,4,4,5,5,5 -> the 6th, 4
    assert r["intensity"] == 4
    # 50-point gap, but Fisher's exact test of 3/6 vs 5/5 gives p = 0.18: not divisive
    assert r["tag"] == "spécifique à un groupe"
    assert "porté par : b" in r["reason"]


def test_ranking_order_breadth_then_type_mean_then_intensity():
    rows = []
    for t in ("a", "b"):
        rows += [(f"{t}{i}", t, "shared", 5) for i in range(5)]
        rows += [(f"{t}{i}", t, "mild", 4 if i < 3 else 1) for i in range(5)]
    rows += [(f"a{i}", "a", "only_a", 5) for i in range(5)]
    rows += [(f"b{i}", "b", "only_a", 1) for i in range(5)]
    out = rank_issues(likert_responses(rows), Settings(divisive_gap=1.01))
    # 3 of 5 is 60 %, but its Wilson lower bound (23 %) is under 30 %: "mild" is shared by
    # no type, while 5 of 5 (lower bound 57 %) makes a share "only_a"
    assert out["issue_id"].tolist() == ["shared", "only_a", "mild"]
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["tag"].tolist() == ["transversal", "spécifique à un groupe", "peu partagé"]


def test_issue_nobody_cites_and_single_type():
    rows = [(f"a{i}", "a", "none", 1) for i in range(5)]
    out = rank_issues(likert_responses(rows))
    r = out.iloc[0]
    assert r["support"] == 0 and r["breadth"] == 0 and r["tag"] == "peu partagé"
    assert r["intensity"] == 1  # the median of every answer, not of the (absent) supporters


def test_small_groups_are_suppressed_in_the_matrix():
    rows = [(f"a{i}", "a", "x", 5) for i in range(5)] + [(f"b{i}", "b", "x", 5) for i in range(4)]
    m = group_matrix(likert_responses(rows), Settings(min_group_size=5)).set_index("actor_type")
    assert m.at["a", "support"] == 1.0 and not m.at["a", "suppressed"]
    assert (
        m.at["b", "suppressed"]
        and pd.isna(m.at["b", "support"])
        and pd.isna(m.at["b", "supporters"])
    )


def test_dont_know_counts_in_no_share():
    questions = pd.DataFrame(
        {
            "question_id": ["q"],
            "label": ["Importance : Q"],
            "type": ["likert"],
            "list_name": ["imp"],
            "role": ["issue_importance"],
            "theme": ["t"],
        }
    )
    choices = pd.DataFrame(
        {
            "list_name": ["imp"] * 4,
            "value": ["1", "2", "3", "nsp"],
            "label": ["a", "b", "c", "Ne sait pas"],
            "order": [1, 2, 3, 4],
            "is_missing_code": [False, False, False, True],
        }
    )
    answers = pd.DataFrame(
        {"actor_id": ["x", "y", "z"], "question_id": "q", "value": ["3", "nsp", "1"]}
    )
    actors = pd.DataFrame({"actor_id": ["x", "y", "z"], "actor_type": ["t"] * 3})
    resp = issue_responses(
        answers,
        answers[["actor_id", "question_id"]],
        questions,
        choices,
        actors,
        Settings(top_box=1),
    )
    assert resp["actor_id"].tolist() == ["x", "z"]
    assert resp["supports"].tolist() == [True, False]


def test_answers_inside_repeat_groups_count_in_no_issue():
    questions = pd.DataFrame(
        {
            "question_id": ["q", "r"],
            "label": ["Importance : Q", "Importance : R"],
            "type": ["likert"] * 2,
            "list_name": ["imp"] * 2,
            "role": ["issue_importance"] * 2,
            "theme": ["t"] * 2,
        }
    )
    choices = pd.DataFrame(
        {
            "list_name": ["imp"] * 3,
            "value": ["1", "2", "3"],
            "label": ["a", "b", "c"],
            "order": [1, 2, 3],
            "is_missing_code": [False] * 3,
        }
    )
    # y rated r once for each of its two sites (a repeat group): left out, y speaks once
    answers = pd.DataFrame(
        {
            "actor_id": ["x", "y", "y", "y"],
            "question_id": ["q", "q", "r", "r"],
            "value": ["3", "1", "3", "3"],
            "instance": pd.array([None, None, 1, 2], dtype="Int64"),
        }
    )
    actors = pd.DataFrame({"actor_id": ["x", "y"], "actor_type": ["t"] * 2})
    resp = issue_responses(
        answers,
        answers[["actor_id", "question_id"]],
        questions,
        choices,
        actors,
        Settings(top_box=1),
    )
    assert list(zip(resp["actor_id"], resp["issue_id"], resp["supports"])) == [
        ("x", "q", True),
        ("y", "q", False),
    ]


def test_results_do_not_depend_on_row_order():
    rows = [(f"a{i}", "a", q, (i * 7 + len(q)) % 5 + 1) for i in range(9) for q in ("x", "y", "z")]
    rows += [(f"b{i}", "b", q, (i * 3 + len(q)) % 5 + 1) for i in range(6) for q in ("x", "y", "z")]
    df = likert_responses(rows)
    a = rank_issues(df)
    b = rank_issues(df.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(a, b)


def test_example_ranking(example_diag):
    r = example_diag.issue_ranking.set_index("issue_id")
    assert r.at["enjeu_mobilite", "rank"] == 1 and r.at["enjeu_mobilite", "tag"] == "transversal"
    assert r.at["enjeu_numerique", "tag"] == "clivant"
    assert r.at["enjeu_mobilite", "label"] == "Mobilité et transports"
    # funders are 4: never shown as a percentage
    m = example_diag.group_matrix
    assert m.loc[m["actor_type"] == "financeur", "suppressed"].all()


def test_median_importance_is_that_of_every_answer():
    # 14 % support (7 of 50 at the top two levels); most answers are at level 2
    levels = [5] * 4 + [4] * 3 + [3] * 8 + [2] * 20 + [1] * 15
    rows = [(f"{t}{i}", t, "x", v) for i, v in enumerate(levels) for t in ["ab"[i % 2]]]
    r = rank_issues(likert_responses(rows)).iloc[0]
    assert r["support"] == pytest.approx(7 / 50)
    ordered = sorted(levels)  # 50 answers: the median is the mean of the 25th and 26th
    assert r["intensity"] == (ordered[24] + ordered[25]) / 2 == 2
    assert "importance médiane 2/5" in r["reason"]


def test_breadth_counts_types_by_the_wilson_lower_bound_over_a_fixed_set():
    # a: 20 actors, 10 support x (lower bound 29.9 % < 30 %); b: 20 actors, 11 support x
    # (lower bound 34.2 %); c: 6 actors, but only 4 answered x; d: 3 actors (never compared)
    rows = [(f"a{i}", "a", "x", 5 if i < 10 else 1) for i in range(20)]
    rows += [(f"b{i}", "b", "x", 5 if i < 11 else 1) for i in range(20)]
    rows += [(f"c{i}", "c", "y", 5) for i in range(6)]
    rows += [(f"c{i}", "c", "x", 5) for i in range(4)]
    rows += [(f"d{i}", "d", q, 5) for i in range(3) for q in "xy"]
    out = rank_issues(likert_responses(rows), Settings(min_group_size=5)).set_index("issue_id")

    def lower(s, n, z=1.959963984540054):
        p = s / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        return centre - z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))

    assert lower(10, 20) < 0.3 < lower(11, 20)
    assert out.at["x", "breadth"] == 1  # b only; c's cell (4 answers) is not shown
    assert out.at["x", "support_by_type_mean"] == pytest.approx((10 / 20 + 11 / 20) / 2)
    # the qualifying types are a, b, c whatever the issue: "1 type sur 3" for x and y
    assert "cité par 1 type d'acteurs sur 3" in out.at["x", "reason"]
    assert "cité par 1 type d'acteurs sur 3" in out.at["y", "reason"]
    # transversal needs ceil(0.6 × 3) = 2 types: neither issue is
    assert set(out["tag"]) == {"spécifique à un groupe"}


def test_ties_broken_by_support_then_answers_not_by_name():
    # a (6 actors) is the only compared type; b (2 actors) is hidden everywhere
    rows = [(f"a{i}", "a", "p_five", 5) for i in range(5)]  # 5 of 5
    rows += [(f"a{i}", "a", "q_six", 5) for i in range(6)]  # 6 of 6: same breadth and mean
    rows += [(f"b{i}", "b", q, 1) for i in range(2) for q in ("p_five", "q_six")]
    out = rank_issues(likert_responses(rows), Settings(min_group_size=5))
    assert out["issue_id"].tolist() == ["q_six", "p_five"]  # more answers first
    assert out["support"].tolist() == [1.0, 1.0] and out["respondents"].tolist() == [6, 5]


def test_nothing_published_when_no_type_is_comparable():
    rows = [(f"a{i}", "a", q, 5 if q == "z" else 1) for i in range(3) for q in "az"]
    out = rank_issues(likert_responses(rows), Settings(min_group_size=5))
    assert out["support"].isna().all() and (out["respondents"] == 0).all()
    assert set(out["reason"]) == {
        "aucun type d'acteurs n'atteint la taille minimale pour être comparé"
    }


def test_top_five_stability_is_the_ranking_of_resampled_respondents():
    import numpy as np

    from diagnostic.analysis.issues import top_stability

    rng = np.random.default_rng(3)
    rows = []
    for i in range(40):
        t = "abc"[i % 3]
        for q, p in zip("uvwxyzs", (0.9, 0.7, 0.6, 0.5, 0.45, 0.3, 0.1)):
            rows.append(
                (f"p{i:02d}", t, q, 5 if rng.random() < p + (0.2 if t == "a" else 0) else 2)
            )
    responses = likert_responses(rows)
    settings = Settings(min_group_size=5)
    out = top_stability(responses, settings, resamples=30, seed=11)
    ranking = rank_issues(responses, settings)
    assert out["issue_id"].tolist() == ranking["issue_id"].head(5).tolist()
    # the same draws, each resample written out as new respondents and ranked by rank_issues
    ids = sorted(responses["actor_id"].unique())
    draws = np.random.default_rng(11)
    stays = dict.fromkeys(out["issue_id"], 0)
    for _ in range(30):
        picked = draws.integers(0, len(ids), len(ids))
        copies = [
            responses[responses["actor_id"] == ids[j]].assign(actor_id=f"r{k}")
            for k, j in enumerate(picked)
        ]
        again = rank_issues(pd.concat(copies, ignore_index=True), settings)
        for issue in set(again["issue_id"].head(5)) & set(stays):
            stays[issue] += 1
    assert out["stays"].tolist() == pytest.approx([stays[i] / 30 for i in out["issue_id"]])


def test_codes_found_by_runs_and_blocks_are_those_of_get_indexer():
    """A long answers table is coded one run of a question at a time, its actors one list
    at a time (`diagnostic.analysis._codes`): the same codes as hashing every row, whether
    the lists repeat, differ, hold an unknown id or a missing value."""
    import numpy as np

    from diagnostic.analysis._codes import (
        indexer_by_blocks,
        indexer_by_runs,
        isin_by_runs,
        run_starts,
    )

    ids = pd.Index([f"A{i}" for i in range(100)])
    same = [f"A{i}" for i in range(100)]
    other = [f"A{i}" for i in range(99, -1, -1)]  # same length, another order
    stranger = [*same[:50], "Z", *same[51:]]
    shorter = same[:70]
    blocks = [same, same, other, same, stranger, shorter, shorter]
    who = pd.array([a for b in blocks for a in b], dtype="string")
    question = pd.array([f"q{i}" for i, b in enumerate(blocks) for _ in b], dtype="string")
    starts = run_starts(question)
    assert starts.tolist() == np.cumsum([0, *map(len, blocks[:-1])]).tolist()
    questions = pd.Index(["q1", "q4", "q6", "nope"])
    assert indexer_by_runs(questions, question, starts).tolist() == (
        questions.get_indexer(question).tolist()
    )
    assert indexer_by_blocks(ids, who, starts).tolist() == ids.get_indexer(who).tolist()
    series = pd.Series(question)
    assert isin_by_runs(series, ["q2", "q5"]).tolist() == series.isin(["q2", "q5"]).tolist()
    # short runs or a missing value: no runs, each value hashed
    assert run_starts(who) is None
    assert run_starts(pd.array(["q"] * 70 + [None] * 70, dtype="string")) is None
    with_na = pd.Series(pd.array(["q"] * 70 + [None] * 70, dtype="string"))
    assert isin_by_runs(with_na, ["q"]).tolist() == [True] * 70 + [False] * 70


def test_first_by_code_gives_each_codes_first_row():
    """The first value of each key, in the order keys first appear (as drop_duplicates)."""
    from diagnostic.analysis._codes import first_by_code

    codes = [2, -1, 0, 2, 1, 0, -1, 1]
    values = pd.Series(["c1", "x", "a1", "c2", "b1", "a2", "y", "b2"])
    got = first_by_code(values, codes, pd.Index(["A", "B", "C"]))
    assert list(got.items()) == [("C", "c1"), ("A", "a1"), ("B", "b1")]
    assert first_by_code(values, [-1] * 8, pd.Index(["A"])) == {}


def test_first_by_code_reads_on_until_every_key_is_found(monkeypatch):
    """Read by stretches (the first rows, then 4 times more): a key first seen late, or
    only after missing codes, gives its first row all the same, as drop_duplicates."""
    import numpy as np

    from diagnostic.analysis import _codes

    monkeypatch.setattr(_codes, "FIRST_BLOCK", 2)
    rng = np.random.default_rng(3)
    codes = rng.integers(-1, 3, size=40)  # keys 0, 1, 2 and missing codes
    codes[:12] = [0, -1, 0, 0, -1, 1, 1, 0, -1, 1, 0, 0]  # key 2 first at row 12 or later
    codes[12:20] = -1
    codes[20] = 2
    codes[35] = 3  # a key seen once, near the end
    values = pd.Series([f"v{i}" for i in range(40)])
    keys = pd.Index(["A", "B", "C", "D"])
    frame = pd.DataFrame({"key": codes, "value": values}).query("key >= 0")
    expected = {keys[k]: v for k, v in frame.drop_duplicates("key").itertuples(index=False)}
    got = _codes.first_by_code(values, codes, keys)
    assert list(got.items()) == list(expected.items())
    assert list(got) == ["A", "B", "C", "D"] and got["C"] == "v20" and got["D"] == "v35"
    # no missing code: the same, read by stretches of the codes themselves
    whole = np.array([1, 1, 1, 1, 1, 0, 1, 2, 0, 2])
    got = _codes.first_by_code(values[:10], whole, keys[:3])
    assert list(got.items()) == [("B", "v0"), ("A", "v5"), ("C", "v7")]


def test_likert_rows_do_not_depend_on_the_answers_order():
    """The Likert rows read from answers question by question (long runs, coded by runs
    and lists of actors) are those read from the same answers shuffled (every row hashed),
    and their levels are the answers' ranks on the scale."""
    import numpy as np

    actors = pd.DataFrame(
        {"actor_id": [f"a{i:03d}" for i in range(120)], "actor_type": ["t", "u"] * 60}
    )
    questions = pd.DataFrame(
        {
            "question_id": ["q1", "q2"],
            "label": ["Importance : Eau", "Importance : Air"],
            "type": ["select_one", "select_one"],
            "list_name": ["imp", "imp"],
            "role": ["issue_importance", "issue_importance"],
            "theme": ["env", "env"],
        }
    )
    choices = pd.DataFrame(
        {
            "list_name": ["imp"] * 4,
            "value": ["1", "2", "3", "9"],
            "label": ["Pas important", "Important", "Très important", "Ne sait pas"],
            "order": [1, 2, 3, 4],
            "is_missing_code": [False, False, False, True],
        }
    )
    rng = np.random.default_rng(3)
    values = rng.choice(["1", "2", "3", "9"], size=240)
    answers = pd.DataFrame(
        {
            "actor_id": [*actors["actor_id"], *actors["actor_id"]],
            "question_id": ["q1"] * 120 + ["q2"] * 120,
            "value": values,
        }
    ).astype("string")
    asked = answers[["actor_id", "question_id"]]
    ordered = issue_responses(answers, asked, questions, choices, actors)
    shuffled = answers.sample(frac=1, random_state=5).reset_index(drop=True)
    mixed = issue_responses(shuffled, asked, questions, choices, actors)
    key = ["issue_id", "actor_id"]
    a = ordered.astype({"actor_id": str, "issue_id": str}).sort_values(key, ignore_index=True)
    b = mixed.astype({"actor_id": str, "issue_id": str}).sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(a, b, check_categorical=False)
    rank = {"1": 1.0, "2": 2.0, "3": 3.0}
    expected = sorted(
        (q, a, rank[v])
        for q, a, v in zip(answers["question_id"], answers["actor_id"], answers["value"])
        if v in rank
    )
    got = sorted(zip(a["issue_id"], a["actor_id"], a["level"].astype(float)))
    assert got == expected
    assert a["supports"].tolist() == (a["level"] >= 2).tolist()  # top 2 of 3
