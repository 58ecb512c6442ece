"""Choice lists of several questionnaires: when two are compatible, and their union.

Two lists are compatible when one's values are a subset of the other's; two ordered
scales (Likert) when their levels are the same, in the same order ("don't know" codes
aside), since a level's meaning is its rank on the scale; two lists of issues ticked in a
multiple choice when they are the same (an option not offered would read « not ticked »).
Two lists inferred from the answers (no form) hold only what someone answered, not what was
offered: values one lacks are no conflict.
"""

from __future__ import annotations

import pandas as pd

from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.forms.model import CATEGORY_ROLES, OTHER
from diagnostic.schemas import conform, question_rows


def text_or_none(value) -> str | None:
    """`value` as a string, None when missing."""
    return None if value is None or value is pd.NA or pd.isna(value) else str(value)


def choice_lists(choices: pd.DataFrame) -> dict[str, list[dict]]:
    """The values of each list of a `choices` table, in the list's order (choice records)."""
    ordered = choices.sort_values("order", kind="stable", na_position="last")
    return {
        name: group.to_dict("records") for name, group in ordered.groupby("list_name", sort=False)
    }


def list_conflict(
    q: dict, c: dict, own: list[dict], canon: list[dict], *, observed: bool = False
) -> tuple[str, str] | None:
    """Why question `q` (list `own`) cannot be question `c` (list `canon`), or None.

    `observed`: both lists were inferred from the answers (no form says what was offered),
    so a value answered in one questionnaire and not in the other is no conflict (three
    exports of one form, each with the values its respondents gave).

    Returns
    -------
    tuple or None
        (kind, reason in French), kind being type, role, scale or list.

    Examples
    --------
    >>> yes_no = [{"value": "oui"}, {"value": "non"}]
    >>> q = {"type": "single", "role": "cooperation"}
    >>> list_conflict(q, q, yes_no[:1], yes_no) is None
    True
    """
    types = {q["type"], c["type"]}
    if len(types) > 1 and types != {"single", "likert"}:
        return "type", f"types différents ({c['type']} / {q['type']})"
    roles = {q["role"], c["role"]} - {None, "other"}
    if len(roles) > 1:
        return "role", f"rôles différents ({c['role']} / {q['role']})"
    if "likert" in types:
        a = [v["value"] for v in canon if not v["is_missing_code"]]
        b = [v["value"] for v in own if not v["is_missing_code"]]
        if a != b:
            return "scale", f"échelles différentes ({' / '.join(a)} ; {' / '.join(b)})"
        return None
    a, b = {v["value"] for v in canon}, {v["value"] for v in own}  # type: ignore[assignment]
    if roles == {"issue"} and "multiple" in types and a != b:
        # an option one form did not offer would count as « not ticked » by its respondents,
        # lowering that support: issue lists must be the same to be stacked
        return "list", (
            f"un enjeu à choix multiple ne se rapproche que d'une liste identique "
            f"(options proposées par un seul questionnaire : "
            f"{', '.join(sorted(a ^ b)[:6])})"  # type: ignore[operator]
        )
    if a <= b or b <= a or observed:
        return None
    return "list", (
        f"listes différentes (valeurs propres à l'une : {', '.join(sorted(a ^ b)[:6])})"  # type: ignore[operator]
    )


def merge_values(
    merged: dict, rows: list[dict], target: str, q: dict, log: AnomalyLog
) -> list[str]:
    """Add the values of `rows` (one questionnaire's list) to the `merged` list `target`.

    `merged` maps each value to its choice record, in order; a new value goes last, a known
    value keeps its first label (a different label is reported in `log`, against question
    `q`). Returns the values added, none when the list was empty (its first form).
    """
    first = not merged
    top = max((v["order"] for v in merged.values() if pd.notna(v["order"])), default=0)
    added = []
    for row in rows:
        old = merged.get(row["value"])
        if old is None:
            top = int(row["order"]) if first and pd.notna(row["order"]) else top + 1
            merged[row["value"]] = {**row, "list_name": target, "order": top, "survey": q["survey"]}
            added.append(row["value"])
        elif (text_or_none(old["label"]) or "").strip() != (
            text_or_none(row["label"]) or ""
        ).strip():
            log.add(
                f"libellé différent pour la valeur « {row['value']} » de la liste "
                f"« {target} » : « {row['label']} » dans le questionnaire "
                f"« {q['survey']} », « {old['label']} » dans le questionnaire "
                f"« {old['survey']} » ; le premier libellé est gardé",
                KEPT,
                column=q["question_id"],
                value=row["value"],
            )
    return [] if first else added


def with_other_choice(
    questions: pd.DataFrame, choices: pd.DataFrame, answers: pd.DataFrame, other_label: str
) -> pd.DataFrame:
    """`choices` with the value `OTHER` (labelled `other_label`) added to each list of a
    category question (actor type, sector, willingness) answered « autre » while its list
    has no such value: the readers record answers outside those lists as `OTHER`.

    >>> q = pd.DataFrame({"question_id": ["t"], "role": ["actor_type"], "list_name": ["l"]})
    >>> c = pd.DataFrame({"list_name": ["l"], "value": ["asso"], "label": ["Asso"], "order": [1]})
    >>> a = pd.DataFrame({"question_id": ["t"], "value": ["autre"]})
    >>> with_other_choice(q, c, a, "Autre")[["value", "label", "order"]].values.tolist()
    [['asso', 'Asso', 1], ['autre', 'Autre', 2]]
    """
    category = questions[questions["role"].isin(CATEGORY_ROLES) & questions["list_name"].notna()]
    # only the rows of the category questions are compared (a few in millions)
    theirs = answers.loc[question_rows(answers, category["question_id"]), ["question_id", "value"]]
    used = set(theirs.loc[theirs["value"].eq(OTHER).fillna(False), "question_id"])
    lists = set(category.loc[category["question_id"].isin(used), "list_name"])
    lists -= set(choices.loc[choices["value"] == OTHER, "list_name"])
    if not lists:
        return choices
    added = [
        {
            "list_name": name,
            "value": OTHER,
            "label": other_label,
            "order": int(choices.loc[choices["list_name"] == name, "order"].max(skipna=True) or 0)
            + 1,
            "is_missing_code": False,
        }
        for name in sorted(lists)
    ]
    return conform(pd.concat([choices, pd.DataFrame(added)], ignore_index=True), "choices")
