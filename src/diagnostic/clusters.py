"""Groups of actors around shared issues."""

from __future__ import annotations

import pandas as pd

from diagnostic.schemas import conform
from diagnostic.settings import Settings


def find_issue_groups(responses: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """Issue-centred groups: the actors supporting an issue, merged when they overlap.

    Two groups merge when the Jaccard overlap of their actors is at least
    `settings.cluster_jaccard`; groups smaller than `min_group_size` are not shown.

    Returns
    -------
    DataFrame
        The `clusters` table.
    """
    support = responses[responses["supports"]]
    groups = [
        ({issue}, set(sub["actor_id"]), sub["label"].iloc[0])
        for issue, sub in support.groupby("issue_id", sort=True)
    ]
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                a, b = groups[i][1], groups[j][1]
                if a and b and len(a & b) / len(a | b) >= settings.cluster_jaccard:
                    groups[i] = (groups[i][0] | groups[j][0], a | b, groups[i][2] + " + " + groups[j][2])
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    types = responses.drop_duplicates("actor_id").set_index("actor_id")["actor_type"]
    rows = []
    for issues, members, label in groups:
        if len(members) < settings.min_group_size:
            continue
        mix = types.loc[sorted(members)].value_counts()
        rows.append({
            "method": "enjeu", "issues": " ; ".join(sorted(issues)),
            "actors": " ; ".join(sorted(members)), "size": len(members),
            "actor_types": ", ".join(f"{t} : {n}" for t, n in mix.items()),
            "label": f"Acteurs mobilisés sur : {label}",
        })
    out = pd.DataFrame(rows)
    if not out.empty:
        out = out.sort_values(["size", "issues"], ascending=[False, True])
        out["cluster_id"] = [f"G{i:02d}" for i in range(1, len(out) + 1)]
    return conform(out, "clusters")
