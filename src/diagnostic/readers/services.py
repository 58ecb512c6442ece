"""Microsoft Forms, SurveyMonkey and Drupal Webform (Framaforms) response exports.

Each is one wide table (one row per respondent) whose first columns are the platform's own
(ids, times, the respondent's address, name or IP): they are never questions, and the
personal ones go to role ``contact``. Questions are inferred from the answers, as for
Google Forms (checkboxes learned from the answers, ordered scales by their meaning).

- **Microsoft Forms** (« Download responses »): ``Id``, ``Start time``, ``Completion
  time``, ``Email``, ``Name`` (``Last modified time`` in recent exports), then one column
  per question, checkbox answers joined by ``;``.
- **SurveyMonkey** (« Export all responses, expanded »): two header lines; the first names
  the question above its first column, the second holds ``Response``, ``Open-Ended
  Response``, each option of a checkbox or row of a matrix, or the text of a comment field.
  ``Respondent ID`` … ``Custom Data 1`` are the platform's columns.
- **Webform** (Drupal 7, the engine of Framaforms): a title line, a line naming each
  multi-column question above its first column (« Détails de la soumission » above the
  platform's columns), then the header; a ticked checkbox option holds « X ».
  ``Brouillon`` / ``Draft`` = 1 marks a submission saved as a draft.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from diagnostic._io.tables import Table, head_rows, read_table
from diagnostic.forms.model import Form
from diagnostic.readers.build import incomplete_rows, platform_reader
from diagnostic.readers.columns import norm_text
from diagnostic.readers.google_forms import split_checkboxes, with_checkboxes
from diagnostic.readers.inferred import infer_form
from diagnostic.readers.survey import Platform, Reading

#: Microsoft Forms' columns before the questions, then its personal ones.
_MICROSOFT_FORMS_META = {
    "Id",
    "ID",
    "Start time",
    "Completion time",
    "Last modified time",
    "Total points",
    "Quiz feedback",
    "Heure de début",
    "Heure de fin",
}
_MICROSOFT_FORMS_PERSONAL = {"Email", "Name", "Adresse de messagerie", "Nom"}
#: A quiz's marks beside each question (« Points - Q1 », « Feedback - Q1 »): not answers.
_QUIZ = ("Points - ", "Feedback - ")
_WEBFORM_META = {
    "Serial",
    "Submitted Time",
    "Completed Time",
    "Modified Time",
    "Draft",
    "Séquentiel",
    "Heure de soumission",
    "Heure de complétion",
    "Heure de modification",
    "Brouillon",
}
_DRAFT = ("Brouillon", "Draft")
#: SurveyMonkey's second header line under a question answered in one column.
_ONE_COLUMN = ("Response", "Open-Ended Response", "Réponse", "Réponse ouverte")


def _is_microsoft_forms(header: list[str]) -> bool:
    """``Id`` first, then the start and completion times (English or French export)."""
    names = set(header)
    return header[:1] in (["Id"], ["ID"]) and (
        {"Start time", "Completion time"} <= names or {"Heure de début", "Heure de fin"} <= names
    )


def _is_surveymonkey(header: list[str]) -> bool:
    return {"Respondent ID", "Collector ID"} <= set(header)


def _is_webform(header: list[str]) -> bool:
    names = set(header)
    return bool("SID" in names and names & set(_DRAFT) and names & {"Serial", "Séquentiel"})


def _wide(
    path: Path, table: Table, frame: pd.DataFrame, form: Form | None, meta: set, **options
) -> Reading:
    """The Reading of a wide export whose platform columns (ids, times, personal) are
    `meta`: checkbox questions learned from the answers (`with_checkboxes`) and split."""
    groups = options.pop("groups", None)
    if form is None:
        form = with_checkboxes(infer_form(frame, path.name, meta=meta, groups=groups), frame)
    frame = split_checkboxes(form, frame)
    return Reading(frame, form, table.header_rows, table.notes, options=options)


def _microsoft_forms(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    table = read_table(path)
    quiz = {c for c in table.frame.columns if str(c).startswith(_QUIZ)}
    reading = _wide(path, table, table.frame, form, MICROSOFT_FORMS.own_columns | quiz)
    reading.meta = quiz
    return reading


def _surveymonkey_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The SurveyMonkey frame with its two header lines made one (not modifying `frame`).

    A question answered in one column (« Response », « Open-Ended Response » below it) is
    named by its text alone; an option column of a checkbox (``Question [Option]``) whose
    cells hold its option's text when ticked gets « 1 » instead, like any tick column.
    """
    renamed, out = {}, frame.copy()
    for col in frame.columns:
        stem, sep, below = str(col).rpartition(" [")
        if not sep or not below.endswith("]"):
            continue
        below = below[:-1]
        if below in _ONE_COLUMN and stem not in frame.columns:
            renamed[col] = stem
            continue
        cells = {norm_text(v) for v in frame[col].dropna().unique()}
        if cells == {norm_text(below)}:
            out[col] = frame[col].where(frame[col].isna(), "1")
    return out.rename(columns=renamed)


