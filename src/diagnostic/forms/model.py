"""The Form: what a questionnaire definition gives, whatever its platform."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from diagnostic.forms.scales import NON_SUBSTANTIVE, is_non_substantive

ROLES = (
    "actor_name",
    "actor_type",
    "sector",
    "commune",
    "contact",
    "issue",
    "issue_importance",
    "need",
    "offer",
    "cooperation",
    "consent",
    "free_text",
    "other",
)
#: Roles whose answers are personal data: kept apart, never exported by default.
PERSONAL_ROLES = ("actor_name", "contact")
#: Roles whose choice values are categories shown as labels everywhere (tables, workbook,
#: report, apps): an answer outside their list is recorded as `OTHER`.
CATEGORY_ROLES = ("actor_type", "sector", "cooperation")
#: The code of "other" in every list; labelled « Autre » / "Other" when the list lacks it.
OTHER = "autre"
#: Non-substantive answers ("ne sait pas", "don't know", N/A…): see `diagnostic.forms.scales`.
MISSING_CODES = NON_SUBSTANTIVE


@dataclass(frozen=True)
class FieldText:
    """The full-text heading a platform writes above one column of its response export.

    ``question`` is the question text, ``parts`` the bracketed parts that follow it
    (subquestion, "Other", scale), so that ``text`` is "Question [part][part]".
    ``option`` is set when the column is one option of a multiple-choice question;
    ``scale`` (0 or 1) when the column is one scale of a dual-scale array; ``rank`` (1, 2…)
    when it holds the option a ranking question put at that position; ``comment_of`` (an
    option code) when it holds the comment on one option of a multiple choice.
    """

    question_id: str
    option: str | None
    question: str
    parts: tuple[str, ...] = ()
    scale: int | None = None
    rank: int | None = None
    comment_of: str | None = None

    @property
    def text(self) -> str:
        brackets = "".join(f"[{p}]" for p in self.parts)
        return f"{self.question} {brackets}".strip() if brackets else self.question

    def abbreviated(self, length: int, ellipsis: str = "..") -> str:
        """The heading with each text cut to `length` characters and `ellipsis` added."""

        def cut(text: str) -> str:
            return text if len(text) <= length else text[:length] + ellipsis

        return FieldText(
            self.question_id, self.option, cut(self.question), tuple(cut(p) for p in self.parts)
        ).text


@dataclass(frozen=True)
class Form:
    """A questionnaire: the `questions` and `choices` tables plus what was noticed reading it."""

    file: str
    title: str
    language: str | None
    questions: pd.DataFrame
    choices: pd.DataFrame
    anomalies: pd.DataFrame
    #: question_id -> name of the repeat group holding it (answered once per repeat row)
    repeats: dict = field(default_factory=dict)
    #: the full-text heading of each export column, when the platform's structure says it
    #: (LimeSurvey): matched against exports with "question text" headings
    headings: tuple[FieldText, ...] = ()
    #: question_id -> the names of its rank columns, first rank first, for ranking questions
    #: answered in one column per rank (LimeSurvey ``Q1[1]``…: "1", "2"…; a Kobo rank
    #: group: its levels); a ranking question absent here is one space-joined column
    ranks: dict = field(default_factory=dict)
    #: the questions whose role a person gave (a form's ``role`` column, a roles sheet):
    #: personal-data detection never overrules them
    roles_given: frozenset = frozenset()
    #: question_id -> its ``relevant`` conditions, those of its groups first (all must hold
    #: for the question to be shown), for a form that says who was asked (XLSForm, a
    #: LimeSurvey structure: its relevance equations): a
    #: question absent from it was asked to every respondent. None: the form does not say
    #: (a form inferred from the data), and "asked" means "answered"
    relevance: dict | None = None
    #: the language of those conditions: "xlsform" or "limesurvey" (ExpressionScript), as
    #: `diagnostic.forms.relevance.parse_condition` reads them
    relevance_syntax: str = "xlsform"

    def question(self, question_id: str) -> pd.Series:
        return self.questions.set_index("question_id").loc[question_id]

    def choice_values(self, list_name: str) -> list[str]:
        sub = self.choices[self.choices["list_name"] == list_name]
        return sub.sort_values("order")["value"].tolist()

    def choice_labels(self, list_name: str) -> dict[str, str]:
        sub = self.choices[self.choices["list_name"] == list_name]
        return dict(zip(sub["value"], sub["label"]))


def is_missing_code(value: str, label: str) -> bool:
    """True for "don't know"-type answers, which count in no share (French or English,
    code or label: see `diagnostic.forms.scales.is_non_substantive`)."""
    return is_non_substantive(value, label)


def question_row(
    question_id: str, label: str, qtype: str, list_name: str | None = None
) -> dict[str, object]:
    """A row of the questions table for a question met without a form (role ``other``,
    no group, theme or requirement, which only a form or the roles sheet can give)."""
    return {
        "question_id": question_id,
        "label": label,
        "type": qtype,
        "list_name": list_name,
        "group": "",
        "role": "other",
        "theme": "",
        "required": False,
    }


def choice_row(list_name: str, value: str, label: str, order: int) -> dict[str, object]:
    """A row of the choices table; "don't know"-type choices are flagged from code and label."""
    return {
        "list_name": list_name,
        "value": value,
        "label": label,
        "order": order,
        "is_missing_code": is_missing_code(value, label),
    }
