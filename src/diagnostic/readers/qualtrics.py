"""Qualtrics response exports (CSV or Excel): two or three header rows.

The first row names the columns (``StartDate``, ``ResponseId``, ``Q1``, ``Q2_1``…), the
second gives each column's text (the question as the respondent read it), and exports since
2016 add a third row of ``{"ImportId":"QID1"}`` objects. Only the rows below are
respondents. ``Finished`` says whether the respondent reached the end.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from diagnostic._io.tables import read_table
from diagnostic.forms.model import Form, choice_row
from diagnostic.readers.build import incomplete_rows, platform_reader
from diagnostic.readers.columns import map_columns
from diagnostic.readers.google_forms import OTHER_LABEL, split_checkboxes, with_checkboxes
from diagnostic.readers.inferred import infer_form, inferred_anomalies, option_order
from diagnostic.readers.survey import Platform, Reading
from diagnostic.schemas import conform

#: Qualtrics meta columns about the respondent (role ``contact``, never an answer).
PERSONAL_META = {
    "IPAddress",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "ExternalDataReference",
    "LocationLatitude",
    "LocationLongitude",
    "V3",
    "V4",
    "V5",
    "V6",
}
#: Bookkeeping columns (never questions), current and legacy (V1…V10) exports.
META_COLUMNS = PERSONAL_META | {
    "StartDate",
    "EndDate",
    "Status",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "ResponseID",
    "DistributionChannel",
    "UserLanguage",
    "ResponseSet",
    "LocationAccuracy",
    "V1",
    "V2",
    "V7",
    "V8",
    "V9",
    "V10",
}
#: Q_RecaptchaScore, Q_TotalDuration…, and the text analysis columns (« Q2 - Topics »)
_PLATFORM_META = re.compile(
    r"^Q_[A-Z]|^\S+ - (Topics|Sentiment|Sentiment Score|Sentiment Polarity|Topic Sentiment Label|Topic Sentiment Score|Parent Topics)$"
)
_ID_COLUMNS = ("ResponseId", "ResponseID", "V1")
_FINISHED = ("Finished", "V10")
#: Responses Qualtrics records without a respondent: previews, tests, spam.
_NOT_RESPONDENT = {"survey preview", "survey test", "spam", "preview spam"}


def is_qualtrics_header(header: list[str]) -> bool:
    """A Qualtrics export: ``ResponseId`` with ``StartDate``/``Finished``, or a legacy one:
    ``V1`` … ``V10`` named on the first row, ``ResponseID``… on the second."""
    names = set(header)
    return bool(
        ("ResponseId" in names and names & {"StartDate", "Finished", "RecordedDate"})
        or {"ResponseID", "ResponseSet"} <= names
        or ({f"V{i}" for i in range(1, 11)} <= names and "ResponseID" not in names)
    )


def _is_import_row(cells) -> bool:
    """The third header row of a recent export: ``{"ImportId":"QID1"}`` in most cells."""
    filled = [str(c) for c in cells if isinstance(c, str) and c.strip()]
    return bool(filled) and sum('"ImportId"' in c for c in filled) >= len(filled) / 2


def _prepare(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    """The respondents below the header rows; without a form, questions inferred from the
    data and labelled with the second header row."""
    table = read_table(path)
    frame = table.frame
    texts = frame.iloc[0] if len(frame) else pd.Series(dtype="string")
    skip = 1 + int(len(frame) > 1 and _is_import_row(frame.iloc[1].tolist()))
    body = frame.iloc[skip:].reset_index(drop=True)
    notes = list(table.notes) + [
        (
            f"export Qualtrics : {skip + 1} lignes d'en-tête (noms, textes des questions"
            + (", identifiants ImportId" if skip == 2 else "")
            + ") ; seule la première nomme les colonnes",
            None,
        )
    ]
    meta = META_COLUMNS | {c for c in body.columns if _PLATFORM_META.match(str(c))}
    columns = None
    if form is None:
        # multiple answers come as the ticked choices' texts joined by ","
        form = with_checkboxes(infer_form(body, path.name, meta=meta), body, tight=True)
        import_ids = (
            {c: str(v) for c, v in frame.iloc[1].items() if isinstance(v, str)} if skip == 2 else {}
        )
        form = _choice_codes(form, body, import_ids)
        body = split_checkboxes(form, body, tight=True)
        columns = map_columns(body, form, ignore=meta)
        texts = {c: t for c in frame.columns if isinstance(t := texts.get(c), str) and t.strip()}
        texts.update({f"{c} [{OTHER_LABEL}]": f"{t} [{OTHER_LABEL}]" for c, t in texts.items()})
        questions = form.questions.copy()
        by_column = dict(columns.single)
        questions["label"] = [
            texts.get(by_column.get(q)) or label
            for q, label in zip(questions["question_id"], questions["label"])
        ]
        form = Form(
            form.file,
            form.title,
            form.language,
            conform(questions, "questions"),
            form.choices,
            form.anomalies,
        )
    exclude, flags = [], []
    if "Status" in body.columns:
        status = body["Status"].fillna("").str.strip().str.casefold()
        exclude.append(
            (
                status.isin(_NOT_RESPONDENT).to_numpy(),
                "réponse d'aperçu, de test ou indésirable (Status Qualtrics) : écartée",
                "Status",
            )
        )
    finished = next((c for c in _FINISHED if c in body.columns), None)
    if finished:
        done = body[finished].fillna("").str.strip().str.casefold()
        more = incomplete_rows(
            done.isin({"false", "0", "faux"}).to_numpy(),
            f"« {finished} » faux : questionnaire non terminé",
            finished,
            include_incomplete,
        )
        exclude += more[0]
        flags += more[1]
    return Reading(
        body,
        form,
        table.header_rows + skip,
        notes,
        meta=meta,
        options={"columns": columns, "exclude": exclude, "flags": flags},
    )


QUALTRICS = Platform(
    "qualtrics",
    _prepare,
    detect=is_qualtrics_header,
    meta=frozenset(META_COLUMNS),
    personal=frozenset(PERSONAL_META),
    ids=_ID_COLUMNS,
    doc="""Read a Qualtrics export; without a form, questions are inferred from the data and
    labelled with the export's second header row.

    Parameters
    ----------
    path : str or Path
        CSV or Excel export ("Download data", choice texts or numeric values).
    form : Form, optional
        The questionnaire; without it, questions are inferred.
    actor_type : str, optional
        Actor type for every respondent.
    include_incomplete : bool
        Keep the responses with ``Finished`` false (left before the end) instead of leaving
        them out of the analyses.

    Returns
    -------
    Survey
        Rows read = respondents below the header rows = loaded + rejected.
    """,
)
read_qualtrics = platform_reader(QUALTRICS)


_WHOLE = re.compile(r"^\d{1,2}$")
_MAX_CODE = 10  # the recode values of a choice question: 1, 2… (larger numbers are counts)


def _choice_codes(form: Form, body: pd.DataFrame, import_ids: dict) -> Form:
    """Types Qualtrics itself says: a text entry (``{"ImportId":"QID2_TEXT"}``) is text
    whatever few answers it has, and a column of whole numbers that is no text entry holds
    the codes of a choice question (« numeric values », the default download) when they
    stay within 0-10 (a count of employees does not). Without ImportIds (legacy exports),
    such small whole numbers are taken as codes too."""
    questions, extra = form.questions.copy(), []
    for i, q in form.questions.iterrows():
        column = q["label"]
        if column not in body.columns:
            continue
        import_id = import_ids.get(column, "")
        if "_TEXT" in import_id:
            if q["type"] in ("single", "likert"):
                questions.loc[i, ["type", "list_name"]] = ["text", None]
            continue
        cells = body[column].dropna().astype(str).str.strip()
        cells = cells[cells != ""]
        if (
            q["type"] == "numeric"
            and len(cells)
            and cells.str.fullmatch(_WHOLE).all()
            and cells.astype(int).between(0, _MAX_CODE).all()
        ):
            questions.loc[i, ["type", "list_name"]] = ["single", q["question_id"]]
            extra += [
                choice_row(q["question_id"], v, v, k)
                for k, v in enumerate(option_order(set(cells)), 1)
            ]
    if not extra and questions.equals(form.questions):
        return form
    choices = pd.concat([form.choices, pd.DataFrame(extra)], ignore_index=True)
    return replace(
        form,
        questions=conform(questions, "questions"),
        choices=conform(choices, "choices"),
        anomalies=inferred_anomalies(questions, form.file),
    )
