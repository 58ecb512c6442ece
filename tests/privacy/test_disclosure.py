"""An attacker's arithmetic on the published tables: totals minus the shown cells must leave
nothing of a group below `min_group_size`."""

import pandas as pd


def test_subtraction_across_published_tables_reveals_no_hidden_group(demo_out, example_diag):
    tables = demo_out / "tables"
    ranking = pd.read_csv(tables / "issue_ranking.csv").set_index("issue_id")
    matrix = pd.read_csv(tables / "group_matrix.csv")
    divergence = pd.read_csv(tables / "divergence.csv").set_index("issue_id")
    hidden = matrix[matrix["suppressed"]]
    # there is something to protect: the four financeurs answered every issue
    assert (hidden["actor_type"] == "financeur").sum() == len(ranking)
    assert hidden["respondents"].isna().all()  # not even how many of them answered
    shown = matrix[~matrix["suppressed"]]
    for issue, row in ranking.iterrows():
        cells = shown[shown["issue_id"] == issue]
        total_answers = row["respondents"]
        total_supporters = round(row["support"] * total_answers)
        # what is left once the shown cells are taken away: nothing
        assert total_answers - cells["respondents"].sum() == 0
        assert total_supporters - cells["supporters"].sum() == 0
        assert divergence.at[issue, "respondents"] == cells["respondents"].sum()
    # the same subtraction on every answer (the totals published before) gives them away
    r = example_diag.responses.astype({"issue_id": object})
    answers = r.groupby("issue_id").size().to_dict()
    supporters = r.groupby("issue_id")["supports"].sum().to_dict()
    shown_n = shown.groupby("issue_id")["respondents"].sum().to_dict()
    shown_s = shown.groupby("issue_id")["supporters"].sum().to_dict()
    financeurs = r[r["actor_type"] == "financeur"].groupby("issue_id").size().to_dict()
    assert set(financeurs.values()) <= {3, 4}
    assert {i: answers[i] - shown_n[i] for i in answers} == financeurs
    assert supporters["enjeu_mobilite"] - shown_s["enjeu_mobilite"] == 4  # 4 of 4, as found
