"""Response exports, read into the same tables whatever the platform."""

from __future__ import annotations

from pathlib import Path

from diagnostic.errors import DiagnosticError
from diagnostic.forms.model import Form
from diagnostic.readers.kobo import is_kobo_header, read_kobo
from diagnostic.readers.survey import Survey
from diagnostic.sheets import SPREADSHEET_SUFFIXES, read_rows

__all__ = ["Survey", "detect_format", "read_kobo", "read_responses"]


def detect_format(path) -> str:
    """Name the platform and format of a response export (``kobo_xlsx``…)."""
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        rows = read_rows(path, 0)
        header = [h for h in (rows[0] if rows else []) if h]
        if is_kobo_header(header):
            return "kobo_xlsx"
        return "table_xlsx"
    raise DiagnosticError(
        f"format de fichier non reconnu (« {path.suffix} »). Formats lus : "
        "export KoboToolbox .xlsx.",
        file=path.name,
    )


def read_responses(path, form: Form | None, *, actor_type: str | None = None) -> Survey:
    """Read a response export with its form, detecting the format."""
    fmt = detect_format(path)
    if form is None:
        raise DiagnosticError(
            "le formulaire (XLSForm) est nécessaire pour lire cet export : indiquez-le "
            "avec --form ou la clé « form » du projet.",
            file=Path(path).name,
        )
    if fmt in ("kobo_xlsx", "table_xlsx"):
        return read_kobo(path, form, actor_type=actor_type)
    raise DiagnosticError(f"format « {fmt} » pas encore pris en charge.", file=Path(path).name)
