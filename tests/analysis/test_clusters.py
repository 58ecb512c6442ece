import pandas as pd

from diagnostic import Settings
from diagnostic.analysis.clusters import find_issue_groups


def test_overlapping_issue_groups_merge_and_small_ones_are_hidden():
    rows = (
        [(a, "t", "x") for a in "abcdef"]
        + [(a, "t", "y") for a in "abcdeg"]
        + [(a, "t", "z") for a in "pq"]
    )
    df = pd.DataFrame(rows, columns=["actor_id", "actor_type", "issue_id"])
    df = df.assign(label=df["issue_id"].str.upper(), supports=True)
    out = find_issue_groups(df, Settings(min_group_size=5, cluster_jaccard=0.6))
    assert out["issues"].tolist() == ["x ; y"]  # Jaccard 5/7 ≥ 0.6; z has 2 actors
    assert out["size"].tolist() == [7]
    a = find_issue_groups(df.sample(frac=1, random_state=1), Settings())
    pd.testing.assert_frame_equal(out, a)


def test_group_overlaps_counted_on_bits_are_the_product():
    import numpy as np

    from diagnostic.analysis.clusters import _overlaps

    member = (np.random.default_rng(2).random((1003, 37)) < 0.3).astype(np.float32)
    got = _overlaps(member)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, member.T @ member)
    # each pair by hand
    assert got[3, 5] == sum(1 for row in member if row[3] and row[5])
