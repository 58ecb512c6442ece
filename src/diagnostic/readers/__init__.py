"""Response exports, read into the same tables whatever the platform."""

from __future__ import annotations

from pathlib import Path

from diagnostic._io.sheets import clear_cache
from diagnostic._io.tables import read_table
from diagnostic.forms.model import Form
from diagnostic.readers.asked import with_form_bases
from diagnostic.readers.detect import FORMATS, detect_format
from diagnostic.readers.google_forms import read_google_forms
from diagnostic.readers.kobo import read_kobo
from diagnostic.readers.limesurvey import read_limesurvey
from diagnostic.readers.odk import read_odk
from diagnostic.readers.qualtrics import read_qualtrics
from diagnostic.readers.services import read_microsoft_forms, read_surveymonkey, read_webform
from diagnostic.readers.survey import Survey

__all__ = [
    "FORMATS",
    "Survey",
    "detect_format",
    "read_google_forms",
    "read_kobo",
    "read_limesurvey",
    "read_microsoft_forms",
    "read_odk",
    "read_qualtrics",
    "read_responses",
    "read_surveymonkey",
    "read_table",
    "read_webform",
]


def read_responses(
    path,
    form: Form | None = None,
    *,
    actor_type: str | None = None,
    include_incomplete: bool = False,
) -> Survey:
    """Read a response export, detecting its platform and format.

    Parameters
    ----------
    path : str or Path
        Any export `detect_format` names.
    form : Form, optional
        The questionnaire (`read_form`); without it, questions are inferred from the data
        and flagged "unlabelled" in the anomalies.
    actor_type : str, optional
        Actor type for every respondent when the questionnaire targets one type.
    include_incomplete : bool
        Keep incomplete responses (LimeSurvey without ``submitdate``, Kobo/ODK drafts,
        Qualtrics ``Finished`` false), which are otherwise left out with an anomaly.

    Returns
    -------
    Survey
        Rows read = rows loaded + rows rejected.
    """
    try:
        survey = _read(path, form, actor_type, include_incomplete)
        return survey if form is None else with_form_bases(survey, form)
    finally:
        clear_cache()  # the parsed sheet is only shared between detection and reading


def _read(path, form: Form | None, actor_type: str | None, include_incomplete: bool) -> Survey:
    fmt = detect_format(path)
    platform = fmt.rsplit("_", 1)[0]
    if platform == "qualtrics":
        return read_qualtrics(
            path, form, actor_type=actor_type, fmt=fmt, include_incomplete=include_incomplete
        )
    if platform == "webform":
        return read_webform(
            path, form, actor_type=actor_type, fmt=fmt, include_incomplete=include_incomplete
        )
    if platform in ("microsoft_forms", "surveymonkey"):
        reader = read_microsoft_forms if platform == "microsoft_forms" else read_surveymonkey
        return reader(path, form, actor_type=actor_type, fmt=fmt)
    if platform == "odk":
        return read_odk(
            path, form, actor_type=actor_type, fmt=fmt, include_incomplete=include_incomplete
        )
    if platform == "limesurvey" or (platform == "table" and form is not None and form.headings):
        # a LimeSurvey structure tells a full-text export its platform headings do not show
        return read_limesurvey(
            path,
            form,
            actor_type=actor_type,
            fmt=fmt.replace("table", "limesurvey"),
            include_incomplete=include_incomplete,
        )
    if platform == "google_forms" or (form is None and platform == "table"):
        return read_google_forms(path, form, actor_type=actor_type, fmt=fmt)
    if form is None:
        from diagnostic.readers.build import index_columns
        from diagnostic.readers.inferred import infer_form
        from diagnostic.readers.kobo import ID_COLUMNS, META_COLUMNS

        frame = read_table(path).frame
        meta = META_COLUMNS | set(ID_COLUMNS) | index_columns(frame)
        form = infer_form(frame, Path(path).name, meta=meta)
    return read_kobo(
        path, form, actor_type=actor_type, fmt=fmt, include_incomplete=include_incomplete
    )
