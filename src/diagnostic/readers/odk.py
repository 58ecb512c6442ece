"""ODK Central exports: the CSV of submissions, or the ZIP with one CSV per repeat group.

Group paths are joined with ``-`` (``identite-commune``), each submission has a ``KEY``
(``uuid:…``), and repeat rows point to their submission through ``PARENT_KEY``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from diagnostic.errors import DiagnosticError
from diagnostic.forms.inferred import infer_form
from diagnostic.forms.model import Form
from diagnostic.readers.build import survey_from_frame
from diagnostic.readers.survey import Survey
from diagnostic.readers.tables import Table, read_table, table_from_bytes

META_COLUMNS = {
    "SubmissionDate", "start", "end", "today", "deviceid", "KEY", "PARENT_KEY",
    "meta-instanceID", "meta-instanceName", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
    "Edits", "FormVersion", "instanceID", "meta-audit",
}


def _zip_tables(path: Path) -> tuple[str, Table, dict[str, int]]:
    """The submissions table of an ODK Central ZIP, and the row count of each repeat CSV."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {n: archive.read(n) for n in archive.namelist()
                       if n.lower().endswith(".csv")}
    except zipfile.BadZipFile:
        raise DiagnosticError("archive ZIP illisible ou endommagée.", file=path.name) from None
    if not members:
        raise DiagnosticError("l'archive ne contient aucun fichier CSV d'export ODK.",
                              file=path.name)
    tables = {name: table_from_bytes(raw, name) for name, raw in members.items()}
    main = [n for n, t in tables.items() if "PARENT_KEY" not in t.frame.columns]
    if len(main) != 1:
        raise DiagnosticError("l'archive doit contenir un seul CSV de soumissions (sans "
                              f"colonne PARENT_KEY) ; trouvés : {', '.join(main) or 'aucun'}.",
                              file=path.name)
    repeats = {Path(n).stem: len(t.frame) for n, t in tables.items() if n != main[0]}
    return main[0], tables[main[0]], repeats


def read_odk(path, form: Form | None = None, *, actor_type: str | None = None,
             fmt: str | None = None) -> Survey:
    """Read an ODK Central CSV or ZIP export with its XLSForm (or an inferred form).

    Returns
    -------
    Survey
        `repeats` counts the rows of each repeat CSV of a ZIP; repeat rows whose
        ``PARENT_KEY`` matches no submission are reported as anomalies.
    """
    path = Path(path)
    repeats, orphans = {}, []
    if path.suffix.lower() == ".zip":
        _name, table, repeats = _zip_tables(path)
        orphans = _orphans(path, table)
    else:
        table = read_table(path)
    frame = table.frame
    if form is None:
        form = infer_form(frame, path.name, meta=META_COLUMNS)
    survey = survey_from_frame(
        frame, form, file=path.name, fmt=fmt or ("odk_zip" if repeats else "odk_csv"),
        actor_type=actor_type, repeats=repeats, header_rows=table.header_rows,
        id_column="KEY" if "KEY" in frame.columns else None, meta=META_COLUMNS,
        notes=table.notes + orphans)
    return survey


def _orphans(path: Path, main: Table) -> list:
    """Repeat rows whose PARENT_KEY points to no submission: noted, not lost."""
    keys = set(main.frame["KEY"].dropna()) if "KEY" in main.frame.columns else set()
    notes = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            t = table_from_bytes(archive.read(name), name) if name.endswith(".csv") else None
            if t is None or "PARENT_KEY" not in t.frame.columns:
                continue
            parents = t.frame["PARENT_KEY"].dropna()
            # a nested repeat points to a repeat row: its key starts with the submission key
            lost = [p for p in parents if p.split("/")[0] not in keys]
            if lost:
                notes.append((f"{name} : {len(lost)} ligne(s) de répétition sans soumission "
                              "parente", None))
    return notes
