"""Name the platform and format of a response export from its headers."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from diagnostic._io.sheets import SPREADSHEET_SUFFIXES
from diagnostic._io.tables import read_header
from diagnostic.errors import DiagnosticError
from diagnostic.readers.qualtrics import is_qualtrics_header
from diagnostic.readers.services import platform_of_header

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
_KOBO_META = {"_uuid", "_submission_time", "_index", "_id", "_validation_status"}
# the same columns in an export re-saved by R (``write.csv``): ``X_uuid``…
_KOBO_META |= {"X" + name for name in _KOBO_META}
_ODK_META = {"SubmissionDate", "meta-instanceID", "PARENT_KEY", "ReviewState", "SubmitterID"}
_LIME_META = {
    "submitdate",
    "lastpage",
    "startlanguage",
    "Response ID",
    "ID réponse",
    "Date de soumission",
    "Dernière page",
    "Langue de départ",
    "Date submitted",
}
_LIME_CODE = re.compile(r"^[A-Za-z][\w]*(\[[^\]]+\])+(\.\s.*)?$|^[A-Za-z][\w]*\.\s\S")
_GOOGLE = {"Horodateur", "Timestamp", "Marca temporal", "Zeitstempel"}
_KOBO_GROUP = re.compile(r"^group_[a-z]{2}\d[a-z0-9]{4}[./]")


def format_of_header(header: list[str], suffix: str) -> str:
    """The format of an export whose header row is `header` (file suffix without dot)."""
    kind = "csv" if suffix in ("csv", "txt", "tsv") else "xlsx"
    names = set(header)
    if is_qualtrics_header(header):
        return f"qualtrics_{kind}"
    service = platform_of_header(header)
    if service:
        return f"{service}_{kind}"
    if len(_KOBO_META & names) >= 2 or any(_KOBO_GROUP.match(h) for h in header):
        return f"kobo_{kind}"
    if "KEY" in names and (_ODK_META & names or any("-" in h for h in header)):
        return f"odk_{kind}" if kind == "csv" else "kobo_xlsx"
    if "KEY" in names:
        return f"kobo_{kind}"
    if _LIME_META & names or sum(bool(_LIME_CODE.match(h)) for h in header) >= 2:
        return f"limesurvey_{kind}"
    if header and header[0] in _GOOGLE:
        return f"google_forms_{kind}"
    return f"table_{kind}"


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
