"""The Survey: the tables every reader returns, whatever the platform; and the Platform:
what each survey platform declares so that one reader (`readers.build.read_export`) reads
its exports."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from diagnostic.anomalies import RowAccount

if TYPE_CHECKING:
    from diagnostic.forms.model import Form


@dataclass(frozen=True)
class Survey:
    """One questionnaire's responses, as the tables of DESIGN.md.

    `actors`, `answers`, `asked`, `needs`, `offers` hold no personal data; names, emails
    and phone numbers live only in `personal`. `repeats` counts the rows of each repeat
    group's table; their answers are in `answers` (with an ``instance``), and each table has
    its own row account in `repeat_accounts`.
    """

    format: str
    file: str
    questions: pd.DataFrame
    choices: pd.DataFrame
    actors: pd.DataFrame
    personal: pd.DataFrame
    answers: pd.DataFrame
    asked: pd.DataFrame
    needs: pd.DataFrame
    offers: pd.DataFrame
    anomalies: pd.DataFrame
    account: RowAccount
    repeats: dict
    repeat_accounts: tuple[RowAccount, ...] = field(default=())
    #: ``column_map``: which question each header of the export holds, and how it was
    #: recognised (None when the reader does not say)
    columns: pd.DataFrame | None = None
    #: while a reader still works on it: the parts of `asked` (``(parts, ids)``, see
    #: `readers.long.stack`), left unbuilt because the form's bases will rewrite most of
    #: it (`readers.asked.with_form_bases`); `asked` is then empty. A Survey returned by a
    #: reader never has them (`with_asked`).
    asked_parts: tuple | None = field(default=None, repr=False, compare=False)


def with_asked(survey: Survey) -> Survey:
    """`survey` with its `asked` table built from `Survey.asked_parts`, when left unbuilt."""
    if survey.asked_parts is None:
        return survey
    from diagnostic.readers.long import stack
    from diagnostic.schemas import conform

    parts, ids = survey.asked_parts
    asked = conform(stack(parts, ids, ["actor_id", "question_id"]), "asked")
    return dataclasses.replace(survey, asked=asked, asked_parts=None)


@dataclass
class Reading:
    """An export as its platform's `Platform.prepare` step hands it to `read_export`: the
    frame of respondents (platform header rows and checkbox columns already dealt with) and
    its questionnaire (given, or inferred from the data)."""

    frame: pd.DataFrame
    form: Form
    #: file rows up to and including the header, and what was noticed reading the file
    header_rows: int
    notes: list
    #: columns of this export that are not questions, beside the platform's own
    meta: set = field(default_factory=set)
    #: the columns that may hold the submission id, when not the platform's `ids` (an
    #: empty tuple: no submission id in this export)
    ids: tuple[str, ...] | None = None
    #: the personal columns, when the platform's `personal` names do not say them
    personal: list | None = None
    #: the other keywords of `survey_from_frame`: exclude, flags, columns, not_asked,
    #: same_with, dedupe, codes, repeats
    options: dict = field(default_factory=dict)
    #: a format name when the file's suffix does not say it (``odk_zip``)
    fmt: str | None = None
    #: what the platform does to the Survey once built (repeat tables attached…)
    finish: Callable[[Survey], Survey] | None = None


@dataclass(frozen=True)
class Platform:
    """A survey platform, as one table entry: adding a platform is adding one of these.

    `read_export` reads the file with `prepare` (what only this platform does), then builds
    the Survey once: the platform's `meta` columns are never questions, its `personal` ones
    go to `personal` (role ``contact``), the first of its `ids` found holds the submission
    id. `detect` tells the platform from an export's header row (`detect_format`).
    """

    #: the formats' stem: ``odk`` in ``odk_csv``
    name: str
    #: (path, form or None, include_incomplete) -> Reading
    prepare: Callable[..., Reading]
    detect: Callable[[list[str]], bool]
    meta: frozenset = frozenset()
    personal: frozenset = frozenset()
    ids: tuple[str, ...] = ()
    #: the reader's docstring (`read_<name>`)
    doc: str = ""

    @property
    def own_columns(self) -> set[str]:
        """Every column the platform writes itself: never a question."""
        return set(self.meta) | set(self.personal) | set(self.ids)
