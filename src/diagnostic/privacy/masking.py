"""Keep personal data out of exports: mask emails and phone numbers in free text."""

from __future__ import annotations

import re

import pandas as pd

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)\s?[1-9](?:[\s.-]?\d{2}){4}(?!\d)")

#: Columns of the `actors` table that may leave the machine (DESIGN.md).
PUBLIC_ACTOR_COLUMNS = [
    "actor_id",
    "actor_type",
    "commune_code",
    "epci_code",
    "cooperation",
    "source_file",
    "source_row",
]


def mask_text(text):
    """Replace email addresses and French phone numbers by a placeholder.

    >>> mask_text("écrire à jo@exemple.fr ou 06 12 34 56 78")
    'écrire à [courriel masqué] ou [téléphone masqué]'
    """
    if text is None or text is pd.NA or not isinstance(text, str):
        return text
    return _PHONE.sub("[téléphone masqué]", _EMAIL.sub("[courriel masqué]", text))


def public_answers(answers: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Answers without personal questions, free text masked."""
    personal = questions.loc[
        questions["role"].isin(["actor_name", "contact", "commune"]), "question_id"
    ]
    out = answers[~answers["question_id"].isin(personal)].copy()
    codes, values = pd.factorize(out["value"])  # each distinct answer masked once
    masked = pd.array([mask_text(v) for v in values], dtype="string")
    out["value"] = masked.take(codes, allow_fill=True)
    return out