def _surveymonkey(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    table = read_table(path)
    frame = _surveymonkey_frame(table.frame)
    return _wide(path, table, frame, form, SURVEYMONKEY.own_columns)


def _webform(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    """The line above the header names each checkbox question above its first option
    column; without it (a file re-saved by R or a spreadsheet), a run of columns holding
    only « X » is still one checkbox question (`diagnostic.readers.inferred.tick_runs`)."""
    table = read_table(path)
    frame = table.frame
    groups = {}
    if table.header_rows >= 2:  # the line of question texts above the header
        above = head_rows(path, table.header_rows)[table.header_rows - 2]
        groups = {
            frame.columns[i]: str(text).strip()
            for i, text in enumerate(above[: len(frame.columns)])
            if text is not None and str(text).strip() and frame.columns[i] not in _WEBFORM_META
        }
    exclude: list = []
    flags: list = []
    draft = next((c for c in _DRAFT if c in frame.columns), None)
    if draft:
        drafts = frame[draft].fillna("").str.strip().isin({"1", "true", "True"}).to_numpy()
        exclude, flags = incomplete_rows(
            np.asarray(drafts), f"« {draft} » = 1 : brouillon", draft, include_incomplete
        )
    return _wide(
        path, table, frame, form, WEBFORM.own_columns, groups=groups, exclude=exclude, flags=flags
    )


MICROSOFT_FORMS = Platform(
    "microsoft_forms",
    _microsoft_forms,
    detect=_is_microsoft_forms,
    meta=frozenset(_MICROSOFT_FORMS_META),
    personal=frozenset(_MICROSOFT_FORMS_PERSONAL),
    ids=("Id", "ID"),
    doc="""Read a Microsoft Forms export (Excel, or re-saved as CSV).

    Returns
    -------
    Survey
        ``Email`` and ``Name`` (often « anonymous » and empty) go to role ``contact``.
    """,
)
SURVEYMONKEY = Platform(
    "surveymonkey",
    _surveymonkey,
    detect=_is_surveymonkey,
    meta=frozenset({"Collector ID", "Start Date", "End Date"}),
    personal=frozenset({"IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1"}),
    ids=("Respondent ID",),
    doc="""Read a SurveyMonkey export (CSV or Excel, « expanded » two header lines).

    Returns
    -------
    Survey
        Rows read = the rows below the two header lines.
    """,
)
WEBFORM = Platform(
    "webform",
    _webform,
    detect=_is_webform,
    meta=frozenset(_WEBFORM_META),
    personal=frozenset({"IP Address", "UID", "Username", "Adresse IP", "Nom d'utilisateur"}),
    ids=("SID",),
    doc="""Read a Drupal Webform / Framaforms export (TSV, CSV or Excel download).

    The line above the header names each checkbox question above its first option column;
    without it (a file re-saved by R or a spreadsheet), a run of columns holding only « X »
    is still one checkbox question (`diagnostic.readers.inferred.tick_runs`). Drafts
    (``Brouillon`` = 1) are left out of the analyses unless `include_incomplete`.

    Returns
    -------
    Survey
    """,
)
read_microsoft_forms = platform_reader(MICROSOFT_FORMS)
read_surveymonkey = platform_reader(SURVEYMONKEY)
read_webform = platform_reader(WEBFORM)
