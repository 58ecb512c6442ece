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
from diagnostic.readers.build import incomplete_rows, survey_from_frame
from diagnostic.readers.columns import norm_text
from diagnostic.readers.google_forms import split_checkboxes, with_checkboxes
from diagnostic.readers.inferred import infer_form
from diagnostic.readers.survey import Survey

#: The columns each platform writes before the questions: (id, other meta, personal).
MICROSOFT_FORMS = (
    ("Id", "ID"),
    {
        "Start time",
        "Completion time",
        "Last modified time",
        "Total points",
        "Quiz feedback",
        "Heure de début",
        "Heure de fin",
    },
    {"Email", "Name", "Adresse de messagerie", "Nom"},
)
#: A quiz's marks beside each question (« Points - Q1 », « Feedback - Q1 »): not answers.
_QUIZ = ("Points - ", "Feedback - ")
SURVEYMONKEY = (
    ("Respondent ID",),
    {"Collector ID", "Start Date", "End Date"},
    {"IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1"},
)
WEBFORM = (
    ("SID",),
    {
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
    },
    {"IP Address", "UID", "Username", "Adresse IP", "Nom d'utilisateur"},
)
_DRAFT = ("Brouillon", "Draft")
#: SurveyMonkey's second header line under a question answered in one column.
_ONE_COLUMN = ("Response", "Open-Ended Response", "Réponse", "Réponse ouverte")


def platform_of_header(header: list[str]) -> str | None:
    """``microsoft_forms``, ``surveymonkey`` or ``webform`` when `header` starts with that
    platform's own columns, else None."""
    names = set(header)
    if header[:1] in (["Id"], ["ID"]) and (
        {"Start time", "Completion time"} <= names or {"Heure de début", "Heure de fin"} <= names
    ):
        return "microsoft_forms"
    if {"Respondent ID", "Collector ID"} <= names:
        return "surveymonkey"
    if "SID" in names and names & set(_DRAFT) and names & {"Serial", "Séquentiel"}:
        return "webform"
    return None


def _read_wide(
    path: Path,
    table: Table,
    frame: pd.DataFrame,
    form: Form | None,
    platform: tuple,
    *,
    fmt: str,
    actor_type: str | None,
    header_rows: int,
    notes=(),
    groups: dict | None = None,
    exclude=(),
    flags=(),
) -> Survey:
    """The Survey of a wide export whose platform columns are `platform`."""
    ids, meta, personal = platform
    id_column = next((c for c in ids if c in frame.columns), None)
    meta = set(meta) | set(personal) | set(ids)
    if form is None:
        form = with_checkboxes(infer_form(frame, path.name, meta=meta, groups=groups), frame)
    frame = split_checkboxes(form, frame)
    return survey_from_frame(
        frame,
        form,
        file=path.name,
        fmt=fmt,
        actor_type=actor_type,
        header_rows=header_rows,
        id_column=id_column,
        meta=meta,
        notes=[*table.notes, *notes],
        exclude=exclude,
        flags=flags,
        personal_meta=[c for c in frame.columns if c in personal],
    )


def _kind(path: Path) -> str:
    return "csv" if path.suffix.lower() in (".csv", ".txt", ".tsv") else "xlsx"


def read_microsoft_forms(
    path, form: Form | None = None, *, actor_type: str | None = None, fmt: str | None = None
) -> Survey:
    """Read a Microsoft Forms export (Excel, or re-saved as CSV).

    Returns
    -------
    Survey
        ``Email`` and ``Name`` (often « anonymous » and empty) go to role ``contact``.
    """
    path = Path(path)
    table = read_table(path)
    ids, meta, personal = MICROSOFT_FORMS
    quiz = {c for c in table.frame.columns if str(c).startswith(_QUIZ)}
    return _read_wide(
        path,
        table,
        table.frame,
        form,
        (ids, meta | quiz, personal),
        fmt=fmt or f"microsoft_forms_{_kind(path)}",
        actor_type=actor_type,
        header_rows=table.header_rows,
    )


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


def read_surveymonkey(
    path, form: Form | None = None, *, actor_type: str | None = None, fmt: str | None = None
) -> Survey:
    """Read a SurveyMonkey export (CSV or Excel, « expanded » two header lines).

    Returns
    -------
    Survey
        Rows read = the rows below the two header lines.
    """
    path = Path(path)
    table = read_table(path)
    frame = _surveymonkey_frame(table.frame)
    return _read_wide(
        path,
        table,
        frame,
        form,
        SURVEYMONKEY,
        fmt=fmt or f"surveymonkey_{_kind(path)}",
        actor_type=actor_type,
        header_rows=table.header_rows,
    )


def read_webform(
    path,
    form: Form | None = None,
    *,
    actor_type: str | None = None,
    fmt: str | None = None,
    include_incomplete: bool = False,
) -> Survey:
    """Read a Drupal Webform / Framaforms export (TSV, CSV or Excel download).

    The line above the header names each checkbox question above its first option column;
    without it (a file re-saved by R or a spreadsheet), a run of columns holding only « X »
    is still one checkbox question (`diagnostic.readers.inferred.tick_runs`). Drafts
    (``Brouillon`` = 1) are left out of the analyses unless `include_incomplete`.

    Returns
    -------
    Survey
    """
    path = Path(path)
    table = read_table(path)
    frame = table.frame
    groups = {}
    if table.header_rows >= 2:  # the line of question texts above the header
        above = head_rows(path, table.header_rows)[table.header_rows - 2]
        groups = {
            frame.columns[i]: str(text).strip()
            for i, text in enumerate(above[: len(frame.columns)])
            if text is not None and str(text).strip() and frame.columns[i] not in WEBFORM[1]
        }
    exclude: list = []
    flags: list = []
    draft = next((c for c in _DRAFT if c in frame.columns), None)
    if draft:
        drafts = frame[draft].fillna("").str.strip().isin({"1", "true", "True"}).to_numpy()
        exclude, flags = incomplete_rows(
            np.asarray(drafts), f"« {draft} » = 1 : brouillon", draft, include_incomplete
        )
    return _read_wide(
        path,
        table,
        frame,
        form,
        WEBFORM,
        fmt=fmt or f"webform_{_kind(path)}",
        actor_type=actor_type,
        header_rows=table.header_rows,
        groups=groups,
        exclude=exclude,
        flags=flags,
    )
