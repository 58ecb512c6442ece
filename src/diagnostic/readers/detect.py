"""Name the platform and format of a response export from its headers."""

from __future__ import annotations

import zipfile
from pathlib import Path

from diagnostic._io.sheets import SPREADSHEET_SUFFIXES
from diagnostic._io.tables import read_header
from diagnostic.errors import DiagnosticError
from diagnostic.readers.google_forms import GOOGLE_FORMS
from diagnostic.readers.kobo import KOBO
from diagnostic.readers.limesurvey import LIMESURVEY
from diagnostic.readers.odk import ODK
from diagnostic.readers.qualtrics import QUALTRICS
from diagnostic.readers.services import MICROSOFT_FORMS, SURVEYMONKEY, WEBFORM

#: Every format `detect_format` may answer, and what it means.
FORMATS = {
    "kobo_xlsx": "export KoboToolbox (Excel)",
    "kobo_csv": "export KoboToolbox / KoboCollect (CSV)",
    "odk_csv": "export ODK Central (CSV)",
    "odk_zip": "export ODK Central (ZIP avec répétitions)",
    "limesurvey_csv": "export de réponses LimeSurvey (CSV)",
    "limesurvey_xlsx": "export de réponses LimeSurvey (Excel)",
    "qualtrics_csv": "export de réponses Qualtrics (CSV)",
    "qualtrics_xlsx": "export de réponses Qualtrics (Excel)",
    "google_forms_csv": "réponses Google Forms (CSV)",
    "google_forms_xlsx": "réponses Google Forms (Excel)",
    "microsoft_forms_csv": "réponses Microsoft Forms (CSV)",
    "microsoft_forms_xlsx": "réponses Microsoft Forms (Excel)",
    "surveymonkey_csv": "export de réponses SurveyMonkey (CSV)",
    "surveymonkey_xlsx": "export de réponses SurveyMonkey (Excel)",
    "webform_csv": "export Webform / Framaforms (CSV ou TSV)",
    "webform_xlsx": "export Webform / Framaforms (Excel)",
    "table_csv": "tableau CSV simple",
    "table_xlsx": "tableau Excel simple",
}
#: Every platform read, in the order their `detect` is asked (the first that knows the
#: header wins): adding a platform is adding its `Platform` entry here and its formats above.
PLATFORMS = {
    p.name: p
    for p in (
        QUALTRICS,
        MICROSOFT_FORMS,
        SURVEYMONKEY,
        WEBFORM,
        ODK,
        KOBO,
        LIMESURVEY,
        GOOGLE_FORMS,
    )
}


def format_of_header(header: list[str], suffix: str) -> str:
    """The format of an export whose header row is `header` (file suffix without dot)."""
    kind = "csv" if suffix in ("csv", "txt", "tsv") else "xlsx"
    name = next((p.name for p in PLATFORMS.values() if p.detect(header)), "table")
    if name == "odk" and kind != "csv":
        name = "kobo"  # ODK Central exports text files: an ODK-like spreadsheet is Kobo's
    return f"{name}_{kind}"


def detect_format(path) -> str:
    """Name the platform and format of a response export.

    Parameters
    ----------
    path : str or Path
        The export: .xlsx/.xls/.ods, .csv, or an ODK Central .zip.

    Returns
    -------
    str
        One of the keys of `FORMATS` (``kobo_xlsx``, ``odk_zip``, ``limesurvey_csv``…).
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "zip":
        if not zipfile.is_zipfile(path):
            raise DiagnosticError("archive ZIP illisible ou endommagée.", file=path.name)
        return "odk_zip"
    if f".{suffix}" in SPREADSHEET_SUFFIXES or suffix in ("csv", "txt", "tsv"):
        return format_of_header(read_header(path), suffix)
    raise DiagnosticError(
        f"format de fichier non reconnu (« {path.suffix} »). Formats lus : Excel (.xlsx, "
        ".xls, .ods), CSV et archive ZIP d'ODK Central.",
        file=path.name,
    )
