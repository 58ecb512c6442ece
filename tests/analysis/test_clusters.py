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
