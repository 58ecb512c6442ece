"""Display labels of coded values (actor types, resources…) taken from the questionnaire."""

from __future__ import annotations

import pandas as pd


def role_labels(
    questions: pd.DataFrame, choices: pd.DataFrame, role: str | tuple[str, ...]
) -> dict[str, str]:
    """Map each choice value of the questions having `role` (one role or several) to its
    label: the one place where choice labels are looked up.

    >>> q = pd.DataFrame({"role": ["actor_type"], "list_name": ["t"]})
    >>> c = pd.DataFrame({"list_name": ["t"], "value": ["asso"], "label": ["Association"]})
    >>> role_labels(q, c, "actor_type")
    {'asso': 'Association'}
    """
    roles = {role} if isinstance(role, str) else set(role)
    lists = set(questions.loc[questions["role"].isin(roles), "list_name"].dropna())
    sub = choices[choices["list_name"].isin(lists)]
    return {str(v): str(lab) for v, lab in zip(sub["value"], sub["label"]) if pd.notna(lab)}


def actor_type_labels(questions: pd.DataFrame, choices: pd.DataFrame) -> dict[str, str]:
    """Label of each actor type value, from the choices of the ``actor_type`` question."""
    return role_labels(questions, choices, "actor_type")


def resource_labels(questions: pd.DataFrame, choices: pd.DataFrame) -> dict[str, str]:
    """Label of each need/offer category, from the choices of the need and offer questions."""
    return role_labels(questions, choices, ("need", "offer"))


def relabel(values: pd.Series, labels: dict[str, str], joiner: str = " ↔ ") -> pd.Series:
    """Replace codes by labels, also inside "a ↔ b" pairs; unknown codes stay as they are."""

    def one(v):
        if v is None or v is pd.NA:
            return v
        return joiner.join(labels.get(part, part) for part in str(v).split(joiner))

    return values.map(one).astype("string")


def relabel_mix(values: pd.Series, labels: dict[str, str]) -> pd.Series:
    """Relabel "code : n, code : n" group compositions, joined by " ; " once labelled.

    >>> relabel_mix(pd.Series(["asso : 3, commune : 2"]), {"asso": "Association"}).tolist()
    ['Association : 3 ; commune : 2']
    """

    def one(v):
        if not isinstance(v, str) or not v:
            return v
        parts = (part.rpartition(" : ") for part in v.split(", "))
        return " ; ".join(
            f"{labels.get(code, code)} : {n}" if sep else code + n for code, sep, n in parts
        )

    return values.map(one).astype(object)
