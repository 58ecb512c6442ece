"""Response exports, read into the same tables whatever the platform."""

from __future__ import annotations

from diagnostic._io.sheets import clear_cache
from diagnostic._io.tables import read_table
from diagnostic.forms.model import Form
from diagnostic.readers.asked import with_form_bases
from diagnostic.readers.build import read_export
from diagnostic.readers.detect import FORMATS, PLATFORMS, detect_format
from diagnostic.readers.google_forms import read_google_forms
from diagnostic.readers.kobo import read_kobo
from diagnostic.readers.limesurvey import read_limesurvey
from diagnostic.readers.odk import read_odk
from diagnostic.readers.qualtrics import read_qualtrics
from diagnostic.readers.services import read_microsoft_forms, read_surveymonkey, read_webform
from diagnostic.readers.survey import Survey, with_asked

__all__ = [
    "FORMATS",
    "PLATFORMS",
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
        # with a form that says who was asked, `asked` is built once, from its bases
        bases = form is not None and form.relevance is not None
        survey = _read(path, form, actor_type, include_incomplete, asked_later=bases)
        return with_asked(with_form_bases(survey, form) if form is not None else survey)
    finally:
        clear_cache()  # the parsed sheet is only shared between detection and reading


def _read(
    path,
    form: Form | None,
    actor_type: str | None,
    include_incomplete: bool,
    asked_later: bool = False,
) -> Survey:
    fmt = detect_format(path)
    name = fmt.rsplit("_", 1)[0]
    if name == "table":  # no platform's own columns: what the form says, else inferred
        if form is not None and form.headings:
            # a LimeSurvey structure tells a full-text export its platform headings do not show
            name, fmt = "limesurvey", fmt.replace("table", "limesurvey")
        else:
            name = "google_forms" if form is None else "kobo"
    return read_export(
        path,
        form,
        PLATFORMS[name],
        actor_type=actor_type,
        fmt=fmt,
        include_incomplete=include_incomplete,
        asked_later=asked_later,
    )
